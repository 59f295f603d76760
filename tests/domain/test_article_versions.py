"""New versions of an article: every body kept, every claim re-anchored, never silently wrong."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from sqlmodel import select

from tests.conftest import new_claim
from tests.factories import csv_file, import_as_cli
from workbench import article_versions as av
from workbench import articles, claims, db
from workbench.article_history import unsettled_articles
from workbench.errors import InvalidInput, PermissionDenied, StaleEdit
from workbench.models import AnchorStatus, AuditEvent, Claim

AID = "valued at least at $6.2 billion"


def _store(engine, user, article_id, text, **options):
    with db.write_session(engine) as session:
        return av.add_version(session, user, article_id, text, **options)


def _claim(engine, claim_id) -> Claim:
    with db.read_session(engine) as session:
        return session.get(Claim, claim_id)


def test_an_unchanged_quote_moves_with_its_text_and_the_old_body_is_kept(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article, AID)
    new_body = "Correction, 6 March: an earlier headline was wrong.\n\n" + article.body
    stored = _store(engine, reviewer, article.id, new_body, reason="Editor's correction")

    assert stored.version == 2
    (outcome,) = stored.claims
    assert (outcome.claim_id, outcome.state) == (claim.id, "moved")
    moved = _claim(engine, claim.id)
    assert new_body[moved.start : moved.end] == AID
    assert (moved.article_version, moved.anchor_status) == (2, AnchorStatus.anchored)
    with db.read_session(engine) as session:
        assert av.version_body(session, article.id, 1) == article.body
        assert av.version_body(session, article.id, 2) == new_body
        history = av.versions(session, article.id)
    assert [(v.number, v.reason) for v in history] == [(1, ""), (2, "Editor's correction")]


def test_a_changed_figure_needs_review_and_confirming_places_it(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article, AID)
    new_body = article.body.replace("$6.2 billion", "$6.5 billion")
    (outcome,) = _store(engine, reviewer, article.id, new_body).claims

    assert outcome.state == "needs_review"
    assert new_body[outcome.start : outcome.end] == "valued at least at $6.5 billion"
    waiting = _claim(engine, claim.id)
    assert waiting.anchor_status == AnchorStatus.needs_review
    assert (waiting.start, waiting.article_version) == (claim.start, 1)  # still the old place
    with db.read_session(engine) as session:
        assert av.unsettled_count(session, article.id) == 1

    with db.write_session(engine) as session:
        av.confirm_anchor(session, reviewer, claim.id, waiting.version)
    placed = _claim(engine, claim.id)
    assert placed.quote == "valued at least at $6.5 billion"
    assert (placed.anchor_status, placed.article_version) == (AnchorStatus.anchored, 2)
    assert placed.proposed_start is None
    with db.read_session(engine) as session:
        assert av.unsettled_count(session, article.id) == 0


def test_a_deleted_sentence_leaves_the_claim_unplaced_with_its_quote(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article, AID)
    sentence_start = article.body.rfind(".", 0, claim.start) + 1
    sentence_end = article.body.index(".", claim.end) + 1
    new_body = article.body[:sentence_start] + article.body[sentence_end:]
    (outcome,) = _store(engine, reviewer, article.id, new_body).claims

    assert (outcome.state, outcome.start) == ("unplaced", None)
    kept = _claim(engine, claim.id)
    assert (kept.anchor_status, kept.quote) == (AnchorStatus.unplaced, AID)
    with (
        pytest.raises(InvalidInput, match="No place is proposed"),
        db.write_session(engine) as session,
    ):
        av.confirm_anchor(session, reviewer, claim.id, kept.version)


def test_a_quote_repeated_next_to_itself_waits_for_a_person(engine, reviewer, article):
    phrase = "The EU"
    first = article.body.index(phrase)
    with db.write_session(engine) as session:
        one = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(article_id=article.id, start=first, end=first + len(phrase)),
        )
    # the new version repeats the phrase right before its old place
    new_body = article.body[:first] + "The EU said so. " + article.body[first:]
    (outcome,) = _store(engine, reviewer, article.id, new_body).claims
    assert outcome.state == "needs_review"
    # either copy may be proposed (the diff cannot tell which one is new): a person decides
    assert new_body[outcome.start : outcome.end] == phrase
    waiting = _claim(engine, one.id)
    assert (waiting.proposed_start, waiting.start) == (outcome.start, first)


def test_refusals_change_nothing(engine, reviewer, editor, article):
    new_claim(engine, reviewer, article, AID)
    with pytest.raises(InvalidInput, match="same text"), db.write_session(engine) as session:
        av.add_version(session, reviewer, article.id, article.body + "  \n")
    with pytest.raises(InvalidInput, match="not stored"), db.write_session(engine) as session:
        av.add_version(session, reviewer, article.id, "   \n ")
    _store(engine, reviewer, article.id, article.body + "\n\nA new paragraph.")
    with pytest.raises(StaleEdit, match="version 2"), db.write_session(engine) as session:
        av.add_version(session, editor, article.id, article.body + "\n\nOther.", expected_version=1)
    with db.read_session(engine) as session:
        assert [v.number for v in av.versions(session, article.id)] == [1, 2]


def test_only_the_desk_stores_versions_and_every_step_is_audited(engine, reviewer, article):
    claim = new_claim(engine, reviewer, article, AID)
    reviewer.active = False
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        av.add_version(session, reviewer, article.id, article.body + "\n\nMore.")
    reviewer.active = True
    fetched = av.FetchRecord("https://example.org/a", datetime(2026, 3, 7, tzinfo=UTC), "ab" * 32)
    _store(engine, reviewer, article.id, article.body + "\n\nMore.", fetched=fetched)
    with db.read_session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action, AuditEvent.entity_id).order_by(AuditEvent.id)
        ).all()
        latest = av.versions(session, article.id)[-1]
    assert ("anchor_moved", claim.id) in actions
    assert ("new_version", article.id) in actions
    assert (latest.source_url, latest.fetched_at.replace(tzinfo=UTC)) == (
        "https://example.org/a",
        datetime(2026, 3, 7, tzinfo=UTC),
    )


def test_claims_waiting_from_different_versions_never_land_on_one_span(engine, reviewer, article):
    quote = "is valued at least at $6.2 billion"
    waiting = new_claim(engine, reviewer, article, quote)
    body = article.body
    at = body.index(quote) + len(quote)
    # version 2 copies the quote into a new closing line and edits the words right after
    # it, so its old place no longer singles one copy out: it waits for a person
    doubled = body[:at] + ", diplomats said," + body[at:] + f"\n\nThe package {quote}."
    assert _store(engine, reviewer, article.id, doubled).claims[0].state == "needs_review"
    with db.write_session(engine) as session:  # a colleague claims the first copy meanwhile
        later = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(article_id=article.id, start=body.index(quote), end=at),
        )
        assert later.article_version == 2
    # version 3 drops the copy again: both claims would land on the same words
    outcomes = _store(engine, reviewer, article.id, doubled.rsplit("\n\n", 1)[0]).claims

    assert {(o.claim_id, o.state) for o in outcomes} == {
        (waiting.id, "needs_review"),
        (later.id, "needs_review"),
    }


def test_editing_the_span_of_a_waiting_claim_places_it_in_the_current_version(
    engine, reviewer, article
):
    claim = new_claim(engine, reviewer, article, AID)
    new_body = article.body.replace("$6.2 billion", "$6.5 billion")
    _store(engine, reviewer, article.id, new_body)
    waiting = _claim(engine, claim.id)
    with (
        pytest.raises(InvalidInput, match="select its words again in version 2"),
        db.write_session(engine) as session,
    ):
        claims.update_claim(session, reviewer, claim.id, waiting.version, end=waiting.end - 1)
    start = new_body.index("$6.5 billion")
    with db.write_session(engine) as session:
        claims.update_claim(
            session,
            reviewer,
            claim.id,
            waiting.version,
            start=start,
            end=start + len("$6.5 billion"),
        )
    placed = _claim(engine, claim.id)
    assert (placed.quote, placed.article_version, placed.anchor_status, placed.proposed_start) == (
        "$6.5 billion",
        2,
        AnchorStatus.anchored,
        None,
    )


def test_a_claim_imported_into_a_revised_article_points_into_its_current_version(engine, reviewer):
    with db.write_session(engine) as session:
        story = articles.add_article(
            session,
            reviewer,
            articles.ArticleDraft(
                title="Aid",
                body="The EU pledged €800 billion.\n\nMore text.",
                url="https://news.example/aid",
            ),
        )
    new_body = "Updated.\n\nThe EU pledged €800 billion.\n\nMore text."
    _store(engine, reviewer, story.id, new_body)
    start = new_body.index("€800 billion")
    report = import_as_cli(
        engine,
        csv_file(
            {
                "article_url": "https://news.example/aid",
                "quote": "€800 billion",
                "start": str(start),
                "end": str(start + len("€800 billion")),
                "statement": "The EU pledged €800 billion",
            }
        ),
    )
    assert not report.errors
    with db.read_session(engine) as session:
        imported = session.exec(select(Claim)).one()
    assert (imported.article_version, new_body[imported.start : imported.end]) == (
        2,
        "€800 billion",
    )


def test_the_desks_unsettled_claims_are_read_through_their_partial_index(engine, reviewer, article):
    """The Dashboard counts them on every run. SQLite uses a partial index only when it can
    see the query's condition implies the index's; with the statuses bound as parameters
    it read every claim instead (28 ms at 100,000 claims)."""
    new_claim(engine, reviewer, article, AID)
    new_claim(engine, reviewer, article, "ReArm Europe")
    _store(engine, reviewer, article.id, article.body.replace("$6.2 billion", "$6.5 billion"))
    executed: list[tuple[str, object]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("SELECT"):
            executed.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with db.read_session(engine) as session:
            count = av.unsettled_count(session)
            listed = unsettled_articles(session)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert count == 1
    assert len(executed) == 2
    assert [(a.article_id, a.claims) for a in listed] == [(article.id, 1)]
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL plans with the bound values; the SQLite plan is the one checked
    with engine.connect() as connection:
        for statement, parameters in executed:
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [row[3] for row in plan if " claim " in f"{row[3]} "]
            assert any("ix_claim_unsettled" in step for step in steps), (statement, steps)
