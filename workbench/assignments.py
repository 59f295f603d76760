"""Who works on what: editors give articles and claims to reviewers, reviewers take
unassigned claims, and the desk sees each reviewer's open claims.

Rules:

* Only an active reviewer or editor account can be an assignee (admins and the built-in
  ``cli`` and ``local`` accounts cannot).
* Editors assign, reassign and unassign articles and single claims.
* A reviewer (or editor) may **take** a claim nobody holds; a claim someone holds is
  refused with their name, so nobody takes a colleague's work by accident.
* Assigning an article also moves its **open** claims (:data:`OPEN_STATES`) that were
  with the article's previous assignee, or with nobody, to the new one. Claims someone
  else was given or took stay with them, and finished ones (in review, approved,
  dismissed) keep the name of who did the work. New claims on an assigned article go to
  its assignee (``claims.create_claim``).

Every change is audited. A claim changes through ``claims.apply_changes`` with the
version the person saw (``StaleEdit`` otherwise); an article, which has no version
column, is locked and checked against the assignee the person saw
(``expected_assignee_id``), so two editors never silently overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from workbench import audit, users
from workbench.article_versions import locked_article
from workbench.claims import apply_changes, get_claim
from workbench.errors import InvalidInput, NotFound, StaleEdit, WorkflowError
from workbench.models import Article, AuditEvent, Claim, ClaimState, Role, User, stored_id
from workbench.permissions import EDITORS, REVIEW_DESK, require
from workbench.read_cache import VersionedCache
from workbench.sql import id_col

#: Claims someone still has to work on; in review, approved and dismissed ones are done
#: (a returned verdict puts its claim back to researching).
OPEN_STATES: tuple[str, ...] = (ClaimState.new, ClaimState.researching)
#: Roles an assignee holds.
ASSIGNABLE_ROLES = frozenset({Role.reviewer, Role.editor})


def can_be_assignee(user: User) -> bool:
    return (
        user.active
        and user.role in ASSIGNABLE_ROLES
        and user.name not in (users.CLI_USER, users.LOCAL_USER)
    )


def assignee(session: Session, user_id: int | None) -> User | None:
    """The account ``user_id`` names if it may hold work (None stays None), else InvalidInput."""
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    return _may_hold_work(user)


def _may_hold_work(user: User) -> User:
    if not can_be_assignee(user):
        raise InvalidInput(
            f"{user.name} cannot be given work: only active reviewer and editor accounts can."
        )
    return user


def assignee_named(session: Session, name: str) -> User:
    """The account called ``name`` (the CLI's ``--to``), checked like :func:`assignee`."""
    user = users.find_user(session, name.strip())
    if user is None:
        raise NotFound(f"There is no user called “{name.strip()}”.")
    return _may_hold_work(user)


def assignable_people(session: Session) -> list[User]:
    """Everyone who can be given work, by name."""
    return [user for user in users.list_users(session) if can_be_assignee(user)]


def article_assignees(session: Session, article_ids: list[int]) -> dict[int, int | None]:
    """Each article's assignee (a user id, or None), read by primary key."""
    if not article_ids:
        return {}
    return dict(
        session.exec(
            select(id_col(Article.id), col(Article.assignee_id)).where(
                col(Article.id).in_(article_ids)
            )
        ).all()
    )


def _name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else None


def _described(session: Session, before: int | None, after: int | None) -> dict[str, list[Any]]:
    return {"assignee": [_name(session, before), _name(session, after)]}


def _stale_article(
    session: Session, article: Article, expected: int | None, wanted: int | None
) -> StaleEdit:
    last = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.entity == "article",
            AuditEvent.entity_id == article.id,
            AuditEvent.action == "assign",
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    now = _name(session, article.assignee_id) or "nobody"
    who = (
        f"{last.actor_name} gave this article to {now} at {last.at:%H:%M} (UTC)"
        if last
        else f"This article is now with {now}"
    )
    return StaleEdit(
        f"{who}, after you opened it. Look again, then assign it if you still want to.",
        current={"assignee_id": article.assignee_id},
        attempted={"assignee_id": wanted, "expected_assignee_id": expected},
    )


def assign_article(
    session: Session,
    actor: User,
    article_id: int,
    assignee_id: int | None,
    *,
    expected_assignee_id: int | None,
) -> Article:
    """Give the article to ``assignee_id`` (None: to nobody), with its open claims that
    were with the previous assignee or with nobody (see the module docstring). Editors
    only. ``expected_assignee_id`` is the assignee the editor saw: a different stored one
    (another editor was quicker) raises StaleEdit and nothing changes."""
    require(actor, EDITORS, "assign articles")
    article = locked_article(session, article_id)
    if article.assignee_id != expected_assignee_id:
        raise _stale_article(session, article, expected_assignee_id, assignee_id)
    new = assignee(session, assignee_id)
    previous, target = article.assignee_id, new.id if new is not None else None
    if target == previous:
        return article
    article.assignee_id = target
    session.add(article)
    audit.record(
        session,
        actor,
        entity="article",
        entity_id=stored_id(article),
        action="assign",
        changes={
            "assignee_id": [previous, article.assignee_id],
            **_described(session, previous, article.assignee_id),
        },
    )
    held_by: ColumnElement[bool] = col(Claim.assignee_id).is_(None)
    if previous is not None:
        held_by = held_by | (col(Claim.assignee_id) == previous)
    for claim_id in session.exec(
        select(id_col(Claim.id))
        .where(Claim.article_id == article.id, col(Claim.state).in_(OPEN_STATES), held_by)
        .order_by(col(Claim.id))
    ).all():
        claim = get_claim(session, claim_id, for_update=True)
        apply_changes(
            session,
            actor,
            claim,
            claim.version,
            {"assignee_id": article.assignee_id},
            action="assign",
            described=_described(session, claim.assignee_id, article.assignee_id),
        )
    return article


def assign_claim(
    session: Session, actor: User, claim_id: int, expected_version: int, assignee_id: int | None
) -> Claim:
    """Give one claim to ``assignee_id``, or to nobody (None). Editors only; StaleEdit
    when the claim changed since ``expected_version``."""
    require(actor, EDITORS, "assign claims")
    claim = get_claim(session, claim_id, for_update=True)
    new = assignee(session, assignee_id)
    target = new.id if new is not None else None
    return apply_changes(
        session,
        actor,
        claim,
        expected_version,
        {"assignee_id": target},
        action="assign",
        described=_described(session, claim.assignee_id, target),
    )


def take_claim(session: Session, actor: User, claim_id: int, expected_version: int) -> Claim:
    """Take a claim nobody holds. Refused, naming the holder, when someone does: only an
    editor gives a colleague's claim to someone else."""
    require(actor, REVIEW_DESK, "take a claim")
    assignee(session, actor.id)
    claim = get_claim(session, claim_id, for_update=True)
    if claim.assignee_id == actor.id:
        return claim
    if claim.assignee_id is not None:
        holder = session.get(User, claim.assignee_id)
        name = (holder.display_name or holder.name) if holder else f"user #{claim.assignee_id}"
        raise WorkflowError(
            f"Claim #{claim_id} is assigned to {name}. Ask them, or an editor, to reassign it."
        )
    return apply_changes(
        session,
        actor,
        claim,
        expected_version,
        {"assignee_id": actor.id},
        action="assign",
        described=_described(session, None, actor.id),
    )


@dataclass(frozen=True)
class Workload:
    """One person's open claims (``name`` None: the claims nobody holds)."""

    name: str | None
    display_name: str
    active: bool
    open_claims: int
    oldest_created_at: datetime | None


def open_claims_per_reviewer(session: Session, actor: User) -> tuple[Workload, ...]:
    """Open claims per person holding any, oldest open claim first, and the unassigned
    ones last. Editors only. Inactive accounts still holding claims are listed too: their
    work is stuck until an editor reassigns it.

    The ``(assignee_id, state)`` index is probed once per account and open state (``IN``
    lists on both columns), counting the open claims from the index alone; the oldest is
    the smallest id (ids grow with creation), whose row alone is read for its time. That
    still visits every open claim (18 ms of a dashboard click at 100,000 claims), and the
    Dashboard shows it on every run, so it is counted again only after a write (the newest
    audit event changed).
    """
    require(actor, EDITORS, "see the dashboard")
    return _WORKLOADS.get(
        session, audit.newest_event_id(session), lambda: _count_open_claims(session)
    )


#: Open claims per reviewer by the newest audit event (shared by every editor: the whole
#: desk's, read-only).
_WORKLOADS: VersionedCache[tuple[Workload, ...]] = VersionedCache(size=4)


def _count_open_claims(session: Session) -> tuple[Workload, ...]:
    people = {user.id: user for user in users.list_users(session)}
    open_claim = col(Claim.state).in_(OPEN_STATES)
    counted = [
        *session.exec(
            select(Claim.assignee_id, func.count(), func.min(Claim.id))
            .where(col(Claim.assignee_id).in_(list(people)), open_claim)
            .group_by(col(Claim.assignee_id))
        ).all(),
        *session.exec(
            select(Claim.assignee_id, func.count(), func.min(Claim.id))
            .where(col(Claim.assignee_id).is_(None), open_claim)
            .group_by(col(Claim.assignee_id))
        ).all(),
    ]
    oldest = (
        dict(
            session.exec(
                select(Claim.id, Claim.created_at).where(
                    col(Claim.id).in_([first for _, _, first in counted])
                )
            ).all()
        )
        if counted
        else {}
    )
    rows = []
    for user_id, count, first in counted:
        user = people.get(user_id) if user_id is not None else None
        rows.append(
            Workload(
                user.name if user else None,
                (user.display_name or user.name) if user else "Unassigned",
                user.active if user else True,
                count,
                oldest.get(first),
            )
        )
    return tuple(
        sorted(
            rows,
            key=lambda row: (
                row.name is None,
                row.oldest_created_at is None,
                row.oldest_created_at or datetime.min,
            ),
        )
    )
