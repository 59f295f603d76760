"""Bulk inserts for the importer: claims, tags, sources, evidence, verdicts, audit events.

One ``INSERT`` per table per chunk (``executemany``/insertmanyvalues with
``RETURNING`` for the ids), because row-by-row ORM adds are about 7× slower
(STACK-NOTES) and LIAR alone is 12,836 claims. Table defaults live in Python
(SQLModel ``default_factory``), so every row here spells out every column.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session, col

from workbench import search
from workbench.models import (
    AuditEvent,
    Claim,
    ClaimTag,
    Evidence,
    Source,
    SourceKind,
    Stance,
    User,
    Verdict,
    VerdictStatus,
    utcnow,
)
from workbench.reports.import_rows import NewClaim

CLAIM = Claim.__table__  # type: ignore[attr-defined]
OUTSIDE = "Imported with its rating: approved outside the workbench ({where})."


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())


def _bump_sequence(session: Session) -> None:
    """Explicit ids do not advance PostgreSQL's sequence; later auto ids would collide."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('claim', 'id'), "
                             "(SELECT COALESCE(MAX(id), 1) FROM claim))"))


def _claim_ids(session: Session, plans: list[NewClaim]) -> list[int]:
    explicit = [p.claim for p in plans if "id" in p.claim]
    if explicit:
        session.execute(insert(CLAIM), explicit)
        _bump_sequence(session)
    auto = _insert_returning_ids(session, CLAIM, [p.claim for p in plans if "id" not in p.claim])
    ids, auto_ids = [], iter(auto)
    for plan in plans:
        ids.append(plan.claim["id"] if "id" in plan.claim else next(auto_ids))
    return ids


def _source_ids(session: Session, actor: User, urls: dict[str, str]) -> dict[str, int]:
    """Existing sources by URL (the oldest), the missing ones created."""
    found: dict[str, int] = {}
    names = sorted(urls)
    for i in range(0, len(names), 500):
        rows = session.execute(select(Source.url, func.min(Source.id))
                               .where(col(Source.url).in_(names[i:i + 500]))
                               .group_by(Source.url))
        found.update({url: sid for url, sid in rows})
    missing = [url for url in names if url not in found]
    now, today = utcnow(), date.today()
    new_ids = _insert_returning_ids(session, Source.__table__, [  # type: ignore[attr-defined]
        {"url": url, "title": "", "publisher": "", "published": None, "accessed": today,
         "archive_url": urls[url], "kind": SourceKind.other, "notes": "", "created_by": actor.id,
         "created_at": now} for url in missing])
    found.update(zip(missing, new_ids, strict=True))
    return found


def _audit(actor: User, now: Any, entity: str, entity_id: int, claim_id: int,
           changes: dict[str, Any]) -> dict[str, Any]:
    return {"at": now, "actor_id": actor.id, "actor_name": actor.name, "entity": entity,
            "entity_id": entity_id, "action": "import", "claim_id": claim_id, "changes": changes}


def insert_claims(session: Session, actor: User, plans: list[NewClaim], source_name: str) -> None:
    """Insert ``plans`` (already checked) with their tags, evidence, verdicts and audit events."""
    now = utcnow()
    ids = _claim_ids(session, plans)
    tags = [{"claim_id": cid, "tag": tag} for cid, p in zip(ids, plans, strict=True)
            for tag in p.tags]
    if tags:
        session.execute(insert(ClaimTag.__table__), tags)  # type: ignore[attr-defined]
    sources = {url: archive for p in plans for url, archive, _ in p.sources}
    source_ids = _source_ids(session, actor, sources) if sources else {}
    evidence = [{"claim_id": cid, "source_id": source_ids[url], "stance": Stance.context,
                 "excerpt": "", "independent": independent, "added_by": actor.id,
                 "created_at": p.claim["created_at"]}
                for cid, p in zip(ids, plans, strict=True) for url, _, independent in p.sources]
    if evidence:
        session.execute(insert(Evidence.__table__), evidence)  # type: ignore[attr-defined]
    rated = [(cid, p) for cid, p in zip(ids, plans, strict=True) if p.verdict]
    verdict_ids = _insert_returning_ids(session, Verdict.__table__, [  # type: ignore[attr-defined]
        {**p.verdict, "claim_id": cid, "conclusion": "", "status": VerdictStatus.approved,
         "review_comment": "" if p.verdict["reviewer_id"] else OUTSIDE.format(
             where=f"{source_name or 'file'}, line {p.line}"),
         "corrects_id": None, "correction_reason": "", "version": 1}
        for cid, p in rated])
    where = source_name or "file"
    events = [_audit(actor, now, "claim", cid, cid, {"imported_from": [None, f"{where}:{p.line}"]})
              for cid, p in zip(ids, plans, strict=True)]
    events += [_audit(actor, now, "verdict", vid, cid, {
        "rating": [None, p.rating_label], "status": [None, VerdictStatus.approved],
        "approved_by": [None, p.verdict["reviewer_id"] or "outside the workbench"]})
        for vid, (cid, p) in zip(verdict_ids, rated, strict=True)]
    session.execute(insert(AuditEvent.__table__), events)  # type: ignore[attr-defined]
    search.index_claims(session, ids)
