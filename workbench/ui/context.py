"""What every page needs: the database ready, the request's credentials, the acting
person, and writes whose errors are shown in words.

The credentials come from the browser, per request (each script run re-checks them, so
a revoked session or a switched-off account stops working at the next click):

* OpenID Connect configured (``[auth]`` in ``secrets.toml``): ``st.user``'s issuer and
  subject (an account is made on the first visit, ``workbench.actions.register_external``).
* Otherwise the ``wb_session`` cookie set by ``POST /auth/login`` (see
  ``workbench.ui.web``), read from ``st.context.cookies``; tests (AppTest cannot send
  cookies) put a real token in ``st.session_state[routes.SESSION_TOKEN]`` instead.

Who that is, and when nobody needs to sign in, is decided in ``workbench.identity``; the
pages read through ``workbench.loaders`` and write through :func:`perform`, and never
open a database session themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from workbench import actions, auth, identity
from workbench.actions import DatabaseRefused, Saved
from workbench.errors import AuthenticationFailed, WorkbenchError
from workbench.identity import Credentials, ExternalIdentity, Person
from workbench.ui import routes
from workbench.ui.safe import md

Draft = TypeVar("Draft")


@st.cache_resource(show_spinner="Preparing the database…")
def prepare_once() -> bool:
    """Once per server process (a refusal is not cached: the next run checks again)."""
    actions.prepare_database()
    return True


def ensure_database() -> bool:
    """Create a new database, or check the configured one is up to date; an outdated one
    stops the page with the command that fixes it (never a traceback)."""
    try:
        return prepare_once()
    except WorkbenchError as error:
        st.error(f"The workbench cannot open its database: {md(str(error))}.")
        st.stop()


def oidc_settings() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of the secrets when single sign-on is configured."""
    try:
        section = st.secrets.get("auth")
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return None
    return section if section else None


def _external_identity() -> ExternalIdentity | None:
    """The ``st.user`` signed in through single sign-on, or None."""
    if not st.user.is_logged_in:
        return None
    info = st.user.to_dict()
    if not info.get("sub"):
        return None
    return ExternalIdentity(
        f"{info.get('iss') or ''}|{info['sub']}",
        str(info.get("email") or ""),
        str(info.get("name") or ""),
    )


def credentials() -> Credentials:
    """What this request presents. Read it during the script run: a download's callable
    runs in a worker thread where the cookies and the session state are empty."""
    if oidc_settings() is not None:
        return Credentials(single_sign_on=True, external=_external_identity())
    token = auth.token_from_cookie(st.context.cookies.get(auth.COOKIE_NAME))
    return Credentials(token=token or st.session_state.get(routes.SESSION_TOKEN))


def current_user() -> Person | None:
    """Who this script run acts for, or None when the sign-in page must be shown."""
    presented = credentials()
    visit = identity.visit(presented)
    if visit.unregistered:
        try:
            return actions.register_external(presented)
        except AuthenticationFailed as error:
            st.error(md(str(error)))
            return None
    if visit.touch_due and presented.token:
        actions.note_activity(presented.token)
    return visit.person


def sign_out() -> None:
    """End the session on the server (the cookie left behind is then worthless)."""
    if oidc_settings() is not None:
        st.logout()
        return
    token = credentials().token
    if token:
        actions.sign_out(token)
    st.session_state.pop(routes.SESSION_TOKEN, None)


def _refuse(message: str, where: str | None, icon: str | None = None) -> None:
    """Show why a write was refused: here, or (``where``, from a callback) in the state
    for :func:`show_refusal` to draw next to the form. An element a callback draws during
    a fragment rerun lands at the top of the page, far from the form (docs/reruns.md)."""
    if where is None:
        st.error(message, icon=icon)
    else:
        st.session_state[where] = (message, icon)


def show_refusal(where: str) -> None:
    """The refusal a callback kept under ``where``, until the form's next attempt."""
    refused = st.session_state.get(where)
    if refused is not None:
        st.error(refused[0], icon=refused[1])


def checked(
    draft: Callable[..., Draft], /, *, where: str | None = None, **fields: Any
) -> Draft | None:
    """A draft built from a form's fields, or None after showing why it was refused (as
    :func:`perform` shows a service's refusal, ``where`` included): drafts check their
    fields when built, which a page does before it calls the service."""
    try:
        return draft(**fields)
    except WorkbenchError as error:
        _refuse(md(str(error)), where)
        return None


def perform(
    service: Callable[..., object],
    *args: Any,
    reraise: tuple[type[Exception], ...] = (),
    where: str | None = None,
    **kwargs: Any,
) -> Saved | None:
    """Run ``service(session, actor, *args, **kwargs)`` in one write transaction as this
    request's person (``workbench.actions.perform``).

    Domain errors roll everything back and are shown with ``st.error`` (None is
    returned), except those in ``reraise``, which the page handles itself (a stale
    edit, say, where the page shows both versions). So is a database that refuses the
    write (locked by an import, a lock timeout, a full disk): the message says so, and
    the form keeps the typed text as long as the page's form does not clear on submit.
    A callback passes ``where`` (a session-state key) to have the refusal kept for
    :func:`show_refusal` instead.
    """
    try:
        saved = actions.perform(credentials(), service, *args, **kwargs)
    except reraise:
        raise
    except WorkbenchError as error:
        _refuse(md(str(error)), where)
    except DatabaseRefused as refused:
        _refuse(str(refused), where, icon="⏳")
    else:
        st.session_state.pop(routes.MY_WORK_COUNTS, None)  # a change of mine: count again
        return saved
    return None
