"""The Annotate page's claim list: claims travel as data, and only a listed id opens one."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import CLAIM_BUTTONS, component_data, page_component, send_trigger
from workbench.ui.components.claim_buttons import opened_claim

HOSTILE = "<img src=x onerror=alert(1)> ![pixel](http://evil.example/p.png) **bold**"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(3, 3), (4, 4), (99, None), (True, None), ("3", None), (3.0, None), (None, None), ([3], None)],
)
def test_only_a_listed_claim_id_is_opened(raw: object, expected: int | None) -> None:
    assert opened_claim(raw, [3, 4]) == expected


def _app(statements: list) -> None:
    """A page with the claim list that prints what it opened (AppTest runs a copy of this
    source without the module's imports)."""
    import streamlit as st

    from workbench.ui.components.claim_buttons import ListedClaim, claim_buttons

    def remember(claim_id: int) -> None:
        st.session_state["opened"] = claim_id

    claim_buttons(
        [ListedClaim(i + 3, f"#{i + 3} · new", text) for i, text in enumerate(statements)],
        key="claims",
        on_open=remember,
    )
    st.text(f"opened={st.session_state.get('opened')!r}")


def _opened(at: AppTest) -> str:
    return at.text[0].value


def test_statements_travel_as_data_never_as_markup() -> None:
    at = AppTest.from_function(_app, kwargs={"statements": [HOSTILE, "plain"]}).run()
    assert not at.exception
    proto = page_component(at, CLAIM_BUTTONS).proto
    for static in (proto.html_content, proto.css_content, proto.js_content):
        assert "onerror" not in static and "evil.example" not in static
    code = [line for line in proto.js_content.splitlines() if not line.lstrip().startswith("//")]
    assert not any(sink in line for line in code for sink in ("HTML", "eval(", "Function("))
    assert component_data(at, CLAIM_BUTTONS) == {
        "claims": [[3, "#3 · new", HOSTILE], [4, "#4 · new", "plain"]]
    }
    assert json.loads(proto.json)["claims"][0][2] == HOSTILE


def test_a_click_opens_its_claim_once_and_a_forged_id_nothing() -> None:
    at = AppTest.from_function(_app, kwargs={"statements": ["one", "two"]}).run()
    send_trigger(at, "opened", 4, CLAIM_BUTTONS)
    assert _opened(at) == "opened=4"
    at.session_state["opened"] = None
    at.run()  # a trigger is one-shot: a rerun without a click opens nothing
    assert _opened(at) == "opened=None"
    for forged in (99, True, "3"):
        send_trigger(at, "opened", forged, CLAIM_BUTTONS)
        assert _opened(at) == "opened=None"
