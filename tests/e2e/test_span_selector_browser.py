"""End-to-end check of the span selector in headless Chromium.

AppTest cannot run the component's JavaScript, and the JS is where UTF-16
offsets become Python code points. These tests select text with real mouse
drags after an emoji and a flag, in an Arabic paragraph, and across a
highlight and paragraphs, then compare what Python received with offsets
computed in Python from the same body. The last test reads the WebSocket: a rerun
that keeps the article sends no body yet the text stays, and switching articles
shows the other body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import drag_select, require_browser, start_server, wait_for_app
from tests.e2e.span_selector_app import BODY
from tests.e2e.span_selector_articles_app import BODIES, MARKERS

pytestmark = pytest.mark.e2e

APP = Path(__file__).with_name("span_selector_app.py")
ARTICLES_APP = Path(__file__).with_name("span_selector_articles_app.py")
TIMEOUT_MS = 15_000

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


# Every WebSocket message the page receives, as text (protobuf carries JSON strings as
# UTF-8), so a test can tell whether a body travelled.
_RECORD_WS_JS = """(() => {
  window.__received = [];
  const decoder = new TextDecoder();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) window.__received.push(decoder.decode(event.data));
      });
    }
  };
})();"""


def _serve(script: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a fixture page with `streamlit run` for the whole module."""
    require_browser()
    database = tmp_path_factory.mktemp("selector") / "unused.sqlite3"
    server = start_server(script, f"sqlite:///{database}")
    yield server.url
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(APP, tmp_path_factory)


@pytest.fixture(scope="module")
def articles_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(ARTICLES_APP, tmp_path_factory)


@pytest.fixture
def app_page(app_url: str, page: Any) -> Any:
    """A fresh session of the fixture page, waited for as Streamlit's own e2e suite does."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app_url)
    wait_for_app(page)
    page.locator(".wb-article mark").first.wait_for()
    return page


def _expect_text(page: Any, label: str, value: str) -> None:
    from playwright.sync_api import expect

    line = page.get_by_test_id("stText").filter(has_text=f"{label}=")
    expect(line).to_have_text(f"{label}={value}", timeout=TIMEOUT_MS)


def _expected(first: str, last: str) -> str:
    start = BODY.index(first)
    end = BODY.index(last, start) + len(last)
    return f"{start}:{end}:{BODY[start:end]}"


def test_drag_after_emoji_and_flag_reports_code_points(app_page: Any) -> None:
    # "there" is at code point 8 but UTF-16 unit 11: an unconverted offset would be off by 3.
    drag_select(app_page, "there", "there")
    _expect_text(app_page, "selection", _expected("there", "there"))
    drag_select(app_page, "minister", "fell")  # ends inside the highlight
    _expect_text(app_page, "selection", _expected("minister", "fell"))


def test_drag_in_arabic_paragraph(app_page: Any) -> None:
    drag_select(app_page, "البطالة", "البطالة", rtl=True)
    _expect_text(app_page, "selection", _expected("البطالة", "البطالة"))


def test_selection_across_highlight_and_paragraphs(app_page: Any) -> None:
    app_page.locator(".wb-article").evaluate(_SELECT_JS, ["said", "البطالة"])
    expected = _expected("said", "البطالة")
    assert "\n\n" in expected
    _expect_text(app_page, "selection", expected)


def test_selection_survives_clicking_a_button(app_page: Any) -> None:
    drag_select(app_page, "there", "there")
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


def _received(page: Any, marker: str) -> bool:
    return page.evaluate("(marker) => window.__received.some((m) => m.includes(marker))", marker)


def _rerun_done(page: Any, selector: str) -> None:
    """Wait for the rerun's visible result, then for the script to be idle."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_count(1, timeout=TIMEOUT_MS)
    wait_for_app(page)


def _shows(page: Any, body: str) -> None:
    """The article shows ``body`` once the rerun is over (meanwhile a switched-away
    article can still be on the page, about to be removed)."""
    from playwright.sync_api import expect

    _rerun_done(page, f".wb-article:has-text({body!r})")
    expect(page.locator(".wb-article")).to_have_text(body, timeout=TIMEOUT_MS)


def test_body_is_sent_once_per_article_and_stays_shown(articles_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(_RECORD_WS_JS)
    page.goto(articles_url)
    wait_for_app(page)
    _shows(page, BODIES["first"])
    assert _received(page, MARKERS["first"])  # the first run sends the body

    # A rerun that changes only the selected claim: new data, no body, same text.
    page.evaluate("window.__received = []")
    page.get_by_role("button", name="Select the other claim").click()
    _rerun_done(page, ".wb-article mark.wb-selected[data-claim-id='2']")
    assert page.evaluate("window.__received.length") > 0  # the rerun did send its data
    assert not _received(page, MARKERS["first"])
    _shows(page, BODIES["first"])

    # Another article: its body is sent and shown.
    page.get_by_text("second", exact=True).click()
    _shows(page, BODIES["second"])
    assert _received(page, MARKERS["second"])

    # Back to the first: the page kept its body, so only the digest travels.
    page.evaluate("window.__received = []")
    page.get_by_text("first", exact=True).click()
    _shows(page, BODIES["first"])
    assert not _received(page, MARKERS["first"])
    expect(page.locator(".wb-article mark.wb-selected[data-claim-id='2']")).to_have_count(1)

    # A reload is a new session: the body is sent again.
    page.evaluate("window.__received = []")
    page.reload()
    wait_for_app(page)
    _shows(page, BODIES["first"])
    assert _received(page, MARKERS["first"])
