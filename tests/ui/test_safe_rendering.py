"""User text never becomes markup: the escaping helpers, and every page's Markdown with
hostile values in every field (the browser test tests/e2e/test_hostile_fields.py checks
the same pages in Chromium)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.hostile_data import ATTACKER, payload, seed_hostile
from tests.ui.conftest import open_page
from workbench import db, users
from workbench.ui.safe import md, md_lines, plotly_text, web_url

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    f"![x](http://{ATTACKER}/leak.png)",
    '<a href="http://evil.example">a</a>',
    "http://evil.example/x",
    "see www.evil.example",
    "mail me@evil.example",
    "<http://e.x>",
    "**bold** _it_ `code` # head",
    "- item\n1. item\n> quote",
    ":red[colour] :material/home:",
    "$x^2$",
    "&lt;script&gt;",
    "a | b\n--- | ---",
    "[ref]: http://evil.example",
]
# Markup that Streamlit's Markdown (CommonMark + GFM + its own extensions) would render,
# in the *source* handed to an element. Relative links (./annotate?…) are the page's own.
UNSAFE = re.compile(
    r"(?<!\\)!\["  # image
    r"|(?<!\\)\]\((?!\./)"  # link to anything but this app
    r"|(?<!\\)<[A-Za-z/!?]"  # HTML, autolink
    r"|https?\\?://|www\.|[\w.+-]@[\w-]"  # GFM bare links (escapes are gone by then)
    r"|(?<!\\)\]:\s"  # link reference definition
)
WORD_JOINER = "\u2060"


def unescaped(text: str) -> str:
    """What the reader sees: backslash escapes resolved, the invisible joiner dropped."""
    return re.sub(r"\\(.)", r"\1", text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_no_markup_and_shows_the_same_text(text: str) -> None:
    assert not UNSAFE.search(md(text)), md(text)
    assert not UNSAFE.search(md_lines(text)), md_lines(text)
    assert unescaped(md(text)) == " ".join(text.split())


@given(st.text())
def test_md_escapes_every_markdown_character(text: str) -> None:
    escaped = md(text)
    assert not UNSAFE.search(escaped)
    # Every ASCII punctuation character Markdown gives a meaning to is escaped.
    assert not re.search(r"(?<!\\)(?:\\\\)*[`*_{}\[\]()#+\-.!|<>~$:&]", re.sub(r"\\.", "", escaped))
    assert unescaped(escaped) == " ".join(text.split()).replace(WORD_JOINER, "")


def test_md_lines_keeps_line_breaks() -> None:
    assert md_lines("First line\n\n- second [x](http://e.x)") == (
        "First line  \n  \n\\- second \\[x\\]\\(http\\:\u2060//e\\.x\\)"
    )


def test_plotly_text_and_web_url() -> None:
    assert plotly_text('<a href="http://e.x">out</a> & <b>') == (
        '&lt;a href="http://e.x"&gt;out&lt;/a&gt; &amp; &lt;b&gt;'
    )
    assert web_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for url in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example",
        "file:///etc/passwd",
        "",
        None,
    ):
        assert web_url(url) is None


# ---- every page, with hostile values in every field -----------------------------------

PAGES = {
    "welcome": ("workbench/ui/pages/welcome.py", {}),
    "articles": ("workbench/ui/pages/articles.py", {}),
    "claims": ("workbench/ui/pages/claims.py", {}),
    "review": ("workbench/ui/pages/review.py", {}),
    "dashboard": ("workbench/ui/pages/dashboard.py", {}),
    "reports": ("workbench/ui/pages/reports.py", {}),
    "users": ("workbench/ui/pages/users.py", {}),
}


def markdown_sources(at: AppTest) -> list[str]:
    """The Markdown source of every element that renders its text as Markdown."""
    found = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "title",
            "header",
            "subheader",
            "info",
            "warning",
            "error",
            "success",
        )
        for e in getattr(at, kind)
    ]
    found += [
        e.label
        for kind in (
            "button",
            "tabs",
            "expander",
            "text_input",
            "text_area",
            "selectbox",
            "multiselect",
            "checkbox",
        )
        for e in getattr(at, kind)
    ]
    found += [e.proto.label for e in at.get("page_link") + at.get("link_button")]
    return found


@pytest.fixture
def hostile(app_db, engine):
    ids = seed_hostile(engine)
    with db.read_session(engine) as session:
        return ids, users.find_user(session, "ada")


def check_page(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    sources = markdown_sources(at)
    return [s for s in sources if UNSAFE.search(s)]


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_hostile_fields_as_text(hostile, name: str) -> None:
    _ids, ada = hostile
    page, query = PAGES[name]
    at = open_page(page, query, user=ada)
    assert check_page(at) == []
    if name in ("welcome", "articles", "review"):
        assert any("onerror" in s for s in markdown_sources(at))  # shown, escaped


def test_annotate_renders_hostile_fields_as_text(hostile) -> None:
    ids, ada = hostile
    for claim in (ids.returned_claim, ids.corrected_claim):
        at = open_page(
            "workbench/ui/pages/annotate.py",
            {"article": str(ids.article_id), "claim": str(claim)},
            user=ada,
        )
        assert check_page(at) == []
        shown = " ".join(markdown_sources(at))
        assert md(payload("title")) in shown
        assert (
            md_lines(payload("comment" if claim == ids.returned_claim else "cconclusion1")) in shown
        )
        assert not at.get("link_button")  # the article's javascript: URL is not a link


def test_dashboard_drill_down_title_is_escaped(hostile) -> None:
    _ids, ada = hostile
    at = open_page("workbench/ui/pages/dashboard.py", user=ada)
    label = payload("claimant-pending")
    at.session_state["dash_drill"] = ("claimant", label, label)
    at.run()
    assert check_page(at) == []
    assert any(s == f"Claims: claimant = {md(label)}" for s in markdown_sources(at))
