"""End-to-end check of the span selector in headless Chromium.

AppTest cannot run the component's JavaScript, and the JS is where UTF-16
offsets become Python code points. These tests select text with real mouse
drags after an emoji and a flag, in an Arabic paragraph, and across a
highlight and paragraphs, then compare what Python received with offsets
computed in Python from the same body.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.span_selector_app import BODY

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("span_selector_app.py")
TIMEOUT_MS = 15_000

# Bounding box of the first occurrence of `word` inside one text node of the article.
_WORD_BOX_JS = """(article, word) => {
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.data.indexOf(word);
    if (i === -1) continue;
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + word.length);
    const box = range.getBoundingClientRect();
    return {left: box.left, right: box.right, y: (box.top + box.bottom) / 2};
  }
  return null;
}"""

# Select from the start of `first` to the end of `last` without the mouse (for
# ranges where hit-testing is layout-dependent), then release as a mouse would.
_SELECT_JS = """(article, [first, last]) => {
  const find = (word) => {
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const i = node.data.indexOf(word);
      if (i !== -1) return [node, i];
    }
    throw new Error(`not found: ${word}`);
  };
  const [startNode, startOffset] = find(first);
  const [endNode, endOffset] = find(last);
  const endAt = endOffset + last.length;
  document.getSelection().setBaseAndExtent(startNode, startOffset, endNode, endAt);
  for (const type of ["mousedown", "mouseup"]) {
    article.dispatchEvent(new MouseEvent(type, {bubbles: true, composed: true}));
  }
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """Serve the fixture page with `streamlit run` for the whole module."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium")
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("streamlit server did not become healthy")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless system Chromium for the module (never `playwright install`)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def app_page(app_url: str, chromium: Any) -> Iterator[Any]:
    """A fresh session of the fixture page, waited for as Streamlit's own e2e suite does."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-test-script-state='notRunning']")
    page.locator(".wb-article mark").first.wait_for()
    yield page
    context.close()


def _expect_text(page: Any, label: str, value: str) -> None:
    from playwright.sync_api import expect

    line = page.get_by_test_id("stText").filter(has_text=f"{label}=")
    expect(line).to_have_text(f"{label}={value}", timeout=TIMEOUT_MS)


def _drag(page: Any, first: str, last: str, *, rtl: bool = False) -> None:
    """Press on the first character of `first`, drag to the last of `last`, release."""
    article = page.locator(".wb-article")  # CSS selectors pierce the shadow root
    start = article.evaluate(_WORD_BOX_JS, first)
    end = article.evaluate(_WORD_BOX_JS, last)
    # 1px inside the word's edges: a drag starts/ends at the nearest character boundary.
    x0 = start["right"] - 1 if rtl else start["left"] + 1
    x1 = end["left"] + 1 if rtl else end["right"] - 1
    page.mouse.move(x0, start["y"])
    page.mouse.down()
    page.mouse.move(x1, end["y"], steps=8)
    page.mouse.up()


def _expected(first: str, last: str) -> str:
    start = BODY.index(first)
    end = BODY.index(last, start) + len(last)
    return f"{start}:{end}:{BODY[start:end]}"


def test_drag_after_emoji_and_flag_reports_code_points(app_page: Any) -> None:
    # "there" is at code point 8 but UTF-16 unit 11: an unconverted offset would be off by 3.
    _drag(app_page, "there", "there")
    _expect_text(app_page, "selection", _expected("there", "there"))
    _drag(app_page, "minister", "fell")  # ends inside the highlight
    _expect_text(app_page, "selection", _expected("minister", "fell"))


def test_drag_in_arabic_paragraph(app_page: Any) -> None:
    _drag(app_page, "البطالة", "البطالة", rtl=True)
    _expect_text(app_page, "selection", _expected("البطالة", "البطالة"))


def test_selection_across_highlight_and_paragraphs(app_page: Any) -> None:
    app_page.locator(".wb-article").evaluate(_SELECT_JS, ["said", "البطالة"])
    expected = _expected("said", "البطالة")
    assert "\n\n" in expected
    _expect_text(app_page, "selection", expected)


def test_selection_survives_clicking_a_button(app_page: Any) -> None:
    _drag(app_page, "there", "there")
    _expect_text(app_page, "selection", _expected("there", "there"))
    app_page.get_by_role("button", name="Save claim").click()
    start = BODY.index("there")
    _expect_text(app_page, "saved", f"{start}:{start + len('there')}")


def test_click_outlines_claim_and_markup_stays_text(app_page: Any) -> None:
    from playwright.sync_api import expect

    mark = app_page.locator(".wb-article mark[data-claim-id='7']")
    expect(mark).to_have_attribute("title", "Claim 7")
    mark.click()
    _expect_text(app_page, "selected_claim", "7")
    expect(mark).to_have_class("wb-selected")
    expect(app_page.locator(".wb-article mark[data-claim-id='8']")).not_to_have_class("wb-selected")
    article = app_page.locator(".wb-article")
    assert article.locator("img, script").count() == 0
    expect(article).to_contain_text('<img src=x onerror="window.__pwned = 1">')
    assert app_page.evaluate("window.__pwned") is None
