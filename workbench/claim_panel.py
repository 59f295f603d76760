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

from workbench import audit, ratings, review, sources, verdicts
from workbench.claims import claim_fields, get_claim
from workbench.models import AuditEvent, Claim, Verdict
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


_PANELS: VersionedCache[ClaimPanel] = VersionedCache(size=128)


def _verdict(session: Session, verdict: Verdict | None) -> VerdictView | None:
    if verdict is None:
        return None
    label = ratings.get_rating(session, verdict.rating_id).label if verdict.rating_id else "—"
    return VerdictView(label, verdict.conclusion, verdict.rationale, verdict.review_comment)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def claim_panel_version(session: Session, claim_id: int) -> tuple[int, int] | None:
    """Changes whenever the panel of ``claim_id`` would: the claim's version (every update
    bumps it) and its newest audit event (written with every change to the claim, its
    evidence, verdicts and corrections). None for an unknown claim.

    Not covered: rows changed with plain SQL, and rating scales (set up once).
    """
    newest_event = (select(func.max(AuditEvent.id))
                    .where(AuditEvent.claim_id == claim_id).scalar_subquery())
    row = session.exec(select(Claim.version, func.coalesce(newest_event, 0))
                       .where(col(Claim.id) == claim_id)).first()
    return None if row is None else (row[0], row[1])


def load_claim_panel(session: Session, claim_id: int) -> ClaimPanel:
    """Everything the panel shows for ``claim_id``; raises NotFound for an unknown claim."""
    version = claim_panel_version(session, claim_id)
    if version is None:
        return _read_claim_panel(session, claim_id)  # raises NotFound
    return _PANELS.get(session, (claim_id, version),
                       lambda: _read_claim_panel(session, claim_id))


def _read_claim_panel(session: Session, claim_id: int) -> ClaimPanel:
    claim = get_claim(session, claim_id)
    scale = ratings.default_scale(session)
    history = [HistoryRow(event.at, event.actor_name, f"{event.entity} {event.action}", name,
                          _text(change[0]), _text(change[1]))
               for event in audit.claim_history(session, claim_id)
               for name, change in (event.changes or {"": [None, None]}).items()]
    return ClaimPanel(
        claim_id=claim_id, version=claim.version, state=str(claim.state), start=claim.start,
        end=claim.end, quote=claim.quote, fields=claim_fields(session, claim),
        published=_verdict(session, verdicts.current_verdict(session, claim_id)),
        pending=_verdict(session, verdicts.pending_verdict(session, claim_id)),
        returned=_verdict(session, verdicts.latest_return_comment(session, claim_id)),
        evidence=[EvidenceView(e.id or 0, e.stance, s.title, s.url, s.archive_url, s.publisher,
                               e.independent, e.excerpt)
                  for e, s in sources.evidence_for_claim(session, claim_id)],
        scale_name=scale.name, conclusion_only=scale.conclusion_only,
        rating_choices=[RatingChoice(r.id, r.label) for r in ratings.ratings_of(session, scale.id)],
        corrections=review.corrections(session, claim_id), history=history)
