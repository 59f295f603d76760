"""Report filters, shared by the CSV export, ClaimReview and the dashboard.

They are applied as ``WHERE`` conditions on ``Claim`` (sub-selects, not joins),
so any query that selects from ``Claim`` can reuse them whatever else it joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, exists, not_, or_, select
from sqlmodel import col

from workbench.models import Article, Claim, ClaimTag, User, Verdict, VerdictStatus

S = TypeVar("S")


@dataclass(frozen=True)
class ReportFilters:
    """What the dashboard and the reports narrow down to; ``None`` means no filter.

    ``date_from``/``date_to`` are inclusive UTC days on the claim's ``created_at``;
    ``reviewer`` is a user name (the author of the current verdict, or the assignee of
    a claim without one, the same rule as the report's ``reviewer`` column).
    """

    date_from: date | None = None
    date_to: date | None = None
    outlet: str | None = None
    tag: str | None = None
    reviewer: str | None = None
    state: str | None = None

    def is_empty(self) -> bool:
        return not any(vars(self).values())


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filter_conditions(filters: ReportFilters) -> list[Any]:
    """The SQL conditions on ``Claim`` for ``filters``."""
    conditions: list[Any] = []
    if filters.date_from:
        conditions.append(col(Claim.created_at) >= _day_start(filters.date_from))
    if filters.date_to:
        conditions.append(col(Claim.created_at) < _day_start(filters.date_to + timedelta(days=1)))
    if filters.outlet:
        conditions.append(col(Claim.article_id).in_(
            select(Article.id).where(Article.outlet == filters.outlet)))
    if filters.tag:
        conditions.append(exists().where(ClaimTag.claim_id == Claim.id,
                                         ClaimTag.tag == filters.tag))
    if filters.state:
        conditions.append(Claim.state == filters.state)
    if filters.reviewer:
        user_ids = select(User.id).where(User.name == filters.reviewer)
        approved = and_(Verdict.claim_id == Claim.id, Verdict.status == VerdictStatus.approved)
        conditions.append(or_(
            exists().where(approved, col(Verdict.author_id).in_(user_ids)),
            and_(not_(exists().where(approved)), col(Claim.assignee_id).in_(user_ids)),
        ))
    return conditions


def apply_filters(statement: S, filters: ReportFilters | None) -> S:
    """``statement.where(...)`` for every set filter (``statement`` selects from Claim)."""
    if filters is None:
        return statement
    for condition in filter_conditions(filters):
        statement = statement.where(condition)  # type: ignore[attr-defined]
    return statement
