"""The one definition of "which claims": filters shared by every view of the claims.

The dashboard (and its drill-down), the Claims list, the CSV report, the ClaimReview
feed and ``workbench export`` all narrow claims with :class:`ClaimFilters`, turned into
SQL by :func:`claim_conditions`. Every condition is an ``IN``/comparison on the claim
row (sub-selects, not joins), so any query that selects from ``Claim`` can reuse them
whatever else it joins, and aggregates need no extra joins when a filter is unused.
The dashboard's claim total and the CSV report's rows are the same set by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select
from sqlmodel import col, select

from workbench.models import Article, Claim, ClaimTag, Rating, User, Verdict, VerdictStatus

#: A query over claims: any SELECT (SQLModel's selects are SQLAlchemy ones).
S = TypeVar("S", bound="Select[*tuple[Any, ...]]")
#: ``ClaimFilters.assignee`` for claims nobody holds (no account can have this name).
UNASSIGNED = "(nobody)"


@dataclass(frozen=True)
class ClaimFilters:
    """What the editor narrowed the claims to; an empty field means "no filter".

    - ``start``/``end``: inclusive UTC days on the claim's ``created_at``. (The
      dashboard's approval figures apply the same days to the approval date instead.)
    - ``outlet``: the outlet of the claim's article (free-standing claims never match).
    - ``tag``: the claim has this tag (exact).
    - ``reviewer``: a user name; the person who **created** the claim
      (``Claim.created_by``). One rule everywhere: the Claims list's reviewer column,
      the dashboard and the reports filter by it. (The CSV report's ``reviewer`` column
      is unrelated: it shows the current verdict's author, or the assignee.)
    - ``assignee``: a user name; the person the claim is assigned to
      (``Claim.assignee_id``), or :data:`UNASSIGNED` for claims nobody holds. Answered
      by the ``(assignee_id, state)`` index; the summary rows do not carry it, so counts
      with it are made directly.
    - ``states``: the claim is in one of these workflow states.
    - ``rating``: the label of the claim's published (approved) verdict's rating.
    - ``search``: full-text search, applied only by the Claims list
      (:func:`workbench.claim_list.list_claims`), which needs a session and keeps the
      search ranking. :func:`claim_conditions` ignores it, so the dashboard and the
      reports never narrow by it.

    Frozen (hashable) so ``st.cache_data`` can key on it.
    """

    start: date | None = None
    end: date | None = None
    outlet: str = ""
    tag: str = ""
    reviewer: str = ""
    states: tuple[str, ...] = ()
    rating: str = ""
    search: str = ""
    assignee: str = ""

    def is_empty(self) -> bool:
        return self == ClaimFilters()


def day_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Half-open UTC datetime bounds ``[start 00:00, end+1 00:00)`` for inclusive dates."""
    low = datetime.combine(start, time(), tzinfo=UTC) if start else None
    high = datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC) if end else None
    return low, high


def claim_conditions(
    filters: ClaimFilters | None, *, dates: bool = True
) -> list[ColumnElement[Any]]:
    """WHERE conditions on ``claim`` for ``filters`` (dates on ``created_at`` if ``dates``).

    ``filters.search`` is not among them (see :class:`ClaimFilters`).
    """
    if filters is None:
        return []
    conditions: list[ColumnElement[Any]] = []
    if filters.states:
        conditions.append(col(Claim.state).in_(filters.states))
    if filters.outlet:
        conditions.append(
            col(Claim.article_id).in_(select(Article.id).where(Article.outlet == filters.outlet))
        )
    if filters.tag:
        conditions.append(
            col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == filters.tag))
        )
    if filters.reviewer:
        conditions.append(
            col(Claim.created_by).in_(select(User.id).where(User.name == filters.reviewer))
        )
    if filters.assignee == UNASSIGNED:
        conditions.append(col(Claim.assignee_id).is_(None))
    elif filters.assignee:
        conditions.append(
            col(Claim.assignee_id).in_(select(User.id).where(User.name == filters.assignee))
        )
    if filters.rating:
        conditions.append(
            col(Claim.id).in_(
                select(Verdict.claim_id)
                .join(Rating, col(Rating.id) == Verdict.rating_id)
                .where(Verdict.status == VerdictStatus.approved, Rating.label == filters.rating)
            )
        )
    if dates:
        low, high = day_bounds(filters.start, filters.end)
        if low is not None:
            conditions.append(col(Claim.created_at) >= low)
        if high is not None:
            conditions.append(col(Claim.created_at) < high)
    return conditions


def apply_filters(statement: S, filters: ClaimFilters | None, *, dates: bool = True) -> S:
    """``statement.where(...)`` for every set filter (``statement`` selects from Claim)."""
    conditions = claim_conditions(filters, dates=dates)
    return statement.where(*conditions) if conditions else statement
