"""The "Seen before?" panel of a new claim: earlier claims grouped by tier, text kept as text."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import new_claim
from workbench.ui.safe import md

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


def _import_reviews(engine, editor, *reviews: dict) -> None:
    from workbench.reports.claimreview_import import run_claimreview_import

    run_claimreview_import(editor, json.dumps(list(reviews)), engine=engine)


def _review(url: str, publisher: str, rating: str) -> dict:
    return {
        "@type": "ClaimReview",
        "url": url,
        "headline": "No, the EU did not ban aged cheese",
        "datePublished": "2024-05-02",
        "author": {"@type": "Organization", "name": publisher},
        "claimReviewed": "The European Union banned the sale of aged cheese in 2024",
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


def test_another_fact_checkers_review_says_who_rated_it_and_links_to_it(engine, editor):
    url = "https://www.politifact.com/factchecks/2024/may/02/cheese/"
    _import_reviews(engine, editor, _review(url, "PolitiFact", "False"))
    at = _run("The European Union banned the sale of aged cheese in 2024")
    assert not at.exception
    shown = _shown(at)
    assert any(md("PolitiFact rated this False on 2024-05-02") in value for value in shown)
    assert md("No, the EU did not ban aged cheese") in shown  # its headline, as context
    [button] = at.get("link_button")
    assert (button.proto.label, button.proto.url) == ("Open their review", url)
    assert not any(value.startswith("link: Open claim") for value in shown)  # no article


def test_a_hostile_review_stays_text_and_a_script_address_is_no_link(engine, editor):
    from sqlalchemy import text

    hostile = "![x](https://evil.example/x.png) <b>Fact</b>"
    _import_reviews(engine, editor, _review("https://checks.example/1", hostile, hostile))
    with engine.begin() as connection:  # an address no import writes, stored behind its back
        connection.execute(text("UPDATE external_review SET url = 'javascript:alert(1)'"))
    at = _run("The European Union banned the sale of aged cheese in 2024")
    assert not at.exception
    assert all("evil.example" not in element.value for element in at.markdown)
    assert any(md(f"{hostile} rated this {hostile}") in value for value in _shown(at))
    assert at.get("link_button") == []
