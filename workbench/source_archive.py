"""Archived evidence: copies of a source's page that the workbench took itself.

Sources get edited or deleted after a fact-check cites them. "Archive" keeps what the page
said when a person asked (main text, SHA-256 of the raw page, HTTP status, time) and, where a
public archive is configured, the address of its copy. Nothing is fetched unless a person
asks. A later copy whose text no longer holds an evidence excerpt flags that evidence: the
source changed since it was cited.

As with articles, the fetch (``take_copy``) runs outside any database session and
``store_copy`` keeps the result in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from workbench import audit
from workbench.fetching import FetchError
from workbench.models import Evidence, SourceSnapshot, User, stored_id
from workbench.permissions import REVIEW_DESK, require
from workbench.settings import Settings, get_settings
from workbench.sources import get_source
from workbench.sql import id_col
from workbench.web_archive import Snapshot, quote_still_present, request_public_copy, snapshot


@dataclass(frozen=True)
class TakenCopy:
    """A fresh snapshot, and the public archive's copy or why there is none."""

    snapshot: Snapshot
    public_copy_url: str
    public_copy_problem: str


@dataclass(frozen=True)
class EvidenceArchive:
    """What the archive says about one evidence item, for the Evidence tab and reports."""

    archived_at: datetime | None
    public_copy_url: str
    #: True when the latest copy no longer holds the evidence's excerpt.
    source_changed: bool


def take_copy(url: str, settings: Settings | None = None) -> TakenCopy:
    """Fetch the source now (FetchError when it cannot be), then ask the public archive;
    the archive failing does not lose the workbench's own copy."""
    settings = settings or get_settings()
    taken = snapshot(url, settings)
    try:
        public = request_public_copy(url, settings) or ""
        problem = (
            "" if public or settings.archive_save_endpoint else "No public archive is configured."
        )
    except FetchError as error:
        public, problem = "", f"The public archive did not make a copy: {error}"
    return TakenCopy(taken, public, problem)


def store_copy(session: Session, actor: User, source_id: int, copy: TakenCopy) -> SourceSnapshot:
    """Keep the copy; a public copy also becomes the source's archived URL if it had none."""
    require(actor, REVIEW_DESK, "archive sources")
    source = get_source(session, source_id)
    taken = copy.snapshot
    kept = SourceSnapshot(
        source_id=stored_id(source),
        final_url=taken.final_url,
        http_status=taken.status,
        fetched_at=taken.fetched_at,
        raw_sha256=taken.sha256,
        text=taken.text,
        public_copy_url=copy.public_copy_url,
        created_by=actor.id,
    )
    session.add(kept)
    changes: dict[str, list[object]] = {
        "sha256": [None, taken.sha256],
        "status": [None, taken.status],
    }
    if copy.public_copy_url and not source.archive_url:
        changes["archive_url"] = [source.archive_url, copy.public_copy_url]
        source.archive_url = copy.public_copy_url
        session.add(source)
    session.flush()
    audit.record(
        session,
        actor,
        entity="source",
        entity_id=stored_id(source),
        action="archive",
        changes=changes,
    )
    return kept


def evidence_archive(session: Session, claim_id: int) -> dict[int, EvidenceArchive]:
    """Per evidence item of the claim: its source's latest copy, and whether that copy still
    holds the excerpt (an evidence item without an excerpt is never flagged)."""
    items = session.exec(
        select(id_col(Evidence.id), Evidence.source_id, Evidence.excerpt).where(
            Evidence.claim_id == claim_id
        )
    ).all()
    latest = _latest_copies(session, {source_id for _, source_id, _ in items})
    result = {}
    for evidence_id, source_id, excerpt in items:
        copy = latest.get(source_id)
        if copy is None:
            result[evidence_id] = EvidenceArchive(None, "", False)
            continue
        changed = bool(excerpt.strip()) and not quote_still_present(excerpt, copy.text)
        result[evidence_id] = EvidenceArchive(copy.fetched_at, copy.public_copy_url, changed)
    return result


def _latest_copies(session: Session, source_ids: set[int]) -> dict[int, SourceSnapshot]:
    copies = session.exec(
        select(SourceSnapshot)
        .where(col(SourceSnapshot.source_id).in_(source_ids))
        .order_by(col(SourceSnapshot.fetched_at), col(SourceSnapshot.id))
    ).all()
    return {copy.source_id: copy for copy in copies}  # the latest wins
