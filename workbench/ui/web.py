"""The HTTP side of the workbench: Streamlit's ``st.App`` plus our own routes.

Why routes at all: a Streamlit script talks to the browser over a WebSocket and
cannot set an HttpOnly cookie. So the sign-in page renders a plain HTML form
that the browser POSTs to ``/auth/login``; this route checks the password, stores
the session and answers ``303 /`` with ``Set-Cookie: wb_session`` (HttpOnly,
SameSite=Lax, Secure on https). The reloaded page opens a new WebSocket whose
handshake carries the cookie, and the script reads it from ``st.context.cookies``.

Streamlit's own ``/auth/login`` and ``/auth/logout`` (for ``st.login``) answer GET;
ours answer POST only, and Starlette picks the route whose method matches.

CSRF: the cookie is SameSite=Lax, and both POST routes refuse a request whose
``Origin`` (or, failing that, ``Referer``) is not this host, so another site can
neither sign a visitor in to its own account nor sign them out.

Start with ``workbench serve [--server.port 8501 ...]`` (what ``dev.py start`` runs), which
is ``streamlit run`` on this file: Streamlit finds ``app`` below and serves it with its own
settings (``.streamlit/config.toml`` beside this file, ``STREAMLIT_*`` variables, flags).
``uvicorn workbench.ui.web:app`` works too. ``streamlit run app.py`` would serve the UI
without these routes.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import pkgutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from workbench import actions, auth, logs
from workbench.reports.claimreview import public_claimreview_feed
from workbench.settings import get_settings
from workbench.text.checkworthiness import default_ranker
from workbench.ui import routes

#: The entry page, inside the package so that an installed wheel has it, in a folder with no
#: ``pages`` directory beside it: Streamlit would serve such a directory's scripts as pages of
#: their own (its first multipage API), past the sign-in gate, to a server's first visitor.
APP_SCRIPT = Path(__file__).parent / "shell" / "entry.py"
MAX_FORM_BYTES = 4096
MAX_RESPONSE_DELAY_S = 5.0


def _same_origin(request: Request) -> bool:
    """True when the browser says the form came from a page on this host."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return False
    return urlsplit(source).netloc.lower() == request.headers.get("host", "").lower()


def _is_https(request: Request) -> bool:
    # Behind a TLS-terminating proxy the hop to us is plain http; trusting the header
    # here can only make the cookie stricter.
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def _attempt(name: str, password: str, address: str | None) -> str:
    token, _user = auth.sign_in(name, password, address=address)
    return token


async def login(request: Request) -> Response:
    """POST /auth/login with ``username`` (or ``name``) and ``password`` form fields, and
    ``next``, the address to land on (a path on this site; anything else lands on ``/``).

    Failures are throttled per name and per client address. The address is the one
    uvicorn reports: the socket peer, or, when the peer is a trusted proxy (uvicorn's
    ``FORWARDED_ALLOW_IPS``, default ``127.0.0.1,::1``), the nearest address in
    ``X-Forwarded-For`` that the proxy did not add itself. No other header is trusted.
    """
    if not _same_origin(request):
        return PlainTextResponse("Cross-site sign-in refused.", status_code=403)
    form = await _form(request)
    name = form.get("username") or form.get("name") or ""
    address = request.client.host if request.client else None
    try:
        token = await run_in_threadpool(_attempt, name, form.get("password", ""), address)
    except auth.SignInFailed as error:
        # Waiting here (without holding a thread) slows a scripted guesser further.
        await asyncio.sleep(min(error.delay, MAX_RESPONSE_DELAY_S))
        return RedirectResponse(
            routes.landing(form.get(routes.RETURN_TO), failed=True), status_code=303
        )
    # Back to the address the form was shown at: a link opened while signed out.
    response = RedirectResponse(routes.landing(form.get(routes.RETURN_TO)), status_code=303)
    response.set_cookie(
        auth.COOKIE_NAME,
        auth.cookie_value(token),
        max_age=get_settings().session_hours * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    return response


def _revoke(cookie: str | None) -> None:
    token = auth.token_from_cookie(cookie)
    if token:
        actions.sign_out(token)


async def logout(request: Request) -> Response:
    """POST /auth/logout: revoke the session server-side and delete the cookie."""
    if not _same_origin(request):
        return PlainTextResponse("Cross-site sign-out refused.", status_code=403)
    await run_in_threadpool(_revoke, request.cookies.get(auth.COOKIE_NAME))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        auth.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=_is_https(request)
    )
    return response


async def healthz(_request: Request) -> Response:
    """Liveness for load balancers; Streamlit's own is ``/_stcore/health``."""
    return PlainTextResponse("ok")


def _feed_body() -> bytes:
    feed = public_claimreview_feed()
    return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")


async def claimreview(_request: Request) -> Response:
    """GET /claimreview.jsonld: the published fact-checks as schema.org ClaimReview.

    Public on purpose (it is what aggregators read); only approved, valid claims are in it.
    """
    body = await run_in_threadpool(_feed_body)
    return Response(body, media_type="application/ld+json")


ROUTES = [
    Route(routes.LOGIN_PATH, login, methods=["POST"]),
    Route(routes.LOGOUT_PATH, logout, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/claimreview.jsonld", claimreview, methods=["GET"]),
]


def warm_and_freeze() -> None:
    """Import what the pages use and load the shipped check-worthiness model, then move
    every object alive now out of the collector's sight (``gc.freeze``).

    A full collection walks every tracked object: with the libraries loaded that was about
    190,000, 0.3–0.7 s on 2 cores, during which no other run can start. Streamlit's own
    collection after every run is switched off (``postScriptGC`` in ``.streamlit/
    config.toml``); Python's collector still runs full collections now and then, and
    frozen, the modules, classes and functions that live for the whole process are not
    walked again, while everything the runs allocate is still collected as before. The
    shipped model is kept for the process's life too (``shipped_ranker`` is cached), and
    the JSON it was parsed from holds about 62,000 small lists: loaded after the freeze,
    they were three quarters of what every collection still walked.
    """
    for name in ("pandas", "plotly.graph_objects", *_ui_modules()):
        importlib.import_module(name)
    default_ranker()
    gc.collect()
    gc.freeze()


def _ui_modules() -> list[str]:
    """The components and the domain modules the pages import (pages are scripts)."""
    import workbench
    import workbench.ui.components

    return [
        module.name
        for package in (workbench, workbench.ui.components)
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}.")
        if not module.ispkg and module.name != "workbench.__main__"
    ]


@asynccontextmanager
async def _prepare_on_start(_app: st.App) -> AsyncIterator[None]:
    # In the lifespan rather than in `workbench serve`, so `uvicorn workbench.ui.web:app`
    # gets it too.
    logs.configure(get_settings().log_level)
    # The routes may be hit before any page ran ensure_database(): prepare it first.
    await run_in_threadpool(actions.prepare_database)
    actions.warm_search()
    warm_and_freeze()
    yield


app = st.App(APP_SCRIPT, routes=ROUTES, lifespan=_prepare_on_start)


if __name__ == "__main__":  # the older spelling of `workbench serve`
    from workbench import cli

    sys.exit(cli.main(["serve", *sys.argv[1:]]))
