"""Sources (reusable across claims) and the evidence that links them to claims."""

from __future__ import annotations

from datetime import date

from rapidfuzz import fuzz, process, utils
from sqlmodel import Session, col, select

from workbench import audit
from workbench.claims import apply_changes, get_claim
from workbench.drafts import EvidenceDraft, SourceDraft
from workbench.errors import InvalidInput, NotFound, WorkflowError
from workbench.models import ClaimState, Evidence, Source, User, stored_id
from workbench.permissions import REVIEW_DESK, require

SOURCE_FIELDS = ("url", "title", "publisher", "published", "accessed", "archive_url", "kind")


def add_source(session: Session, actor: User, draft: SourceDraft) -> Source:
    """Store a source; accessed today unless the draft says when."""
    require(actor, REVIEW_DESK, "add sources")
    source = Source(
        url=draft.url,
        title=draft.title,
        publisher=draft.publisher,
        published=draft.published,
        accessed=draft.accessed or date.today(),
        archive_url=draft.archive_url,
        kind=draft.kind,
        notes=draft.notes,
        created_by=actor.id,
    )
    session.add(source)
    session.flush()
    audit.record(
        session,
        actor,
        entity="source",
        entity_id=stored_id(source),
        action="create",
        changes={
            k: [None, v]
            for k, v in audit.snapshot(source, SOURCE_FIELDS).items()
            if v not in (None, "")
        },
    )
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
    hits = process.extract(
        query,
        choices,
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60,
    )
    return [(session.get_one(Source, sid), score) for _text, score, sid in hits]


def attach_source(
    session: Session,
    actor: User,
    claim_id: int,
    source_id: int,
    *,
    stance: str,
    excerpt: str = "",
    independent: bool = True,
) -> Evidence:
    """Link a source to a claim as evidence (stance, excerpt and independence under the
    rules of :class:`EvidenceDraft`). A new claim moves to ``researching``."""
    require(actor, REVIEW_DESK, "attach evidence")
    # The draft takes the stance as typed and matches it to a Stance (refusing anything else
    # with the draft's own message); its dataclass signature names only the cleaned type.
    draft = EvidenceDraft(stance, excerpt, independent)  # type: ignore[arg-type]
    claim = get_claim(session, claim_id, for_update=True)
    if claim.state == ClaimState.dismissed:
        raise WorkflowError("This claim was dismissed; reopen it before adding evidence.")
    source = get_source(session, source_id)
    evidence = Evidence(
        claim_id=stored_id(claim),
        source_id=stored_id(source),
        stance=draft.stance,
        excerpt=draft.excerpt,
        independent=draft.independent,
        added_by=actor.id,
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_id=stored_id(evidence),
        action="create",
        claim_id=claim.id,
        changes={
            "source": [None, source.url],
            "stance": [None, draft.stance],
            "independent": [None, draft.independent],
        },
    )
    if claim.state == ClaimState.new:
        apply_changes(
            session, actor, claim, claim.version, {"state": ClaimState.researching}, action="state"
        )
    return evidence


def attach_evidence(
    session: Session,
    actor: User,
    claim_id: int,
    *,
    source_id: int | None,
    draft: SourceDraft | None,
    stance: str,
    excerpt: str = "",
    independent: bool = True,
) -> Evidence:
    """Attach ``source_id``, or, when it is None, the source ``draft`` describes (stored
    first), as the claim panel's form offers it. One service rather than two writes from the
    page: a refused attach (a dismissed claim, a busy database) leaves no new source behind."""
    if source_id is None:
        if draft is None:
            raise InvalidInput("Pick a stored source or describe a new one.")
        source_id = stored_id(add_source(session, actor, draft))
    return attach_source(
        session, actor, claim_id, source_id, stance=stance, excerpt=excerpt, independent=independent
    )


def remove_evidence(session: Session, actor: User, evidence_id: int) -> None:
    require(actor, REVIEW_DESK, "remove evidence")
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(f"There is no evidence item #{evidence_id}.")
    claim = get_claim(session, evidence.claim_id)
    if claim.state == ClaimState.approved:
        raise WorkflowError("Evidence of a published verdict stays; propose a correction instead.")
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_id=stored_id(evidence),
        action="delete",
        claim_id=evidence.claim_id,
        changes={"source_id": [evidence.source_id, None], "stance": [evidence.stance, None]},
    )
    session.delete(evidence)


def evidence_for_claim(session: Session, claim_id: int) -> list[tuple[Evidence, Source]]:
    return list(
        session.exec(
            select(Evidence, Source)
            .join(Source, col(Source.id) == Evidence.source_id)
            .where(Evidence.claim_id == claim_id)
            .order_by(col(Evidence.id))
        )
    )


def independent_source_count(session: Session, claim_id: int) -> int:
    """Distinct sources marked independent (two links to one source count once)."""
    rows = session.exec(
        select(Evidence.source_id)
        .where(Evidence.claim_id == claim_id, col(Evidence.independent).is_(True))
        .distinct()
    )
    return len(rows.all())
