"""Ending sign-in sessions, which both signing in (``auth``) and changing an account
(``users``: a new password, a switched-off account) need. A module of its own so that
``auth`` depends on ``users`` and not the other way round."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from workbench.models import UserSession, utcnow


def revoke(session: Session, *, user_id: int | None = None) -> int:
    """End every open session of ``user_id`` (after a password change or deactivation),
    or of everyone (after a restore, whose copy of the table would otherwise revive
    sessions signed out since the backup). Returns how many were ended."""
    statement = update(UserSession).where(col(UserSession.revoked_at).is_(None))
    if user_id is not None:
        statement = statement.where(col(UserSession.user_id) == user_id)
    result = session.exec(statement.values(revoked_at=utcnow()))
    return result.rowcount
