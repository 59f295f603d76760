"""First-run hints a person can close for good.

A hint tells a newcomer how to start on a page ("select words in the article to pin a
claim"). Once closed it stays closed for that person on every browser they use, so the
closing is stored (``dismissed_hint``, one row per person and hint) rather than kept in
the browser session. In single-user mode the built-in ``local`` account closes it, which
works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from workbench import audit, db
from workbench.errors import InvalidInput
from workbench.identity import Credentials, acting_user
from workbench.models import DismissedHint, User, stored_id
from workbench.permissions import REVIEW_DESK, require

#: The Annotate page's "how to make a claim" hint.
ANNOTATE_FIRST_CLAIM = "annotate_first_claim"
#: Every hint a page may show; a name outside it is a bug in the caller, not a new hint.
HINTS = frozenset({ANNOTATE_FIRST_CLAIM})


@dataclass(frozen=True)
class Hints:
    """Which hints the reading person has closed."""

    dismissed: frozenset[str]

    def shows(self, hint: str) -> bool:
        """Whether the page should still show ``hint``."""
        return hint not in self.dismissed


def dismissed_hints(session: Session, user: User) -> frozenset[str]:
    """The hints ``user`` has closed."""
    return frozenset(
        session.exec(select(DismissedHint.hint).where(DismissedHint.user_id == user.id))
    )


def load_hints(credentials: Credentials) -> Hints:
    """The loader for pages: the hints the person behind ``credentials`` has closed, read
    in one session (the local user's while nobody needs to sign in)."""
    with db.read_session() as session:
        return Hints(dismissed_hints(session, acting_user(session, credentials)))


def dismiss_hint(session: Session, actor: User, hint: str) -> DismissedHint:
    """Close ``hint`` for ``actor`` for good. Closing it again changes nothing and records
    nothing (two tabs may both show it). Raises InvalidInput for an unknown hint."""
    require(actor, REVIEW_DESK, "close a hint")
    if hint not in HINTS:
        raise InvalidInput(f"There is no hint called {hint!r}.")
    # Lock the person's row so that two tabs closing the hint at once take turns on
    # PostgreSQL (SQLite's BEGIN IMMEDIATE already does) instead of inserting it twice.
    session.exec(select(User.id).where(User.id == actor.id).with_for_update()).one()
    stored = session.get(DismissedHint, (actor.id, hint))
    if stored is not None:
        return stored
    stored = DismissedHint(user_id=stored_id(actor), hint=hint)
    session.add(stored)
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=stored_id(actor),
        action="dismiss_hint",
        changes={"hint": [None, hint]},
    )
    return stored
