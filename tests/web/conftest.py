"""A local web site for the fetching tests: a threaded HTTP server on 127.0.0.1, on a random
port, serving whatever each test puts on it, and settings that allow that one host.

Handlers that hold a connection open (a stalled or trickling page) wait on ``released``,
which the fixture sets at teardown, so no server thread outlives its test.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from workbench.settings import Settings

DATA = Path(__file__).resolve().parent / "data"
WIKINEWS = DATA / "wikinews-2019-10-08-trump-syria-withdrawal.txt"
WIKINEWS_URL = (
    "https://en.wikinews.org/wiki/US_President_Trump_announces_troop_withdrawal_from_Syria"
)

Responder = Callable[[BaseHTTPRequestHandler, "LocalSite"], None]


@dataclass
class LocalSite:
    """Routes by path (query ignored); ``requests`` holds (path, headers) of every request."""

    port: int = 0
    routes: dict[str, Responder] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve ``body`` at ``path``; returns its address."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def respond(request: BaseHTTPRequestHandler, _site: LocalSite) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(data)

        return self.route(path, respond)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.page(path, b"", status=status, headers={"Location": location})

    def route(self, path: str, responder: Responder) -> str:
        self.routes[path] = responder
        return self.url(path)


class _Handler(BaseHTTPRequestHandler):
    site: LocalSite

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = self.path.split("?", 1)[0]
        self.site.requests.append((self.path, dict(self.headers.items())))
        responder = self.site.routes.get(path)
        if responder is None:
            self.send_error(404)
            return
        try:
            responder(self, self.site)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as the size cap and timeouts make it do

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def site() -> Iterator[LocalSite]:
    local = LocalSite()
    handler = type("Handler", (_Handler,), {"site": local})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    local.port = server.server_address[1]
    # A short poll interval: shutdown() waits for the next poll.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield local
    local.released.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def settings() -> Settings:
    """Settings that let the fetch reach the local site, with a short timeout and cap."""
    return Settings(
        fetch_allow_hosts=("127.0.0.1",), fetch_timeout_seconds=2.0, fetch_max_bytes=1_000_000
    )


def article_html(text: str | None = None, *, head: str = "", lang: str = "en") -> str:
    """The Wikinews article (or ``text``: title line, then paragraphs) as a news page, with
    navigation, a sign-up box and a footer around it, as real pages have."""
    text = text if text is not None else WIKINEWS.read_text(encoding="utf-8")
    title, *blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    paragraphs = "\n".join(f"<p>{html.escape(block)}</p>" for block in blocks)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(title)} - Wikinews, the free news source</title>
<meta property="og:site_name" content="Wikinews">
<meta name="author" content="Wikinews contributors">
<meta property="article:published_time" content="2019-10-08T09:00:00Z">
{head}</head>
<body><nav><a href="/">Main page</a> <a href="/wiki/Politics">Politics</a></nav>
<article><h1>{html.escape(title)}</h1>
{paragraphs}
</article>
<aside>Sign up for our newsletter</aside>
<footer>Text available under CC BY 2.5.</footer></body></html>"""
