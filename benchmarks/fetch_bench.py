"""Time "add an article from its URL" on a ~1 MB news page; the budget is 1 s (p95).

Why: a reviewer waits for the fetch and the extraction before the article opens, and real
news pages weigh about 1 MB, most of it scripts, styles and link lists around the text.
The page here is Wikinews articles (the article) inside that kind of padding, served by a
local server, so the figure is the workbench's own cost: the guarded fetch (resolution,
vetting, streaming with the size cap, decoding) plus trafilatura's extraction and the
metadata. The baseline is a plain ``httpx.get`` of the same page in the same run.

Run: ``python benchmarks/fetch_bench.py [RUNS]`` (default 30); exits 1 over budget.
"""

from __future__ import annotations

import html
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.fetching import fetch  # noqa: E402
from workbench.settings import Settings  # noqa: E402
from workbench.text.webpage import extract_article  # noqa: E402

ARTICLE = "articles/en-wikinews-2020-11-02-campaign-trail-october-LONG.txt"
PAGE_BYTES = 1_000_000
BUDGET_S = 1.0


def news_page(text: str) -> bytes:
    """The article's paragraphs in a page padded to PAGE_BYTES with what news sites carry
    around an article: inline scripts, a style sheet and lists of related links."""
    title, *blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
    article = "\n".join(f"<p>{html.escape(block)}</p>" for block in blocks)
    head = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><meta property='og:site_name' content='Wikinews'>"
        "<style>" + ".story p{margin:0 0 1em}" * 2_000 + "</style>"
    )
    links = "".join(
        f"<li><a href='/related/{n}'>Related story number {n}</a></li>" for n in range(2_000)
    )
    page = (
        f"{head}</head><body><nav><ul>{links}</ul></nav><article><h1>"
        f"{html.escape(title)}</h1>{article}</article>"
    )
    script = "<script>window.__state = " + '{"k": "' + "v" * 10_000 + '"};</script>'
    while len(page.encode("utf-8")) < PAGE_BYTES:
        page += script
    return (page + "</body></html>").encode("utf-8")


def serve(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/story"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up: imports, trafilatura's first-call set-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return sorted(timings)


def p95(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def main() -> int:
    path = EVAL_DATA / ARTICLE
    if not path.is_file():
        print(f"article not found: {path} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    body = news_page(path.read_text(encoding="utf-8"))
    server, url = serve(body)
    settings = Settings(fetch_allow_hosts=("127.0.0.1",))
    try:
        article = extract_article(fetch(url, settings))
        ours = timed(lambda: extract_article(fetch(url, settings)), runs)
        plain = timed(lambda: httpx.get(url).text, runs)
    finally:
        server.shutdown()
    print(
        f"page {len(body):,} bytes, article {len(article.body.split()):,} words; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for name, timings in (("fetch + extract", ours), ("plain httpx.get (baseline)", plain)):
        print(
            f"{name:<28} over {runs} runs: median {statistics.median(timings) * 1000:7.1f} ms,"
            f" p95 {p95(timings) * 1000:7.1f} ms"
        )
    print(
        f"ratio (median): {statistics.median(ours) / statistics.median(plain):.1f}x; "
        f"budget p95 {BUDGET_S:.1f} s"
    )
    return 0 if p95(ours) <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
