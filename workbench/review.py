"""The editor's review queue, bulk approval, and the public list of corrections.

The queue is read with a fixed number of queries per page (verdict rows, article
bodies, evidence), whatever the page size: at 100k claims an N+1 pattern would
cost a round trip per row. Writes go through :mod:`workbench.verdicts`, so the
two-person rule, the evidence rule and the audit trail stay in one place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workbench import db, verdicts
from workbench.errors import NeedsConfirmation, WorkbenchError
from workbench.models import (
    Article,
    Claim,
    Evidence,
    Rating,
    Source,
    User,
    Verdict,
    VerdictStatus,
)
from workbench.permissions import EDITORS, require
from workbench.sql import id_col, select_columns

#: How much article text a review card shows around the claim (the anchor keeps less:
#: ``text.anchor.CONTEXT_CHARS``, enough to find the quote again).
CARD_CONTEXT_CHARS = 150
PAGE_SIZE = 20


@dataclass(frozen=True)
class EvidenceItem:
    source_id: int
    url: str
    title: str
    archive_url: str
    stance: str
    excerpt: str
    independent: bool


@dataclass
class QueueItem:
    """One proposed verdict with everything the editor needs to decide on it."""

    verdict_id: int
    verdict_version: int
    claim_id: int
    claim_version: int
    article_id: int | None
    statement: str
    quote: str
    before: str  # article text just before the quote ("" without an article)
    after: str
    rating: str | None
    colour: str | None
    conclusion: str
    rationale: str
    author_id: int | None
    author: str
    proposed_at: datetime
    corrects_id: int | None
    correction_reason: str
    evidence: list[EvidenceItem] = field(default_factory=list)

    @property
    def independent_sources(self) -> int:
        """Distinct independent sources, as ``sources.independent_source_count`` counts."""
        return len({e.source_id for e in self.evidence if e.independent})

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None


def count_queue(session: Session, actor: User) -> int:
    """Proposed verdicts waiting (an index count). Editors only."""
    require(actor, EDITORS, "see the review queue")
    return session.exec(
        select(func.count()).select_from(Verdict).where(Verdict.status == VerdictStatus.proposed)
    ).one()


def _page_ids(session: Session, limit: int, offset: int) -> list[int]:
    """The page's verdict ids, oldest first, read from the (status, created_at) index.
    A page in the back half is read backwards from the newest, so the first and the last
    page both skip only a few rows (at 50,000 waiting, a plain OFFSET walks them all)."""
    order = [col(Verdict.created_at), col(Verdict.id)]
    query = select(id_col(Verdict.id)).where(Verdict.status == VerdictStatus.proposed)
    if offset > limit:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        from_end = total - offset - limit
        if from_end < offset:
            ids = session.exec(
                query.order_by(*[o.desc() for o in order])
                .limit(limit + min(0, from_end))
                .offset(max(0, from_end))
            ).all()
            return list(reversed(ids))
    return list(session.exec(query.order_by(*order).limit(limit).offset(offset)))


def _context(body: str, start: int | None, end: int | None) -> tuple[str, str]:
    """About CARD_CONTEXT_CHARS characters around the span, split at word boundaries."""
    if start is None or end is None:
        return "", ""
    half = CARD_CONTEXT_CHARS // 2
    before = body[max(0, start - half) : start]
    after = body[end : end + half]
    if start - half > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + half < len(body) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return before, after


def review_queue(
    session: Session, actor: User, *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[QueueItem]:
    """Proposed verdicts, oldest first (the page's ids, then three queries for the whole
    page). Editors only."""
    require(actor, EDITORS, "see the review queue")
    ids = _page_ids(session, limit, offset)
    author = aliased(User)
    found = (
        {
            row[0]: row
            for row in session.exec(
                select_columns(
                    Verdict.id,
                    Verdict.version,
                    Claim.id,
                    Claim.version,
                    Claim.article_id,
                    Claim.statement,
                    Claim.quote,
                    Claim.start,
                    Claim.end,
                    Rating.label,
                    Rating.colour,
                    Verdict.conclusion,
                    Verdict.rationale,
                    Verdict.author_id,
                    author.name,
                    Verdict.created_at,
                    Verdict.corrects_id,
                    Verdict.correction_reason,
                )
                .join(Claim, col(Claim.id) == Verdict.claim_id)
                .outerjoin(Rating, col(Rating.id) == Verdict.rating_id)
                .outerjoin(author, col(author.id) == Verdict.author_id)
                .where(col(Verdict.id).in_(ids))
            )
        }
        if ids
        else {}
    )
    rows = [found[i] for i in ids if i in found]
    if not rows:
        return []
    article_ids = {row[4] for row in rows if row[4] is not None}
    bodies = (
        dict(
            session.exec(
                select(Article.id, Article.body).where(col(Article.id).in_(article_ids))
            ).all()
        )
        if article_ids
        else {}
    )
    evidence = _evidence_for(session, [row[2] for row in rows])
    items = []
    for (
        vid,
        vversion,
        cid,
        cversion,
        aid,
        statement,
        quote,
        start,
        end,
        label,
        colour,
        conclusion,
        rationale,
        author_id,
        author_name,
        created,
        corrects,
        reason,
    ) in rows:
        before, after = _context(bodies.get(aid, ""), start, end)
        items.append(
            QueueItem(
                vid,
                vversion,
                cid,
                cversion,
                aid,
                statement,
                quote,
                before,
                after,
                label,
                colour,
                conclusion,
                rationale,
                author_id,
                author_name or "",
                created,
                corrects,
                reason,
                evidence.get(cid, []),
            )
        )
    return items


def _evidence_for(session: Session, claim_ids: list[int]) -> dict[int, list[EvidenceItem]]:
    """Evidence of several claims in one query (keyed by claim id)."""
    found: dict[int, list[EvidenceItem]] = defaultdict(list)
    rows = session.exec(
        select_columns(
            Evidence.claim_id,
            Source.id,
            Source.url,
            Source.title,
            Source.archive_url,
            Evidence.stance,
            Evidence.excerpt,
            Evidence.independent,
        )
        .join(Source, col(Source.id) == Evidence.source_id)
        .where(col(Evidence.claim_id).in_(set(claim_ids)))
        .order_by(col(Evidence.id))
    )
    for claim_id, *rest in rows:
        found[claim_id].append(EvidenceItem(*rest))
    return found


@dataclass
class BulkReport:
    """What a bulk approval did: approved verdict ids, and the refused ones with why."""

    approved: list[int] = field(default_factory=list)
    needs_confirmation: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)


def bulk_approve(
    actor_id: int,
    items: list[tuple[int, int]],
    *,
    confirm_few_sources: bool = False,
    engine: Engine | None = None,
) -> BulkReport:
    """Approve ``(verdict_id, version)`` pairs, each in its own transaction.

    One transaction per verdict, so one refusal (own verdict, no evidence, a stale
    version, few sources without confirmation) neither blocks nor rolls back the
    others; the report says which failed and why.
    """
    report = BulkReport()
    for verdict_id, version in items:
        try:
            with db.write_session(engine) as session:
                actor = require(session.get(User, actor_id), EDITORS, "approve verdicts")
                verdicts.approve_verdict(
                    session, actor, verdict_id, version, confirm_few_sources=confirm_few_sources
                )
            report.approved.append(verdict_id)
        except NeedsConfirmation as warning:
            report.needs_confirmation[verdict_id] = str(warning)
        except WorkbenchError as error:
            report.failed[verdict_id] = str(error)
    return report


@dataclass(frozen=True)
class Correction:
    """A published change of a verdict, listed publicly on the claim."""

    verdict_id: int
    corrected_at: datetime | None
    old_rating: str | None
    new_rating: str | None
    old_conclusion: str
    new_conclusion: str
    reason: str
    rationale: str


def corrections(session: Session, claim_id: int) -> list[Correction]:
    """Approved corrections of a claim's verdict, oldest first (pending ones are not public)."""
    old, old_rating, new_rating = aliased(Verdict), aliased(Rating), aliased(Rating)
    rows = session.exec(
        select_columns(
            Verdict.id,
            Verdict.reviewed_at,
            old_rating.label,
            new_rating.label,
            old.conclusion,
            Verdict.conclusion,
            Verdict.correction_reason,
            Verdict.rationale,
        )
        .join(old, col(old.id) == Verdict.corrects_id)
        .outerjoin(old_rating, col(old_rating.id) == old.rating_id)
        .outerjoin(new_rating, col(new_rating.id) == Verdict.rating_id)
        .where(
            Verdict.claim_id == claim_id,
            col(Verdict.status).in_((VerdictStatus.approved, VerdictStatus.superseded)),
        )
        .order_by(col(Verdict.reviewed_at), col(Verdict.id))
    )
    return [Correction(*row) for row in rows]
