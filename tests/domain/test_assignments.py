"""Assigning articles and claims (``workbench.assignments``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from tests.conftest import make_user, new_claim
from workbench import assignments, claims, db, users
from workbench.errors import InvalidInput, PermissionDenied, StaleEdit, WorkflowError
from workbench.models import Article, AuditEvent, Claim, ClaimState, Role, User


@pytest.fixture
def sam(engine: Engine) -> User:
    return make_user(engine, "sam", Role.reviewer)


def stored(engine: Engine, claim_id: int) -> Claim:
    with db.read_session(engine) as session:
        return claims.get_claim(session, claim_id)


def article_assignee(engine: Engine, article_id: int) -> int | None:
    with db.read_session(engine) as session:
        return session.get(Article, article_id).assignee_id


def assign_claim(engine: Engine, actor: User, claim: Claim, to: User | None) -> Claim:
    with db.write_session(engine) as session:
        return assignments.assign_claim(
            session, actor, claim.id, claim.version, to.id if to else None
        )


def assign_article(
    engine: Engine, actor: User, article_id: int, to: User | None, expected: User | None = None
) -> None:
    with db.write_session(engine) as session:
        assignments.assign_article(
            session,
            actor,
            article_id,
            to.id if to else None,
            expected_assignee_id=expected.id if expected else None,
        )


def test_editor_assigns_and_unassigns_a_claim_audited(engine, reviewer, editor, sam, article):
    claim = new_claim(engine, reviewer, article)
    assert claim.assignee_id == reviewer.id  # made on an unassigned article: the creator's
    moved = assign_claim(engine, editor, claim, sam)
    assert (moved.assignee_id, moved.version) == (sam.id, claim.version + 1)
    assign_claim(engine, editor, moved, None)
    assert stored(engine, claim.id).assignee_id is None
    with db.read_session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "assign").order_by(col(AuditEvent.id))
        ).all()
    assert [(e.actor_name, e.changes) for e in events] == [
        ("eddie", {"assignee_id": [reviewer.id, sam.id], "assignee": ["rita", "sam"]}),
        ("eddie", {"assignee_id": [sam.id, None], "assignee": ["sam", None]}),
    ]


def test_a_reviewer_cannot_assign_nor_edit_the_assignee(engine, reviewer, sam, article):
    claim = new_claim(engine, reviewer, article)
    with pytest.raises(PermissionDenied, match="Only editors"):
        assign_claim(engine, reviewer, claim, sam)
    with pytest.raises(PermissionDenied, match="Only editors"):
        assign_article(engine, reviewer, article.id, sam)
    with pytest.raises(InvalidInput, match="by assigning it"), db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, assignee_id=sam.id)
    assert stored(engine, claim.id).assignee_id == reviewer.id


def test_take_an_unassigned_claim_but_not_a_colleagues(engine, reviewer, editor, sam, article):
    claim = assign_claim(engine, editor, new_claim(engine, reviewer, article), None)
    with db.write_session(engine) as session:
        taken = assignments.take_claim(session, sam, claim.id, claim.version)
    assert taken.assignee_id == sam.id
    with pytest.raises(WorkflowError, match="assigned to sam"), db.write_session(engine) as session:
        assignments.take_claim(session, reviewer, claim.id, taken.version)
    with db.write_session(engine) as session:  # taking one's own claim again changes nothing
        again = assignments.take_claim(session, sam, claim.id, taken.version)
    assert (again.assignee_id, again.version) == (sam.id, taken.version)


@pytest.mark.parametrize("account", ["inactive", "admin", "cli"])
def test_only_active_reviewers_and_editors_can_be_assignees(
    engine, reviewer, editor, sam, article, account
):
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        cli = users.builtin_user(session, users.CLI_USER)
        if account == "inactive":
            target = users.set_active(session, cli, sam.id, False)
        elif account == "admin":
            target = users.add_user(session, cli, name="ada", role=Role.admin, password=None)
        else:
            target = cli
        target_id = target.id
    with (
        pytest.raises(InvalidInput, match="only active reviewer and editor"),
        db.write_session(engine) as session,
    ):
        assignments.assign_claim(session, editor, claim.id, claim.version, target_id)
    with pytest.raises(InvalidInput), db.write_session(engine) as session:
        assignments.assign_article(
            session, editor, article.id, target_id, expected_assignee_id=None
        )
    assert stored(engine, claim.id).assignee_id == reviewer.id


def test_a_stale_claim_version_is_refused(engine, reviewer, editor, second_editor, sam, article):
    claim = new_claim(engine, reviewer, article)
    assign_claim(engine, editor, claim, sam)  # claim (version 1) is now out of date
    with pytest.raises(StaleEdit, match="eddie changed this claim"):
        assign_claim(engine, second_editor, claim, reviewer)
    assert stored(engine, claim.id).assignee_id == sam.id


def test_a_stale_article_assignee_is_refused(engine, reviewer, editor, second_editor, sam, article):
    assign_article(engine, editor, article.id, sam)
    with pytest.raises(StaleEdit, match="eddie gave this article to sam"):
        assign_article(engine, second_editor, article.id, reviewer, expected=None)
    assert article_assignee(engine, article.id) == sam.id


def test_assigning_an_article_moves_its_open_unclaimed_claims(
    engine, reviewer, editor, second_editor, sam, article
):
    """Open claims with the previous assignee or nobody follow the article; a colleague's
    claim and finished claims stay."""
    mine = new_claim(engine, reviewer, article)  # rita's own: stays with rita
    nobody = assign_claim(
        engine, editor, new_claim(engine, reviewer, article, text="Ursula von der Leyen"), None
    )
    done = assign_claim(
        engine, editor, new_claim(engine, reviewer, article, text="ReArm Europe"), None
    )
    with db.write_session(engine) as session:
        claims.move_claim(session, editor, done.id, done.version, ClaimState.dismissed)
    assign_article(engine, editor, article.id, sam)
    assert [stored(engine, c.id).assignee_id for c in (mine, nobody, done)] == [
        reviewer.id,
        sam.id,
        None,
    ]
    assign_article(engine, second_editor, article.id, editor, expected=sam)
    assert [stored(engine, c.id).assignee_id for c in (mine, nobody, done)] == [
        reviewer.id,
        editor.id,
        None,
    ]
    with db.read_session(engine) as session:
        events = session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity == "article", AuditEvent.action == "assign")
            .order_by(col(AuditEvent.id))
        ).all()
        claim_events = session.exec(
            select(AuditEvent).where(
                AuditEvent.claim_id == nobody.id, AuditEvent.action == "assign"
            )
        ).all()
    assert [(e.actor_name, e.changes["assignee"]) for e in events] == [
        ("eddie", [None, "sam"]),
        ("erin", ["sam", "eddie"]),
    ]
    assert [e.changes["assignee"] for e in claim_events] == [
        ["rita", None],
        [None, "sam"],
        ["sam", "eddie"],
    ]


def test_new_claims_on_an_assigned_article_go_to_its_assignee(
    engine, reviewer, editor, sam, article
):
    assign_article(engine, editor, article.id, sam)
    claim = new_claim(engine, reviewer, article)
    assert (claim.assignee_id, claim.created_by) == (sam.id, reviewer.id)
    with db.write_session(engine) as session:  # a free-standing claim: its creator's
        free = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(article_id=None, quote="A claim without an article."),
        )
    assert free.assignee_id == reviewer.id


def test_open_claims_per_reviewer_oldest_first(engine, reviewer, editor, sam, article):
    first = new_claim(engine, reviewer, article)  # rita
    second = assign_claim(
        engine, editor, new_claim(engine, reviewer, article, text="Ursula von der Leyen"), sam
    )
    assign_claim(engine, editor, new_claim(engine, reviewer, article, text="ReArm Europe"), None)
    dismissed = assign_claim(
        engine, editor, new_claim(engine, reviewer, article, text="coalition of the willing"), sam
    )
    with db.write_session(engine) as session:
        claims.move_claim(session, editor, dismissed.id, dismissed.version, ClaimState.dismissed)
        # sam's claim is the older one
        session.exec(
            update(Claim)
            .where(col(Claim.id) == second.id)
            .values(created_at=datetime(2026, 1, 2, tzinfo=UTC))
        )
        session.exec(
            update(Claim)
            .where(col(Claim.id) == first.id)
            .values(created_at=datetime(2026, 1, 5, tzinfo=UTC))
        )
    with db.read_session(engine) as session:
        rows = assignments.open_claims_per_reviewer(session, editor)
        with pytest.raises(PermissionDenied):
            assignments.open_claims_per_reviewer(session, reviewer)
    assert [(r.name, r.open_claims) for r in rows] == [("sam", 1), ("rita", 1), (None, 1)]
    assert rows[0].oldest_created_at.replace(tzinfo=UTC) == datetime(2026, 1, 2, tzinfo=UTC)


def test_open_claims_per_reviewer_are_counted_again_after_every_write(
    engine, reviewer, editor, sam, article
):
    """Kept between Dashboard runs, but never past a write: any audited change recounts."""
    claim = new_claim(engine, reviewer, article)

    def workload():  # type: ignore[no-untyped-def]
        with db.read_session(engine) as session:
            return assignments.open_claims_per_reviewer(session, editor)

    first = workload()
    assert workload() is first  # nothing written: not counted again
    assign_claim(engine, editor, claim, sam)
    moved = workload()
    assert [(r.name, r.open_claims) for r in moved] == [("sam", 1)]
    with db.write_session(engine) as session:
        claims.move_claim(session, editor, claim.id, claim.version + 1, ClaimState.dismissed)
    assert workload() == ()
