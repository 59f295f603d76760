"""The review queue, bulk approval and corrections (workbench.review), on both databases,
on the ``desk`` fixture's small known dataset (``tests.factories.build_desk``)."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import statements_run
from tests.factories import QUOTES, RATIONALE, add_evidence, claim_on
from workbench import articles, claims, db, ratings, verdicts
from workbench.models import User, Verdict


def version_of(engine: Engine, verdict_id: int) -> int:
    with db.read_session(engine) as session:
        return session.exec(select(Verdict.version).where(Verdict.id == verdict_id)).one()


def _pending(engine, reviewer, desk, count: int) -> list[int]:
    """``count`` more proposals on the second article (one source each)."""
    ids = []
    with db.write_session(engine) as session:
        article = articles.get_article(session, desk.other_article_id)
        words = article.body.split()
        claim_ids = [claim_on(session, reviewer, article, word).id for word in words[:count]]
        for claim_id in claim_ids:
            add_evidence(session, reviewer, claim_id, [f"https://c.example/{claim_id}"])
    for claim_id in claim_ids:
        with db.write_session(engine) as session:
            version = claims.get_claim(session, claim_id).version
            ids.append(
                verdicts.propose_verdict(
                    session,
                    reviewer,
                    claim_id,
                    version,
                    rating_id=ratings.find_rating(session, "True").id,
                    rationale=RATIONALE,
                ).id
            )
    return ids


def test_queue_lists_proposals_with_context_and_evidence(engine, desk, reviewer, editor):
    from workbench import review

    with db.read_session(engine) as session:
        items = review.review_queue(session, editor, limit=10)
        assert review.count_queue(session, editor) == 1
    assert len(items) == 1
    item = items[0]
    assert (item.verdict_id, item.claim_id) == (desk.verdict_ids[2], desk.claim_ids[2])
    assert item.quote == QUOTES[2] and item.statement == QUOTES[2]
    assert item.rating == "Mostly false" and item.colour.startswith("#")
    assert item.author == reviewer.name and item.rationale == RATIONALE
    assert [e.url for e in item.evidence] == ["https://a.example/5"]
    assert item.independent_sources == 1 and not item.is_correction
    with db.read_session(engine) as session:
        body = articles.get_article(session, desk.article_id).body
    start = body.index(QUOTES[2])
    assert body[start - 20 : start] in item.before and item.before.strip("…") in body
    assert len(item.before) <= 76 and len(item.after) <= 76
    assert (item.before.strip("…") + item.quote + item.after.strip("…")) in body


def test_queue_is_oldest_first_and_pages(engine, desk, reviewer, editor):
    from workbench import review

    more = _pending(engine, reviewer, desk, 3)
    with db.read_session(engine) as session:
        first = [i.verdict_id for i in review.review_queue(session, editor, limit=2)]
        second = [i.verdict_id for i in review.review_queue(session, editor, limit=2, offset=2)]
    assert first + second == [desk.verdict_ids[2], *more]


def test_queue_uses_fixed_number_of_queries(engine, desk, reviewer, editor):
    """No N+1: the statement count does not grow with the page size."""

    from workbench import review

    _pending(engine, reviewer, desk, 4)
    counts = []

    def queue(limit: int) -> int:
        with db.read_session(engine) as session:
            return len(review.review_queue(session, editor, limit=limit))

    for limit in (1, 5):
        seen, listed = statements_run(engine, partial(queue, limit))
        assert listed == limit
        counts.append(len([s for s in seen if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1] == 4  # page ids, their rows, article bodies, evidence


def test_bulk_approve_reports_each_item(engine, desk, reviewer, editor):
    from workbench import review

    more = _pending(engine, reviewer, desk, 2)
    items = [
        (desk.verdict_ids[2], version_of(engine, desk.verdict_ids[2])),
        (more[0], version_of(engine, more[0])),
        (more[1], 99),
        (desk.verdict_ids[0], 2),
    ]
    report = review.bulk_approve(editor.id, items, engine=engine)
    assert report.approved == []
    assert set(report.needs_confirmation) == {desk.verdict_ids[2], *more}
    assert "independent source" in report.needs_confirmation[more[0]]
    assert set(report.failed) == {desk.verdict_ids[0]}
    assert "already approved" in report.failed[desk.verdict_ids[0]]
    report = review.bulk_approve(editor.id, items[:3], confirm_few_sources=True, engine=engine)
    assert report.approved == [desk.verdict_ids[2], more[0]]
    assert "reload" in report.failed[more[1]]
    report = review.bulk_approve(
        editor.id, [(more[1], version_of(engine, more[1]))], confirm_few_sources=True, engine=engine
    )
    assert report.approved == [more[1]] and not report.failed
    with db.read_session(engine) as session:
        assert review.count_queue(session, editor) == 0
        assert claims.get_claim(session, desk.claim_ids[2]).state == "approved"


def test_bulk_approve_keeps_two_person_rule(engine, desk, reviewer, editor):
    from workbench import review

    more = _pending(engine, editor, desk, 1)
    report = review.bulk_approve(
        editor.id,
        [(more[0], version_of(engine, more[0])), (desk.verdict_ids[2], 1)],
        confirm_few_sources=True,
        engine=engine,
    )
    assert report.approved == [desk.verdict_ids[2]]
    assert "two-person rule" in report.failed[more[0]]
    report = review.bulk_approve(
        reviewer.id, [(more[0], version_of(engine, more[0]))], engine=engine
    )
    assert "Only editors" in report.failed[more[0]]


def test_corrections_are_listed_once_approved(engine, desk, editor, second_editor):
    from workbench import review

    claim_id = desk.claim_ids[0]
    with db.write_session(engine) as session:
        version = claims.get_claim(session, claim_id).version
        correction = verdicts.propose_correction(
            session,
            editor,
            claim_id,
            version,
            rating_id=ratings.find_rating(session, "Mostly false").id,
            rationale=RATIONALE,
            reason="Revised figure.",
        )
    with db.read_session(engine) as session:
        assert review.corrections(session, claim_id) == []
        queued = review.review_queue(session, editor)
    assert [(i.verdict_id, i.is_correction, i.correction_reason) for i in queued][-1] == (
        correction.id,
        True,
        "Revised figure.",
    )
    report = review.bulk_approve(second_editor.id, [(correction.id, 1)], engine=engine)
    assert report.approved == [correction.id]
    with db.read_session(engine) as session:
        listed = review.corrections(session, claim_id)
    assert [(c.old_rating, c.new_rating, c.reason) for c in listed] == [
        ("False", "Mostly false", "Revised figure.")
    ]
    assert listed[0].corrected_at is not None


def test_every_page_from_either_end_reads_in_order(engine, desk, reviewer, editor):
    """Pages in the back half are read backwards from the newest: same order, no gaps."""
    from workbench import review

    _pending(engine, reviewer, desk, 6)
    with db.read_session(engine) as session:
        everything = [i.verdict_id for i in review.review_queue(session, editor, limit=100)]
        for limit in (2, 3):
            paged = [
                i.verdict_id
                for offset in range(0, len(everything), limit)
                for i in review.review_queue(session, editor, limit=limit, offset=offset)
            ]
            assert paged == everything
    assert len(everything) == 7


def test_only_active_editors_read_the_queue(engine, desk, reviewer, editor):
    from workbench import review, users
    from workbench.errors import PermissionDenied

    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), editor.id, False)
    with db.read_session(engine) as session:
        for who in (reviewer, session.get(User, editor.id), None):
            with pytest.raises(PermissionDenied):
                review.review_queue(session, who)
            with pytest.raises(PermissionDenied):
                review.count_queue(session, who)
