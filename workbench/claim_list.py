"""The Claims list: search, filters and paging, done in SQL so it stays fast at 100k claims.

Filters are :class:`workbench.filters.ClaimFilters`, the ones the dashboard and the
reports use; only ``search`` is applied here alone (it keeps the search ranking).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from workbench.filters import ClaimFilters, apply_filters
from workbench.models import Article, Claim, Rating, User, Verdict, VerdictStatus
from workbench.search import search_claim_ids

PAGE_SIZE = 50


@dataclass(frozen=True)
class ClaimRow:
    id: int
    article_id: int | None
    article_title: str | None
    outlet: str | None
    statement: str
    claimant: str
    state: str
    rating: str | None
    reviewer: str | None
    updated_at: datetime


def _published() -> Select:
    return (select(Verdict.claim_id, Rating.label)
            .join(Rating, col(Rating.id) == Verdict.rating_id)
            .where(Verdict.status == VerdictStatus.approved)).subquery()


def list_claims(session: Session, filters: ClaimFilters, *, page: int = 0,
                page_size: int = PAGE_SIZE) -> tuple[list[ClaimRow], int]:
    """One page of claims (newest first, or best match first when searching) and the total."""
    published = _published()
    base = apply_filters(select(Claim.id), filters)  # sub-selects: no joins needed
    ranked: list[int] | None = None
    if filters.search.strip():
        ranked = search_claim_ids(session, filters.search, limit=2000)
        base = base.where(col(Claim.id).in_(ranked))
    if ranked is not None:
        # Keep the search ranking: filter the ranked ids in SQL, then page in Python.
        allowed = set(session.exec(base).all())
        ranked = [claim_id for claim_id in ranked if claim_id in allowed]
        total = len(ranked)
    else:
        total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows_query = (select(Claim.id, Claim.article_id, Article.title, Article.outlet,
                         Claim.statement, Claim.claimant, Claim.state, published.c.label,
                         User.name, Claim.updated_at)
                  .outerjoin(Article, col(Article.id) == Claim.article_id)
                  .outerjoin(published, published.c.claim_id == Claim.id)
                  .outerjoin(User, col(User.id) == Claim.created_by))
    rows_query = apply_filters(rows_query, filters)
    if ranked is not None:
        page_ids = ranked[page * page_size:(page + 1) * page_size]
        rows = {row[0]: ClaimRow(*row) for row in
                session.exec(rows_query.where(col(Claim.id).in_(page_ids)))}
        return [rows[i] for i in page_ids if i in rows], total
    rows_query = rows_query.order_by(col(Claim.id).desc()).limit(page_size).offset(
        page * page_size)
    return [ClaimRow(*row) for row in session.exec(rows_query)], total

