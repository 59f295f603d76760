"""What the Annotate page's claim panel shows for one claim, read in one session.

The panel used to open a database session per widget group (verdict status, evidence,
the verdict form's scale, corrections, history: five per rerun) and hand ORM rows to the
page. :func:`load_claim_panel` reads everything in the caller's session and returns plain,
frozen dataclasses, so the page never touches the ORM and a rerun costs one session. An
unchanged claim (same :func:`claim_panel_version`) is not read again but served from a
cache shared by all sessions (``workbench.read_cache``): treat the panel as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench import audit, ratings, review, source_archive, sources, verdicts
from workbench.claims import claim_fields, get_claim
from workbench.models import AuditEvent, Claim, Evidence, Source, SourceSnapshot, Verdict, stored_id
from workbench.read_cache import VersionedCache


@dataclass(frozen=True)
class VerdictView:
    rating: str  # the rating's label, or "—"
    conclusion: str
    rationale: str
    review_comment: str


@dataclass(frozen=True)
class EvidenceView:
    id: int
    stance: str
    title: str
    url: str
    archive_url: str
    publisher: str
    independent: bool
    excerpt: str
    source_id: int = 0
    #: When the workbench last took a copy of the source (None: never archived).
    archived_at: datetime | None = None
    public_copy_url: str = ""
    #: The latest copy no longer holds the excerpt: the source changed since it was cited.
    source_changed: bool = False


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    what: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class RatingChoice:
    id: int
    label: str


@dataclass(frozen=True)
class ClaimPanel:
    """One claim with its verdicts, evidence, corrections and history.

    ``fields`` are the editable values plus ``state`` and ``version`` (what a save sends
    back as the version it was based on).
    """

    claim_id: int
    version: int
    state: str
    start: int | None
    end: int | None
    quote: str
    fields: dict[str, Any]
    anchor_status: str
    article_version: int  # the version ``start``/``end`` point into
    proposed: tuple[int, int] | None  # a span of the current version awaiting review
    published: VerdictView | None
    pending: VerdictView | None
    returned: VerdictView | None
    evidence: list[EvidenceView]
    scale_name: str
    conclusion_only: bool
    rating_choices: list[RatingChoice]
    corrections: list[review.Correction]
    history: list[HistoryRow]

    @property
    def claim_date(self) -> date | None:
        return self.fields.get("claim_date")

    @property
    def last_change(self) -> HistoryRow | None:
        """The newest event of the audit trail: read from the stored claim, so a page
        confirms a stored write whenever it draws the claim, even when the run that would
        have shown the write's own confirmation never finished (docs/reruns.md)."""
        return self.history[-1] if self.history else None


_PANELS: VersionedCache[ClaimPanel] = VersionedCache(size=128)


def _verdict(session: Session, verdict: Verdict | None) -> VerdictView | None:
    if verdict is None:
        return None
    label = ratings.get_rating(session, verdict.rating_id).label if verdict.rating_id else "—"
    return VerdictView(label, verdict.conclusion, verdict.rationale, verdict.review_comment)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def claim_panel_version(session: Session, claim_id: int) -> tuple[int, int, int] | None:
    """Changes whenever the panel of ``claim_id`` would: the claim's version (every update
    bumps it), its newest audit event (written with every change to the claim, its
    evidence, verdicts and corrections) and the newest archived copy of its sources (an
    archive is the source's event, not the claim's). None for an unknown claim.

    Not covered: rows changed with plain SQL, and rating scales (set up once).
    """
    newest_event = (
        select(func.max(AuditEvent.id)).where(AuditEvent.claim_id == claim_id).scalar_subquery()
    )
    cited = select(Evidence.source_id).where(Evidence.claim_id == claim_id)
    newest_copy = (
        select(func.max(SourceSnapshot.id))
        .where(col(SourceSnapshot.source_id).in_(cited))
        .scalar_subquery()
    )
    row = session.exec(
        select(Claim.version, func.coalesce(newest_event, 0), func.coalesce(newest_copy, 0)).where(
            col(Claim.id) == claim_id
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def load_claim_panel(session: Session, claim_id: int) -> ClaimPanel:
    """Everything the panel shows for ``claim_id``; raises NotFound for an unknown claim."""
    version = claim_panel_version(session, claim_id)
    if version is None:
        return _read_claim_panel(session, claim_id)  # raises NotFound
    return _PANELS.get(session, (claim_id, version), lambda: _read_claim_panel(session, claim_id))


def _read_claim_panel(session: Session, claim_id: int) -> ClaimPanel:
    claim = get_claim(session, claim_id)
    scale = ratings.default_scale(session)
    history = [
        HistoryRow(
            event.at,
            event.actor_name,
            f"{event.entity} {event.action}",
            name,
            _text(change[0]),
            _text(change[1]),
        )
        for event in audit.claim_history(session, claim_id)
        for name, change in (event.changes or {"": [None, None]}).items()
    ]
    archive = source_archive.evidence_archive(session, claim_id)
    proposed = (
        None
        if claim.proposed_start is None or claim.proposed_end is None
        else (claim.proposed_start, claim.proposed_end)
    )
    return ClaimPanel(
        claim_id=claim_id,
        version=claim.version,
        state=str(claim.state),
        start=claim.start,
        end=claim.end,
        quote=claim.quote,
        fields=claim_fields(session, claim),
        anchor_status=str(claim.anchor_status),
        article_version=claim.article_version,
        proposed=proposed,
        published=_verdict(session, verdicts.current_verdict(session, claim_id)),
        pending=_verdict(session, verdicts.pending_verdict(session, claim_id)),
        returned=_verdict(session, verdicts.latest_return_comment(session, claim_id)),
        evidence=[
            _evidence_view(e, s, archive.get(e.id or 0))
            for e, s in sources.evidence_for_claim(session, claim_id)
        ],
        scale_name=scale.name,
        conclusion_only=scale.conclusion_only,
        rating_choices=[
            RatingChoice(stored_id(r), r.label)
            for r in ratings.ratings_of(session, stored_id(scale))
        ],
        corrections=review.corrections(session, claim_id),
        history=history,
    )


def _evidence_view(
    evidence: Evidence, source: Source, archive: source_archive.EvidenceArchive | None
) -> EvidenceView:
    return EvidenceView(
        evidence.id or 0,
        evidence.stance,
        source.title,
        source.url,
        source.archive_url,
        source.publisher,
        evidence.independent,
        evidence.excerpt,
        source.id or 0,
        archive.archived_at if archive else None,
        archive.public_copy_url if archive else "",
        archive.source_changed if archive else False,
    )
