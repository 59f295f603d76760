"""The audit trail: every write records who changed which field from what to what.

Every service write goes through :func:`record`, so this is also where writes are logged:
one INFO line per event on the ``workbench.audit`` logger, with the actor and the ids and
the names of the fields changed, never their values (a statement, an article body or a
password hash may be among them). The line is written when the outermost transaction
commits, so a log reader never sees a write that was rolled back (a stale edit, a busy
database at commit).
"""

from __future__ import annotations

import enum
import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, SQLModel, col, func, select

from workbench.models import AuditEvent, User

log = logging.getLogger(__name__)

#: ``session.info`` key: the log fields of the events recorded in the open transaction.
_PENDING = "workbench.audit.pending"


def snapshot_value(value: Any) -> Any:
    """JSON-safe form of a field value (dates as ISO strings, enums as their value)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [snapshot_value(v) for v in value]
    return value


def snapshot(row: SQLModel, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: snapshot_value(getattr(row, name)) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields whose value changed."""
    return {
        name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]
    }


def record(
    session: Session,
    actor: User,
    *,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any],
    claim_id: int | None = None,
) -> AuditEvent:
    """Add an audit event to the caller's transaction (it commits or rolls back with it)."""
    event = AuditEvent(
        actor_id=actor.id,
        actor_name=actor.name,
        entity=entity,
        entity_id=entity_id,
        action=action,
        claim_id=claim_id,
        changes={k: snapshot_value(v) for k, v in changes.items()},
    )
    session.add(event)
    session.info.setdefault(_PENDING, []).append(
        {
            "actor_id": actor.id,
            "actor_name": actor.name,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "claim_id": claim_id,
            "changed": sorted(changes),
        }
    )
    return event


@listens_for(OrmSession, "after_commit")
def _log_committed(session: OrmSession) -> None:
    """One INFO line per event of the transaction that just committed (not a savepoint's)."""
    if session.in_nested_transaction():
        return
    for fields in session.info.pop(_PENDING, ()):
        log.info("%s %s #%s", fields["action"], fields["entity"], fields["entity_id"], extra=fields)


@listens_for(OrmSession, "after_transaction_end")
def _forget_rolled_back(session: OrmSession, transaction: SessionTransaction) -> None:
    """Drop what a rolled-back transaction recorded (a committed one was logged already).

    Only the outermost transaction counts: a rolled-back savepoint's events stay pending
    and are logged if the outer transaction commits (no service uses savepoints)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def newest_event_id(session: Session) -> int:
    """The id of the newest audit event (0: none). Every service records one in the
    transaction of its write, so while it is unchanged nothing was written through them: a
    cheap version for desk-wide read models (one look-up of the primary key's last entry)."""
    return session.exec(select(func.max(AuditEvent.id))).one() or 0


def claim_history(session: Session, claim_id: int) -> list[AuditEvent]:
    """Everything that happened to a claim, its evidence and its verdicts, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.claim_id == claim_id)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return list(session.exec(statement))
