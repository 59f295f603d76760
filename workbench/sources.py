"""Sources (reusable across claims) and the evidence that links them to claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from workbench import audit
from workbench.claims import apply_changes, get_claim
from workbench.errors import InvalidInput, NotFound, WorkflowError
from workbench.models import ClaimState, Evidence, Source, SourceKind, Stance, User
from workbench.permissions import REVIEW_DESK, require
from workbench.validation import choice, clean_line, clean_text, clean_url

SOURCE_FIELDS = ("url", "title", "publisher", "published", "accessed", "archive_url", "kind")
#: Longest source note or evidence excerpt: a few paragraphs, not a copy of the source.
MAX_NOTE = 10_000


@dataclass
class SourceDraft:
    url: str
    title: str = ""
    publisher: str = ""
    published: date | None = None
    accessed: date | None = None
    archive_url: str = ""
    kind: str = SourceKind.other
    notes: str = ""


def _source_from(draft: SourceDraft, actor: User) -> Source:
    kind = choice(SourceKind, draft.kind, field="Source kind")
    if draft.published and draft.accessed and draft.accessed < draft.published:
        raise InvalidInput("The accessed date is before the published date.")
    return Source(
        url=clean_url(draft.url, field="Source URL", required=True),
        title=clean_line(draft.title, field="Source title", max_length=500),
        publisher=clean_line(draft.publisher, field="Publisher", max_length=300),
        published=draft.published,
        accessed=draft.accessed or date.today(),
        archive_url=clean_url(draft.archive_url, field="Archived copy URL"),
        kind=kind,
        notes=clean_text(draft.notes, field="Notes", max_length=MAX_NOTE),
        created_by=actor.id,
    )


def add_source(session: Session, actor: User, draft: SourceDraft) -> Source:
    require(actor, REVIEW_DESK, "add sources")
    source = _source_from(draft, actor)
    session.add(source)
    session.flush()
    audit.record(session, actor, entity="source", entity_id=source.id, action="create",
                 changes={k: [None, v] for k, v in audit.snapshot(source, SOURCE_FIELDS).items()
                          if v not in (None, "")})
    return source


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"There is no source #{source_id}.")
    return source


def find_sources(session: Session, query: str, *, limit: int = 10) -> list[tuple[Source, float]]:
    """Existing sources whose URL or title looks like ``query`` (typo-tolerant), best first.

    Sources are few compared with claims (thousands), so a scan of (id, url, title) is cheap.
    """
    query = query.strip()
    if not query:
        return []
    rows = session.exec(select(Source.id, Source.url, Source.title)).all()
    choices = {sid: f"{url} {title}" for sid, url, title in rows}
    hits = process.extract(query, choices, scorer=fuzz.partial_ratio,
                           processor=utils.default_process, limit=limit, score_cutoff=60)
    return [(session.get(Source, sid), score) for _text, score, sid in hits]


def attach_source(
    session: Session, actor: User, claim_id: int, source_id: int, *,
    stance: str, excerpt: str = "", independent: bool = True,
) -> Evidence:
    """Link a source to a claim as evidence. A new claim moves to ``researching``."""
    require(actor, REVIEW_DESK, "attach evidence")
    stance = choice(Stance, stance, field="Stance")
    claim = get_claim(session, claim_id, for_update=True)
    if claim.state == ClaimState.dismissed:
        raise WorkflowError("This claim was dismissed; reopen it before adding evidence.")
    source = get_source(session, source_id)
    evidence = Evidence(claim_id=claim.id, source_id=source.id, stance=stance,
                        excerpt=clean_text(excerpt, field="Excerpt", max_length=MAX_NOTE),
                        independent=independent, added_by=actor.id)
    session.add(evidence)
    session.flush()
    audit.record(session, actor, entity="evidence", entity_id=evidence.id, action="create",
                 claim_id=claim.id,
                 changes={"source": [None, source.url], "stance": [None, stance],
                          "independent": [None, independent]})
    if claim.state == ClaimState.new:
        apply_changes(session, actor, claim, claim.version, {"state": ClaimState.researching},
                      action="state")
    return evidence


def remove_evidence(session: Session, actor: User, evidence_id: int) -> None:
    require(actor, REVIEW_DESK, "remove evidence")
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(f"There is no evidence item #{evidence_id}.")
    claim = get_claim(session, evidence.claim_id)
    if claim.state == ClaimState.approved:
        raise WorkflowError("Evidence of a published verdict stays; propose a correction instead.")
    audit.record(session, actor, entity="evidence", entity_id=evidence.id, action="delete",
                 claim_id=evidence.claim_id,
                 changes={"source_id": [evidence.source_id, None],
                          "stance": [evidence.stance, None]})
    session.delete(evidence)


def evidence_for_claim(session: Session, claim_id: int) -> list[tuple[Evidence, Source]]:
    return list(session.exec(
        select(Evidence, Source).join(Source, col(Source.id) == Evidence.source_id)
        .where(Evidence.claim_id == claim_id).order_by(col(Evidence.id))
    ))


def independent_source_count(session: Session, claim_id: int) -> int:
    """Distinct sources marked independent (two links to one source count once)."""
    rows = session.exec(select(Evidence.source_id).where(
        Evidence.claim_id == claim_id, col(Evidence.independent).is_(True)).distinct())
    return len(rows.all())
