"""The audit trail: every write records who changed which field from what to what."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from workbench.models import AuditEvent, User


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
        name: [before.get(name), after[name]]
        for name in after
        if before.get(name) != after[name]
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
    return event


def claim_history(session: Session, claim_id: int) -> list[AuditEvent]:
    """Everything that happened to a claim, its evidence and its verdicts, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.claim_id == claim_id)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return list(session.exec(statement))
