"""Suggested claims marked in the article (Annotate) and listed as cards beside it: sent
to the span selector and to the cards as data, accepted or dismissed from either through
the same services, checked against what the page drew; the article's body still travels
once per session.

The browser half (underline, hover title, the inline choice) is tested in
tests/e2e/test_suggestions_in_text.py.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from tests.conftest import new_article
from tests.ui.conftest import (
    SPAN_SELECTOR,
    SUGGESTION_CARDS,
    choose_card,
    component_data,
    open_page,
    page_component,
    send_trigger,
    suggestion_cards,
)
from workbench import article_versions, db, users
from workbench.models import Claim, ClaimState
from workbench.sample import load_sample
from workbench.text.checkworthiness import readable_reason
from workbench.ui import routes
from workbench.ui.components.span_selector import body_digest
from workbench.ui.components.suggestions_panel import SHOWN
from workbench.workspace import load_workspace

PAGE = "workbench/ui/pages/annotate.py"


@pytest.fixture
def sample(app_db, engine):
    with db.write_session(engine) as session:
        return load_sample(session, users.builtin_user(session, users.LOCAL_USER))


def suggestions(engine, article_id: int):
    with db.read_session(engine) as session:
        return load_workspace(session, article_id).suggestions


def stored_claims(engine) -> list[Claim]:
    with db.read_session(engine) as session:
        return list(session.exec(select(Claim).order_by(Claim.id)))


def choose_in_text(at: AppTest, value: object) -> None:
    """Rerun as the browser does after a click on Accept / Not check-worthy beside a
    suggested sentence: the component's ``suggestion`` trigger."""
    send_trigger(at, "suggestion", value)


def test_the_listed_suggestions_are_marked_in_the_text_as_data(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    assert not at.exception
    expected = suggestions(engine, sample.id)[:SHOWN]
    assert component_data(at)["suggestions"] == [
        {
            "start": s.start,
            "end": s.end,
            "score": round(s.score, 2),
            "reasons": [readable_reason(reason) for reason in s.reasons],
        }
        for s in expected
    ]
    assert [(start, end) for start, end, _, _ in suggestion_cards(at)] == [
        (s.start, s.end) for s in expected
    ]


def test_accepting_in_the_text_makes_the_claim_with_its_claimant(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    first = next(s for s in suggestions(engine, sample.id) if "$6.2 billion" in s.quote)
    choose_in_text(at, {"start": first.start, "end": first.end, "accept": True})
    assert not at.exception
    [claim] = stored_claims(engine)
    assert (claim.start, claim.end, claim.state) == (first.start, first.end, ClaimState.new)
    assert claim.claimant == "TROIB News" and claim.score == first.score
    assert at.query_params[routes.CLAIM] == str(claim.id)
    assert any(f"Claim #{claim.id} created from the suggestion" in s.value for s in at.success)
    data = component_data(at)
    assert first.start not in [s["start"] for s in data["suggestions"]]
    assert [h["claim_id"] for h in data["highlights"]] == [claim.id]
    assert data["body"] is None and data["digest"] == body_digest(sample.body)


def test_dismissing_in_the_text_records_it_and_unmarks_it(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    second = suggestions(engine, sample.id)[1]
    choose_in_text(at, {"start": second.start, "end": second.end, "accept": False})
    assert not at.exception
    [claim] = stored_claims(engine)
    assert (claim.start, claim.state) == (second.start, ClaimState.dismissed)
    assert routes.CLAIM not in at.query_params  # a dismissal opens nothing
    data = component_data(at)
    assert second.start not in [s["start"] for s in data["suggestions"]]
    assert data["body"] is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda first, hidden: {"start": first.start + 1, "end": first.end, "accept": True},
        lambda first, hidden: {"start": first.start, "end": first.end, "accept": "yes"},
        lambda first, hidden: {"start": hidden.start, "end": hidden.end, "accept": True},
        lambda first, hidden: [first.start, first.end],
    ],
    ids=["offsets of no suggestion", "not a yes or no", "a sentence not marked", "not a choice"],
)
@pytest.mark.parametrize("where", [SPAN_SELECTOR, SUGGESTION_CARDS], ids=["text", "cards"])
def test_a_forged_choice_writes_nothing(sample, engine, forge, where):
    at = open_page(PAGE, {"article": str(sample.id)})
    ranked = suggestions(engine, sample.id)
    assert len(ranked) > SHOWN  # the one after the shown ones is a real, unmarked suggestion
    event = "suggestion" if where == SPAN_SELECTOR else "chosen"
    send_trigger(at, event, forge(ranked[0], ranked[SHOWN]), where)
    assert not at.exception
    assert stored_claims(engine) == []


def test_an_older_version_marks_no_suggestions(sample, engine):
    with db.write_session(engine) as session:
        article_versions.add_version(
            session,
            users.builtin_user(session, users.LOCAL_USER),
            sample.id,
            sample.body + "\n\nThe fund grew by $3 billion in 2024, officials said.",
            reason="update",
        )
    at = open_page(PAGE, {"article": str(sample.id)})
    assert component_data(at)["suggestions"]
    at.selectbox(key=routes.shown_version_key(sample.id)).select(1).run()
    assert not at.exception
    assert component_data(at)["suggestions"] == []


def test_hostile_article_text_reaches_the_marks_only_as_data(app_db, engine):
    body = (
        '<img src=x onerror="alert(1)"> The <b>budget</b> rose by $5 billion in 2024, '
        "officials said. [x](javascript:alert(1)) Unemployment fell to 3% in 2023."
    )
    article = new_article(engine, None, body, title="Hostile")
    at = open_page(PAGE, {"article": str(article.id)})
    assert not at.exception
    component = page_component(at)
    marked = json.loads(component.proto.json)["suggestions"]
    assert any("a sum of money ($5 billion)" in reason for s in marked for reason in s["reasons"])
    for static in (component.proto.html_content, component.proto.js_content):
        assert "onerror" not in static and "$5 billion" not in static


def test_a_card_accepts_its_own_suggestion_not_the_marked_one(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    third = suggestions(engine, sample.id)[2]
    choose_card(at, third.start, third.end, accept=True)
    assert not at.exception
    [claim] = stored_claims(engine)
    assert (claim.start, claim.end, claim.state) == (third.start, third.end, ClaimState.new)
    assert at.query_params[routes.CLAIM] == str(claim.id)  # the new claim is opened
    assert third.start not in [start for start, *_ in suggestion_cards(at)]
    assert third.start in [h["start"] for h in component_data(at)["highlights"]]


def test_a_card_dismisses_its_suggestion(sample, engine):
    at = open_page(PAGE, {"article": str(sample.id)})
    second = suggestions(engine, sample.id)[1]
    choose_card(at, second.start, second.end, accept=False)
    [claim] = stored_claims(engine)
    assert (claim.start, claim.state) == (second.start, ClaimState.dismissed)
    assert second.start not in [start for start, *_ in suggestion_cards(at)]


def test_hostile_article_text_reaches_the_cards_only_as_data(app_db, engine):
    body = '<img src=x onerror="alert(1)"> The budget rose by $5 billion in 2024, officials said.'
    article = new_article(engine, None, body, title="Hostile")
    at = open_page(PAGE, {"article": str(article.id)})
    assert not at.exception
    [(_start, _end, quote, _why)] = suggestion_cards(at)
    assert quote.startswith('<img src=x onerror="alert(1)">')
    cards = page_component(at, SUGGESTION_CARDS).proto
    for static in (cards.html_content, cards.css_content, cards.js_content):
        assert "onerror" not in static and "$5 billion" not in static
