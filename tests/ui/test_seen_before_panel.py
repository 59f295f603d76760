"""The "Seen before?" panel of a new claim: earlier claims grouped by tier, text kept as text."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import new_claim

STORED = "valued at least at $6.2 billion"


def _panel(text: str) -> None:
    import streamlit as st

    from workbench.ui import routes
    from workbench.ui.components.new_claim_panel import _seen_before_panel

    # Page links resolve against app.py's pages, which this one-function script is not:
    # each link is shown as its label instead, for this run only (the module is shared).
    link = routes.link
    routes.link = lambda route, label, **_: st.caption(f"link: {label}")
    try:
        _seen_before_panel(text)
    finally:
        routes.link = link


def _run(text: str) -> AppTest:
    return AppTest.from_function(_panel, args=(text,), default_timeout=30).run()


def _shown(at: AppTest) -> list[str]:
    return [element.value for element in [*at.markdown, *at.caption, *at.text]]


def test_a_reworded_claim_is_shown_as_the_same_claim(engine, reviewer, article):
    stored = new_claim(
        engine,
        reviewer,
        article,
        STORED,
        statement="The EU aid package is valued at least at $6.2 billion",
    )
    at = _run("The EU's aid package is valued at at least $6.2 billion")
    assert not at.exception
    shown = _shown(at)
    assert "*Same claim*" in shown
    assert any(f"#{stored.id}" in value for value in shown)
    assert f"link: Open claim #{stored.id}" in shown


def test_another_amount_is_not_the_same_claim(engine, reviewer, article):
    new_claim(
        engine,
        reviewer,
        article,
        STORED,
        statement="The EU aid package is valued at least at $6.2 billion",
    )
    shown = _shown(_run("The EU aid package is valued at least at $62 billion"))
    assert "*Same claim*" not in shown


def test_a_one_word_text_is_too_short_and_hostile_statements_stay_text(engine, reviewer, article):
    hostile = "![x](https://evil.example/x.png) <script>alert(1)</script> $6.2 billion aid"
    new_claim(engine, reviewer, article, STORED, statement=hostile)
    assert any("too short" in value for value in _shown(_run("aid")))
    at = _run("$6.2 billion aid ![x](https://evil.example/x.png) <script>alert(1)</script>")
    assert hostile in [element.value for element in at.text]
    assert all("evil.example" not in element.value for element in at.markdown)
