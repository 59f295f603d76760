"""My work: what waits for one person, read by the My work page and the menu's counts.

Four lists: open claims assigned to the person, their verdicts an editor returned (with
the comment), their proposals waiting for review, and comments mentioning them. Each is
read through an index that starts with the person's id or the verdict status, so the
cost follows the person's own work, not the size of the archive:

- assigned: ``ix_claim_assignee_state`` (assignee_id, state);
- returned: ``ix_verdict_status_reviewed`` (status, reviewed_at, author_id, claim_id),
  then ``ix_verdict_claim_created`` for "no newer verdict on the claim";
- waiting: ``ix_verdict_status_reviewed`` with ``reviewed_at IS NULL`` (a proposal is
  never reviewed), so (status, reviewed_at, author_id) is an equality prefix;
- mentions: ``ix_comment_mention_user`` (user_id, seen_at).

:func:`my_work_counts` reads the four counts in one statement (four scalar subqueries),
because the page's fragment and the sidebar run it on every refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workbench import db
from workbench.identity import Credentials, Person, acting_user, person
from workbench.models import (
    Article,
    Claim,
    ClaimComment,
    ClaimState,
    CommentMention,
    Rating,
    User,
    Verdict,
    VerdictStatus,
    stored_id,
)
from workbench.sql import select_columns
from workbench.validation import shorten

Item = TypeVar("Item")

#: Rows per list; the page says how many more there are.
LIMIT = 50
#: Characters of a mentioning comment shown in the list.
EXCERPT = 160
#: States a claim is still being worked on in.
OPEN_STATES = (ClaimState.new, ClaimState.researching, ClaimState.in_review)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class WorkCounts:
    """How much waits in each list (mentions: the unseen ones)."""

    assigned: int
    returned: int
    waiting: int
    mentions: int

    @property
    def summary(self) -> str:
        """The counts in words, as the menu and the page's live line show them."""
        return " · ".join(
            (
                f"{self.assigned} assigned",
                f"{self.returned} returned",
                f"{self.waiting} waiting for review",
                _plural(self.mentions, "new mention", "new mentions"),
            )
        )


@dataclass(frozen=True)
class ClaimRef:
    """Where a row's claim is: ``article_id`` is None for a claim imported without one."""

    claim_id: int
    article_id: int | None
    article_title: str
    statement: str  # the statement, or the quote when there is none


@dataclass(frozen=True)
class AssignedClaim:
    claim: ClaimRef
    state: ClaimState
    updated_at: datetime


@dataclass(frozen=True)
class ReturnedVerdict:
    claim: ClaimRef
    verdict_id: int
    comment: str
    returned_by: str
    returned_at: datetime


@dataclass(frozen=True)
class WaitingProposal:
    claim: ClaimRef
    verdict_id: int
    rating: str  # the rating's label, or "" for a verdict without one
    proposed_at: datetime


@dataclass(frozen=True)
class Mention:
    claim: ClaimRef
    comment_id: int
    author: str
    excerpt: str
    at: datetime
    seen: bool


@dataclass(frozen=True)
class Section(Generic[Item]):
    """At most :data:`LIMIT` rows of a list, and how many there are in all."""

    items: tuple[Item, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True)
class MyWork:
    person: Person
    counts: WorkCounts
    assigned: Section[AssignedClaim]
    returned: Section[ReturnedVerdict]
    waiting: Section[WaitingProposal]
    mentions: Section[Mention]


def _assigned(user_id: int) -> tuple[ColumnElement[bool], ...]:
    return (col(Claim.assignee_id) == user_id, col(Claim.state).in_(OPEN_STATES))


def _returned(user_id: int) -> tuple[ColumnElement[bool], ...]:
    """The person's returned verdicts that are still the latest verdict on their claim
    (ids grow with time, so "newer" is a larger id: no proposal came after it)."""
    newer = aliased(Verdict)
    return (
        col(Verdict.status) == VerdictStatus.returned,
        col(Verdict.author_id) == user_id,
        ~exists().where(
            col(newer.claim_id) == col(Verdict.claim_id), col(newer.id) > col(Verdict.id)
        ),
    )


def _waiting(user_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        col(Verdict.status) == VerdictStatus.proposed,
        col(Verdict.reviewed_at).is_(None),
        col(Verdict.author_id) == user_id,
    )


def _unseen(user_id: int) -> tuple[ColumnElement[bool], ...]:
    return (col(CommentMention.user_id) == user_id, col(CommentMention.seen_at).is_(None))


def _count(table: Any, where: tuple[ColumnElement[bool], ...]) -> Any:
    return select(func.count()).select_from(table).where(*where).scalar_subquery()


def counts(session: Session, user_id: int) -> WorkCounts:
    """The four counts in one round trip."""
    row = session.exec(
        select(
            _count(Claim, _assigned(user_id)),
            _count(Verdict, _returned(user_id)),
            _count(Verdict, _waiting(user_id)),
            _count(CommentMention, _unseen(user_id)),
        )
    ).one()
    return WorkCounts(*row)


_REF = (Claim.id, Claim.article_id, Article.title, Claim.statement, Claim.quote)


def _ref(
    claim_id: int, article_id: int | None, title: str | None, statement: str, quote: str
) -> ClaimRef:
    return ClaimRef(claim_id, article_id, title or "", statement or quote)


def _with_claim(statement: Any) -> Any:
    return statement.outerjoin(Article, col(Article.id) == col(Claim.article_id))


def assigned(session: Session, user_id: int, total: int) -> Section[AssignedClaim]:
    """Open claims assigned to the person, the most recently changed first."""
    rows = session.exec(
        _with_claim(select_columns(*_REF, Claim.state, Claim.updated_at))
        .where(*_assigned(user_id))
        .order_by(col(Claim.updated_at).desc(), col(Claim.id).desc())
        .limit(LIMIT)
    )
    return Section(
        tuple(AssignedClaim(_ref(*row[:5]), ClaimState(row[5]), row[6]) for row in rows), total
    )


def returned(session: Session, user_id: int, total: int) -> Section[ReturnedVerdict]:
    """The person's verdicts an editor returned, the latest return first."""
    editor = aliased(User)
    rows = session.exec(
        _with_claim(
            select_columns(
                *_REF,
                Verdict.id,
                Verdict.review_comment,
                editor.display_name,
                editor.name,
                Verdict.reviewed_at,
            )
            .select_from(Verdict)
            .join(Claim, col(Claim.id) == col(Verdict.claim_id))
        )
        .outerjoin(editor, col(editor.id) == col(Verdict.reviewer_id))
        .where(*_returned(user_id))
        .order_by(col(Verdict.reviewed_at).desc(), col(Verdict.id).desc())
        .limit(LIMIT)
    )
    return Section(
        tuple(
            ReturnedVerdict(_ref(*row[:5]), row[5], row[6], row[7] or row[8] or "an editor", row[9])
            for row in rows
        ),
        total,
    )


def waiting(session: Session, user_id: int, total: int) -> Section[WaitingProposal]:
    """The person's proposals no editor has reviewed yet, the oldest first (the queue's
    order)."""
    rows = session.exec(
        _with_claim(
            select_columns(*_REF, Verdict.id, Rating.label, Verdict.created_at)
            .select_from(Verdict)
            .join(Claim, col(Claim.id) == col(Verdict.claim_id))
        )
        .outerjoin(Rating, col(Rating.id) == col(Verdict.rating_id))
        .where(*_waiting(user_id))
        .order_by(col(Verdict.created_at), col(Verdict.id))
        .limit(LIMIT)
    )
    return Section(
        tuple(WaitingProposal(_ref(*row[:5]), row[5], row[6] or "", row[7]) for row in rows), total
    )


def mentions(session: Session, user_id: int) -> Section[Mention]:
    """Comments mentioning the person: unseen first, then the newest."""
    author = aliased(User)
    mine = col(CommentMention.user_id) == user_id
    total = session.exec(select(func.count()).select_from(CommentMention).where(mine)).one()
    rows = session.exec(
        _with_claim(
            select_columns(
                *_REF,
                ClaimComment.id,
                author.display_name,
                author.name,
                ClaimComment.body,
                ClaimComment.created_at,
                CommentMention.seen_at,
            )
            .select_from(CommentMention)
            .join(ClaimComment, col(ClaimComment.id) == col(CommentMention.comment_id))
            .join(Claim, col(Claim.id) == col(ClaimComment.claim_id))
        )
        .join(author, col(author.id) == col(ClaimComment.author_id))
        .where(mine)
        .order_by(
            col(CommentMention.seen_at).is_not(None),
            col(ClaimComment.created_at).desc(),
            col(ClaimComment.id).desc(),
        )
        .limit(LIMIT)
    )
    return Section(
        tuple(
            Mention(
                _ref(*row[:5]),
                row[5],
                row[6] or row[7],
                shorten(" ".join(row[8].split()), EXCERPT),
                row[9],
                row[10] is not None,
            )
            for row in rows
        ),
        total,
    )


def my_work(session: Session, user: User) -> MyWork:
    user_id = stored_id(user)
    found = counts(session, user_id)
    return MyWork(
        person(user),
        found,
        assigned(session, user_id, found.assigned),
        returned(session, user_id, found.returned),
        waiting(session, user_id, found.waiting),
        mentions(session, user_id),
    )


def load_my_work(credentials: Credentials) -> MyWork:
    """The My work page: everything for the person behind ``credentials``, in one read
    session."""
    with db.read_session() as session:
        return my_work(session, acting_user(session, credentials))


def my_work_counts(credentials: Credentials) -> WorkCounts:
    """Only the counts (the page's refreshing line): the person and the four counts, in
    one read session."""
    with db.read_session() as session:
        return counts(session, stored_id(acting_user(session, credentials)))


def counts_of(person: Person) -> WorkCounts:
    """The four counts of a person this script run has already signed in (the menu's
    line on every page): one statement, no second look-up of the sign-in."""
    with db.read_session() as session:
        return counts(session, person.id)
