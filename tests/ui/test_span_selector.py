"""Tests for the span selector component's Python side.

The browser is untrusted, so most tests feed ``parse_selection`` /
``parse_clicked`` hostile or drifted values. The AppTest cases check the
wiring: what the script sends to the component and what it returns from
seeded component state. The JS itself is exercised in tests/e2e.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import component_data, send_trigger
from workbench.ui.components.span_selector import (
    Highlight,
    SpanSelection,
    body_digest,
    parse_clicked,
    parse_selection,
)

# Astral emoji, a flag (two code points), a combining accent and Arabic: every
# case where UTF-16 units and code points disagree or text runs right-to-left.
BODY = "Hi 😀 🇺🇦 cafe\u0301 said: مرحبا بالعالم\n\nThe rate rose 5% <script>alert(1)</script>"


@pytest.mark.parametrize(
    ("start", "end", "colour"),
    [(-1, 3, "#ffee00"), (3, 3, "#ffee00"), (4, 2, "#ffee00"), (0, 2, "red"), (0, 2, "#ffee0")],
)
def test_highlight_rejects_bad_input(start: int, end: int, colour: str) -> None:
    with pytest.raises(ValueError):
        Highlight(start, end, colour, "label", None)


def test_parse_selection_uses_code_points() -> None:
    start = BODY.index("said")
    assert start == len("Hi 😀 🇺🇦 cafe\u0301 ")  # code points, not UTF-16 units
    raw = {"start": start, "end": start + 4, "text": "said"}
    assert parse_selection(raw, BODY) == SpanSelection(start, start + 4, "said")


def test_parse_selection_recomputes_text_that_disagrees_with_body() -> None:
    raw = {"start": 0, "end": 2, "text": "<b>forged</b>"}
    assert parse_selection(raw, BODY) == SpanSelection(0, 2, "Hi")


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "0:2",
        [0, 2],
        {},
        {"start": 0},
        {"start": "0", "end": "2"},
        {"start": 0.0, "end": 2.0},
        {"start": False, "end": True},
        {"start": -1, "end": 2},
        {"start": 2, "end": 2},
        {"start": 3, "end": 2},
        {"start": 0, "end": len(BODY) + 1},
        {"start": 10**30, "end": 10**30 + 1},
    ],
)
def test_parse_selection_drops_invalid(raw: object) -> None:
    assert parse_selection(raw, BODY) is None


def test_parse_selection_accepts_whole_body() -> None:
    raw = {"start": 0, "end": len(BODY), "text": BODY}
    assert parse_selection(raw, BODY) == SpanSelection(0, len(BODY), BODY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(7, 7), (8, None), (None, None), ("7", None), (7.0, None), (True, None)],
)
def test_parse_clicked_only_accepts_shown_claims(raw: object, expected: int | None) -> None:
    highlights = [Highlight(0, 2, "#ffee00", "a", 7), Highlight(3, 4, "#00ff00", "b", None)]
    assert parse_clicked(raw, highlights) == expected


def _app(body: str, highlights: list, selected_claim_id: int | None) -> None:
    """A page that mounts the component and prints what it returned.

    AppTest runs a copy of this function's source without the module's
    imports, so its annotations may only name builtins.
    """
    import streamlit as st

    from workbench.ui.components.span_selector import span_selector

    selection, clicked = span_selector(
        body, highlights, key="article", selected_claim_id=selected_claim_id
    )
    st.text(f"selection={selection!r}")
    st.text(f"clicked={clicked!r}")


def _app_test(highlights: list[Highlight], selected_claim_id: int | None = None) -> AppTest:
    return AppTest.from_function(
        _app,
        kwargs={"body": BODY, "highlights": highlights, "selected_claim_id": selected_claim_id},
    )


def _texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_apptest_sends_body_only_as_data() -> None:
    highlights = [
        Highlight(0, 2, "#ffee00", "greeting", 7),
        Highlight(3, 5, "#00ff00", "emoji", None),
        Highlight(5, len(BODY) + 5, "#0000ff", "stale anchor", 9),
    ]
    at = _app_test(highlights, selected_claim_id=7).run()
    assert not at.exception
    (component,) = at.get("bidi_component")
    proto = component.proto
    assert component.key == "article"
    for static in (proto.html_content, proto.css_content, proto.js_content):
        assert BODY not in static
        assert "<script>alert" not in static
    assert 'class="wb-article"' in proto.html_content
    data = json.loads(proto.json)
    assert data["body"] == BODY
    assert data["selected_claim_id"] == 7
    assert data["selection"] is None
    # The highlight past the end of the body is dropped, not sent.
    assert [h["claim_id"] for h in data["highlights"]] == [7, None]
    assert _texts(at) == ["selection=None", "clicked=None"]


def test_apptest_returns_seeded_selection_and_echoes_it() -> None:
    start = BODY.index("مرحبا")
    at = _app_test([])
    at.session_state["article"] = {"selection": {"start": start, "end": start + 5, "text": "x"}}
    at.run()
    assert not at.exception
    assert _texts(at)[0] == f"selection={SpanSelection(start, start + 5, 'مرحبا')!r}"
    (component,) = at.get("bidi_component")
    assert json.loads(component.proto.json)["selection"] == {"start": start, "end": start + 5}
    # State, unlike a trigger, survives a rerun with no browser input.
    at.run()
    assert _texts(at)[0] == f"selection={SpanSelection(start, start + 5, 'مرحبا')!r}"


def test_apptest_drops_out_of_range_seeded_selection() -> None:
    at = _app_test([])
    at.session_state["article"] = {"selection": {"start": 0, "end": len(BODY) + 1, "text": ""}}
    at.run()
    assert not at.exception
    assert _texts(at)[0] == "selection=None"


def _send_click(at: AppTest, value: object) -> None:
    send_trigger(at, "clicked", value)


def test_apptest_click_is_one_shot_and_validated() -> None:
    at = _app_test([Highlight(0, 2, "#ffee00", "greeting", 7)]).run()
    _send_click(at, 7)
    assert _texts(at)[1] == "clicked=7"
    at.run()
    assert _texts(at)[1] == "clicked=None"
    _send_click(at, 99)  # not a claim on this page
    assert _texts(at)[1] == "clicked=None"


def test_body_is_sent_once_then_only_its_digest() -> None:
    at = _app_test([Highlight(0, 2, "#ffee00", "greeting", 7)]).run()
    first = component_data(at)
    assert (first["body"], first["digest"]) == (BODY, body_digest(BODY))
    at.run()  # a rerun that does not change the article
    again = component_data(at)
    assert again["body"] is None and again["digest"] == body_digest(BODY)
    assert again["highlights"] == first["highlights"]  # everything else is still sent
    assert _texts(at) == ["selection=None", "clicked=None"]


def test_a_browser_without_the_body_gets_it_again() -> None:
    at = _app_test([]).run()
    at.run()
    assert component_data(at)["body"] is None
    # What the JS does when it holds no body for the digest (a reload into an old
    # session, a message that never arrived): the trigger's rerun brings the body.
    send_trigger(at, "missing", body_digest(BODY))
    assert not at.exception
    assert component_data(at)["body"] == BODY
    at.run()
    assert component_data(at)["body"] is None


def _two_articles(article: str) -> None:
    """One selector per article, as the Annotate page keys them."""
    from workbench.ui.components.span_selector import span_selector

    body = {"first": "The first article.", "second": "The second article, longer."}[article]
    span_selector(body, [], key=f"article-{article}")


def test_switching_articles_sends_each_body_once() -> None:
    at = AppTest.from_function(_two_articles, kwargs={"article": "first"}).run()
    assert component_data(at)["body"] == "The first article."
    at.run()
    assert component_data(at)["body"] is None
    at.kwargs["article"] = "second"
    at.run()
    assert component_data(at)["body"] == "The second article, longer."
    at.kwargs["article"] = "first"  # the browser keeps earlier bodies by digest
    at.run()
    sent = component_data(at)
    assert sent["body"] is None and sent["digest"] == body_digest("The first article.")
