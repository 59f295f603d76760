import threading
import time

import pytest
from sqlalchemy import Engine, func, select, text

from workbench import db, verdicts
from workbench.models import Claim, ClaimState, ClaimType
from workbench.ratings import find_rating
from workbench.sources import SourceDraft, add_source, attach_source
from workbench.workspace import (
    STATE_COLOURS,
    SuggestionTaken,
    accept_suggestion,
    dismiss_suggestion,
    load_workspace,
    suggested_type,
)


def test_seed_article_suggests_the_three_known_claims_first(engine, article):
    with db.read_session(engine) as session:
        top = [s.quote for s in load_workspace(session, article.id).suggestions[:5]]
    assert any("$6.2 billion" in quote for quote in top)
    assert any("€800 billion" in quote for quote in top)
    assert any("Iraq in 2003" in quote for quote in top)


def test_accept_and_dismiss_remove_the_suggestion(engine, reviewer, article):
    with db.read_session(engine) as session:
        first, second = load_workspace(session, article.id).suggestions[:2]
    with db.write_session(engine) as session:
        accepted = accept_suggestion(session, reviewer, article.id, first)
        dismissed = dismiss_suggestion(session, reviewer, article.id, second)
    assert accepted.quote == article.body[first.start : first.end]
    assert accepted.reasons == list(first.reasons) and accepted.score == first.score
    assert dismissed.state == ClaimState.dismissed
    with db.read_session(engine) as session:
        workspace = load_workspace(session, article.id)
    open_starts = {s.start for s in workspace.suggestions}
    assert first.start not in open_starts and second.start not in open_starts
    assert {m.claim.id for m in workspace.marks} == {accepted.id, dismissed.id}
    colours = {m.claim.id: m.colour for m in workspace.marks}
    assert colours[dismissed.id] == STATE_COLOURS[ClaimState.dismissed]


def _claims_at(engine: Engine, start: int) -> int:
    with db.read_session(engine) as session:
        return session.exec(
            select(func.count()).select_from(Claim).where(Claim.start == start)
        ).one()[0]


def _wait_until_blocked(engine: Engine) -> None:
    """Return once another connection waits on a lock (PostgreSQL). SQLite's writers are
    serialised at ``BEGIN IMMEDIATE``, so there the order cannot interleave anyway."""
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while not connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        ).scalar():
            assert time.monotonic() < deadline, "the second accept never waited on the lock"
            connection.rollback()


def test_a_second_accept_racing_the_first_opens_its_claim(engine, reviewer, editor, article):
    with db.read_session(engine) as session:
        suggestion = load_workspace(session, article.id).suggestions[0]
    outcome: list[BaseException | Claim] = []

    def second_reviewer() -> None:
        try:
            with db.write_session(engine) as session:
                outcome.append(accept_suggestion(session, editor, article.id, suggestion))
        except Exception as error:  # noqa: BLE001 - the assertion below names it
            outcome.append(error)

    with db.write_session(engine) as session:
        first = accept_suggestion(session, reviewer, article.id, suggestion)
        racer = threading.Thread(target=second_reviewer)
        racer.start()
        _wait_until_blocked(engine)
    racer.join(timeout=60)
    assert not racer.is_alive()
    [second] = outcome
    assert isinstance(second, SuggestionTaken) and second.claim_id == first.id
    assert _claims_at(engine, suggestion.start) == 1


def test_accepting_or_dismissing_a_taken_sentence_writes_nothing(engine, reviewer, article):
    with db.read_session(engine) as session:
        suggestion = load_workspace(session, article.id).suggestions[0]
    with db.write_session(engine) as session:
        first = accept_suggestion(session, reviewer, article.id, suggestion)
    for service in (accept_suggestion, dismiss_suggestion):
        with (
            pytest.raises(SuggestionTaken, match=f"already claim #{first.id}"),
            db.write_session(engine) as session,
        ):
            service(session, reviewer, article.id, suggestion)
    assert _claims_at(engine, suggestion.start) == 1


def test_published_verdict_colours_the_claim(engine, reviewer, editor, article):
    with db.read_session(engine) as session:
        suggestion = load_workspace(session, article.id).suggestions[0]
    with db.write_session(engine) as session:
        claim = accept_suggestion(session, reviewer, article.id, suggestion)
        for n in range(2):
            source = add_source(session, reviewer, SourceDraft(url=f"https://example.org/{n}"))
            attach_source(session, reviewer, claim.id, source.id, stance="supports")
        rating = find_rating(session, "Mostly true")
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            claim.id,
            claim.version,
            rating_id=rating.id,
            rationale="Two sources agree.",
        )
        verdicts.approve_verdict(session, editor, verdict.id, verdict.version)
    with db.read_session(engine) as session:
        mark = load_workspace(session, article.id).marks[0]
    assert mark.rating == "Mostly true" and mark.colour == rating.colour
    assert "Mostly true" in mark.label


@pytest.mark.parametrize(
    "reasons,expected",
    [
        (("money amount: $6.2 billion", "year or date: 2022"), ClaimType.numeric),
        (("past event: in 2003",), ClaimType.historical),
        (("comparison or superlative: most", "past event: invasion"), ClaimType.historical),
        (("comparison or superlative: largest",), ClaimType.comparison),
        (("attribution: said",), ClaimType.quote),
        ((), ClaimType.other),
    ],
)
def test_suggested_type(reasons, expected):
    assert suggested_type(reasons) == expected
