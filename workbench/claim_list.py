"""The Claims list: search, filters and paging, done in SQL so it stays fast at 1M claims.

Filters are :class:`workbench.filters.ClaimFilters`, the ones the dashboard and the
reports use; only ``search`` is applied here alone (it keeps the search ranking).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workbench import summary
from workbench.filters import ClaimFilters, apply_filters, claim_conditions
from workbench.models import Article, Claim, Rating, User, Verdict, VerdictStatus
from workbench.permissions import REVIEW_DESK, require
from workbench.search import search_claim_ids
from workbench.sql import id_col, select_columns

PAGE_SIZE = 50
#: Ranked search matches looked at when other filters narrow them too.
SEARCH_LIMIT = 2000


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
    reviewer: str | None  # who created the claim (the Reviewer filter's rule)
    updated_at: datetime
    assignee: str | None = None  # who the claim is assigned to


def count_claims(session: Session, filters: ClaimFilters) -> int:
    """How many claims match (without search): from the dashboard summary when its rows
    carry every filter that is set (a few thousand rows at most), else counted."""
    counted = summary.Reader(session, filters).claims()
    if counted is not None:
        return sum(counted[1].values())
    return session.exec(
        select(func.count()).select_from(apply_filters(select(Claim.id), filters).subquery())
    ).one()


def _rows(session: Session, ids: list[int]) -> list[ClaimRow]:
    """The list's columns for ``ids`` only, in that order (one query): the creator and
    the assignee joined by primary key for these rows alone."""
    if not ids:
        return []
    published = (
        select(Verdict.claim_id, Rating.label)
        .join(Rating, col(Rating.id) == Verdict.rating_id)
        .where(Verdict.status == VerdictStatus.approved, col(Verdict.claim_id).in_(ids))
    ).subquery()
    creator, assignee = aliased(User), aliased(User)
    found = {
        row[0]: ClaimRow(*row)
        for row in session.exec(
            select_columns(
                Claim.id,
                Claim.article_id,
                Article.title,
                Article.outlet,
                Claim.statement,
                Claim.claimant,
                Claim.state,
                published.c.label,
                creator.name,
                Claim.updated_at,
                assignee.name,
            )
            .outerjoin(Article, col(Article.id) == Claim.article_id)
            .outerjoin(published, published.c.claim_id == Claim.id)
            .outerjoin(creator, col(creator.id) == Claim.created_by)
            .outerjoin(assignee, col(assignee.id) == Claim.assignee_id)
            .where(col(Claim.id).in_(ids))
        )
    }
    return [found[i] for i in ids if i in found]


def list_claims(
    session: Session,
    actor: User,
    filters: ClaimFilters,
    *,
    page: int = 0,
    page_size: int = PAGE_SIZE,
    before_id: int | None = None,
    after_id: int | None = None,
) -> tuple[list[ClaimRow], int]:
    """One page of claims (newest first, or best match first when searching) and the total.

    The page's ids come first (from the id index), then only those rows are joined with
    their article, creator and published rating: the cost of a page does not grow with
    the archive. Without search, page by key: ``before_id`` (the last id shown) gives the
    next page, ``after_id`` (the first id shown) the previous one, each read from the id
    index however deep (``page`` skips rows with OFFSET, which walks them all: 1,000
    pages in it is ~50,000 rows). With search, ``page`` indexes the ranked matches and the
    total counts the matches ranked so far: more than this page's end when there is a next
    page (search without other filters ranks no further). The review desk only.
    """
    require(actor, REVIEW_DESK, "list claims")
    base = apply_filters(select(id_col(Claim.id)), filters)  # sub-selects: no joins needed
    if filters.search.strip():
        # Keep the search ranking: filter the ranked ids in SQL, then page in Python. Alone,
        # search ranks only up to one claim past this page (ranking 2,000 took 376 ms at
        # 100k claims, 100 took 25 ms); other filters may drop ranked ids, so they get more.
        window = (page + 1) * page_size + 1
        ranked = search_claim_ids(
            session, filters.search, limit=SEARCH_LIMIT if claim_conditions(filters) else window
        )
        allowed = set(session.exec(base.where(col(Claim.id).in_(ranked))).all())
        ranked = [claim_id for claim_id in ranked if claim_id in allowed]
        return _rows(session, ranked[page * page_size : (page + 1) * page_size]), len(ranked)
    if after_id is not None:
        ids = list(
            reversed(
                session.exec(
                    base.where(col(Claim.id) > after_id).order_by(col(Claim.id)).limit(page_size)
                ).all()
            )
        )
    else:
        newest = base.order_by(col(Claim.id).desc()).limit(page_size)
        ids = list(
            session.exec(
                newest.where(col(Claim.id) < before_id)
                if before_id is not None
                else newest.offset(page * page_size)
            )
        )
    return _rows(session, ids), count_claims(session, filters)
