"""My work: the four lists and their counts, for the signed-in person only, on both
databases."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from tests.conftest import make_user, statements_run
from tests.factories import claim_on
from workbench import auth, claims, comments, db, my_work, ratings, users, verdicts
from workbench.errors import PermissionDenied
from workbench.identity import Credentials
from workbench.models import Claim, ClaimState, Role, User

QUOTES = (
    "valued at least at $6.2 billion",
    "an €800 billion plan",
    "coalition of the willing",
    "ReArm Europe",
)
RATIONALE = "The Council's release puts the package at a different figure entirely."


def signed_in(engine, user: User) -> Credentials:
    with db.write_session(engine) as session:
        return Credentials(token=auth.create_session(session, session.get(User, user.id)))


def propose(engine, user, claim_id):
    with db.write_session(engine) as session:
        claim = claims.get_claim(session, claim_id)
        return verdicts.propose_verdict(
            session,
            user,
            claim_id,
            claim.version,
            rating_id=ratings.find_rating(session, "False").id,
            rationale=RATIONALE,
        )


def send_back(engine, editor, verdict, comment):
    with db.write_session(engine) as session:
        return verdicts.return_verdict(
            session, editor, verdict.id, verdict.version, comment=comment
        )


@pytest.fixture
def work(engine, reviewer, editor, article):
    """rita's claims: c0 new, c1 proposed, c2 returned, c3 dismissed; eddie's own claim e0
    (returned to eddie, not rita); eddie mentions rita twice and rita mentions eddie."""
    with db.write_session(engine) as session:
        c0, c1, c2, c3 = (claim_on(session, reviewer, article, q).id for q in QUOTES)
        claims.move_claim(session, reviewer, c3, 1, ClaimState.dismissed)
    waiting = propose(engine, reviewer, c1)
    returned = send_back(
        engine,
        editor,
        propose(engine, reviewer, c2),
        "Cite the Council's <b>release</b> ![x](http://attacker.example/x)",
    )
    with db.write_session(engine) as session:
        e0 = claim_on(session, editor, article, "Keir Starmer").id
    second_editor = make_user(engine, "erin", Role.editor)
    send_back(engine, second_editor, propose(engine, editor, e0), "Not yours")
    older = comments_add(engine, editor, c0, "@rita have a look at the figure")
    newer = comments_add(engine, editor, c2, "@rita and again")
    comments_add(engine, reviewer, c0, "@eddie done")
    with db.write_session(engine) as session:
        comments.mark_mentions_seen(session, reviewer, [older.id])
    return {
        "claims": (c0, c1, c2, c3),
        "waiting": waiting,
        "returned": returned,
        "mentions": (older.id, newer.id),
        "editor_claim": e0,
    }


def comments_add(engine, user, claim_id, body):
    with db.write_session(engine) as session:
        return comments.add_comment(session, user, claim_id, body)


def test_the_lists_and_counts_of_one_reviewer(engine, reviewer, editor, work):
    c0, c1, c2, _c3 = work["claims"]
    shown = my_work.load_my_work(signed_in(engine, reviewer))
    assert shown.person.name == "rita"
    assert shown.counts == my_work.WorkCounts(assigned=3, returned=1, waiting=1, mentions=1)
    assert {row.claim.claim_id for row in shown.assigned.items} == {c0, c1, c2}
    assert {row.state for row in shown.assigned.items} == {
        ClaimState.new,
        ClaimState.in_review,
        ClaimState.researching,
    }
    [returned] = shown.returned.items
    assert (returned.claim.claim_id, returned.verdict_id, returned.returned_by) == (
        c2,
        work["returned"].id,
        "eddie",
    )
    assert returned.comment.startswith("Cite the Council's <b>release</b>")
    assert returned.claim.article_title and returned.claim.article_id is not None
    [waiting] = shown.waiting.items
    assert (waiting.claim.claim_id, waiting.rating) == (c1, "False")
    older, newer = work["mentions"]
    assert [(m.comment_id, m.seen, m.author) for m in shown.mentions.items] == [
        (newer, False, "eddie"),
        (older, True, "eddie"),
    ]
    assert shown.mentions.total == 2 and shown.mentions.more == 0
    with pytest.raises(FrozenInstanceError):
        shown.counts.assigned = 0  # type: ignore[misc]


def test_a_new_proposal_takes_the_verdict_out_of_returned(engine, reviewer, work):
    c2 = work["claims"][2]
    propose(engine, reviewer, c2)
    shown = my_work.load_my_work(signed_in(engine, reviewer))
    assert (shown.counts.returned, shown.counts.waiting) == (0, 2)
    assert shown.returned.items == ()


def test_the_editor_sees_only_their_own_work(engine, editor, work):
    shown = my_work.load_my_work(signed_in(engine, editor))
    assert shown.counts == my_work.WorkCounts(assigned=1, returned=1, waiting=0, mentions=1)
    assert [row.claim.claim_id for row in shown.returned.items] == [work["editor_claim"]]
    assert shown.returned.items[0].returned_by == "erin"
    assert [m.excerpt for m in shown.mentions.items] == ["@eddie done"]


def test_counts_are_one_statement(engine, reviewer, work):
    credentials = signed_in(engine, reviewer)
    statements, found = statements_run(db.get_engine(), lambda: my_work.my_work_counts(credentials))
    assert found == my_work.WorkCounts(assigned=3, returned=1, waiting=1, mentions=1)
    # Identifying the person (the sign-in session and its account), then the counts.
    counting = [s for s in statements if "count(" in s.lower()]
    assert len(counting) == 1 and counting[0].lower().count("count(") == 4
    assert found.summary == ("3 assigned · 1 returned · 1 waiting for review · 1 new mention")


def test_lists_stop_at_the_limit_and_say_how_many_more(engine, reviewer, article, monkeypatch):
    monkeypatch.setattr(my_work, "LIMIT", 2)
    with db.write_session(engine) as session:
        for quote in QUOTES:
            claim_on(session, reviewer, article, quote)
        session.exec(update(Claim).values(updated_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.exec(
            update(Claim)
            .where(Claim.statement == QUOTES[2])
            .values(updated_at=datetime(2026, 2, 1, tzinfo=UTC))
        )
    shown = my_work.load_my_work(signed_in(engine, reviewer))
    assert (len(shown.assigned.items), shown.assigned.total, shown.assigned.more) == (2, 4, 2)
    assert shown.assigned.items[0].claim.statement == QUOTES[2]  # newest activity first


def test_a_signed_out_request_reads_nothing(engine, reviewer):
    with pytest.raises(PermissionDenied):
        my_work.my_work_counts(Credentials(token="not-a-session"))


def test_a_claim_without_an_article_is_listed_without_a_link(engine, reviewer):
    with db.write_session(engine) as session:
        claim = claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(statement="Unemployment fell to 3%", article_id=None),
        )
    shown = my_work.load_my_work(signed_in(engine, reviewer))
    [row] = shown.assigned.items
    assert (row.claim.claim_id, row.claim.article_id, row.claim.article_title) == (
        claim.id,
        None,
        "",
    )


def test_a_switched_off_author_still_shows_by_name(engine, reviewer, editor, work):
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), editor.id, False)
    shown = my_work.load_my_work(signed_in(engine, reviewer))
    assert shown.returned.items[0].returned_by == "eddie"
