"""End-to-end check of the span selector in headless Chromium.

AppTest cannot run the component's JavaScript, and the JS is where UTF-16
offsets become Python code points. These tests select text with real mouse
drags after an emoji and a flag, in an Arabic paragraph, and across a
highlight and paragraphs, then compare what Python received with offsets
computed in Python from the same body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import drag_select as _drag
from tests.e2e.conftest import require_browser, start_server, wait_for_app
from tests.e2e.span_selector_app import BODY

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
APP = Path(__file__).with_name("span_selector_app.py")
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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the fixture page with `streamlit run` for the whole module."""
    require_browser()
    database = tmp_path_factory.mktemp("selector") / "unused.sqlite3"
    server = start_server(APP, f"sqlite:///{database}")
    yield server.url
    server.process.terminate()
    server.process.wait(timeout=10)


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
