"""Dashboard figures: summed from the pre-counted summary rows, or aggregated directly.

:func:`dashboard` (what the page calls; editors only) reads each figure from
:mod:`workbench.summary`'s rows when they carry every filter that is set (see
``summary_facts.CARRIES``): every figure with any mix of dates, states, rating, outlet
and reviewer, except the claimant, tag and repeat lists when a date range comes with
one of the last three; every figure under a tag filter alone or with states (and the
claim counts with a tag and a rating, outlet or reviewer). The rest (a tag with a date
range, the approval, reviewer and list figures for a tag with an outlet, reviewer or
rating) falls back to the direct GROUP BY over claims and verdicts (the per-figure
functions below), which stays exact but grows with the filtered set.

Nothing here loads claim rows: each function returns at most a few dozen aggregate
rows. Two expressions differ per dialect (the week of a timestamp and the days
between two timestamps) and are built by :func:`_week` and :func:`_days`.

Claims are narrowed by :mod:`workbench.filters`, the definition the CSV report uses too,
so the claim total for a filter set equals the report's row count for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, case, cast, func, literal
from sqlmodel import Session, col, select

from workbench import ratings, summary
from workbench.filters import ClaimFilters, apply_filters, claim_conditions, day_bounds
from workbench.models import Article, Claim, ClaimState, ClaimTag, Rating, User, Verdict
from workbench.models import VerdictStatus as Status
from workbench.permissions import EDITORS, require

TOP_N = 15
#: Upper bounds (days) of the time-to-verdict histogram buckets; the last is open.
BUCKETS = ((1, "< 1 day"), (3, "1–3 days"), (7, "3–7 days"), (14, "1–2 weeks"),
           (30, "2–4 weeks"), (None, "> 4 weeks"))
NO_RATING = "(conclusion only)"
#: Verdicts that were approved at some point (a superseded one was published before).
PUBLISHED = (Status.approved, Status.superseded)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, the value ``claims_for_selection`` takes, count, colour."""

    label: str
    key: str
    count: int
    colour: str | None = None


@dataclass(frozen=True)
class Week:
    start: date  # the Monday
    approved: int
    avg_days: float | None  # claim creation → first approval, for first verdicts

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _week(session: Session, column: Any) -> ColumnElement[Any]:
    """The Monday of the ISO week of ``column``: SQLite date modifiers, PostgreSQL date_trunc."""
    if _dialect(session) == "sqlite":
        return func.date(column, "weekday 0", "-6 days")
    return cast(func.date_trunc("week", func.timezone("UTC", column)), Date)


def _days(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if _dialect(session) == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _published_conditions(filters: ClaimFilters) -> list[ColumnElement[Any]]:
    """Approved (or later superseded) verdicts, approved within the date range."""
    low, high = day_bounds(filters.start, filters.end)
    conditions = [col(Verdict.status).in_(PUBLISHED), col(Verdict.reviewed_at).is_not(None)]
    if low is not None:
        conditions.append(col(Verdict.reviewed_at) >= low)
    if high is not None:
        conditions.append(col(Verdict.reviewed_at) < high)
    return conditions


def verdict_distribution(session: Session, filters: ClaimFilters) -> list[Bar]:
    """Current (approved) verdicts per rating, in scale order; the default scale's empty
    ratings are kept as zero bars so the scale always reads the same way."""
    query = (select(Verdict.rating_id, func.count())
             .join(Claim, col(Claim.id) == Verdict.claim_id)
             .where(Verdict.status == Status.approved).group_by(Verdict.rating_id))
    return _rating_bars(session, dict(session.exec(apply_filters(query, filters)).all()))


def _rating_bars(session: Session, counts: dict[int | None, int]) -> list[Bar]:
    default_id = next((s.id for s in ratings.list_scales(session) if s.is_default), None)
    shown = session.exec(select(Rating).where(
        (col(Rating.id).in_([k for k in counts if k is not None]))
        | (Rating.scale_id == default_id))
        .order_by(col(Rating.scale_id) != default_id, col(Rating.scale_id), col(Rating.position)))
    bars = [Bar(r.label, str(r.id), counts.get(r.id, 0), r.colour) for r in shown]
    if counts.get(None):
        bars.append(Bar(NO_RATING, "none", counts[None], "#888888"))
    return bars


def claims_by_state(session: Session, filters: ClaimFilters) -> list[Bar]:
    """Claims per workflow state, in workflow order (zero states kept)."""
    query = select(Claim.state, func.count()).group_by(Claim.state)
    return _state_bars(dict(session.exec(apply_filters(query, filters)).all()))


def _state_bars(counts: dict[str, int]) -> list[Bar]:
    return [Bar(state.value.replace("_", " "), state.value, counts.get(state.value, 0))
            for state in ClaimState]


def _approvals(session: Session, filters: ClaimFilters) -> list[tuple[Any, ...]]:
    """(week, bucket, approvals, first approvals, their summed days) in one pass over the
    approvals: throughput and time-to-verdict share it (bucket -1: corrections)."""
    first_days = case((col(Verdict.corrects_id).is_(None),
                       _days(session, Verdict.reviewed_at, Claim.created_at)))
    inner = (select(_week(session, Verdict.reviewed_at).label("week"), first_days.label("days"))
             .join(Claim, col(Claim.id) == Verdict.claim_id).where(*_published_conditions(filters)))
    sub = apply_filters(inner, filters, dates=False).subquery()
    bucket = case((sub.c.days.is_(None), literal(-1)),
                  *[(sub.c.days < bound, literal(i)) for i, (bound, _) in enumerate(BUCKETS)
                    if bound is not None], else_=literal(len(BUCKETS) - 1)).label("bucket")
    return list(session.exec(select(sub.c.week, bucket, func.count(), func.count(sub.c.days),
                                    func.sum(sub.c.days)).group_by(sub.c.week, bucket)))


def _weeks(rows: list[tuple[Any, ...]]) -> list[Week]:
    totals: dict[Any, list[float]] = {}
    for week, _bucket, n, first, days in rows:
        total = totals.setdefault(week, [0, 0, 0.0])
        total[0] += n
        total[1] += first
        total[2] += float(days or 0)
    return [Week(_as_date(w), int(n), round(days / first, 2) if first else None)
            for w, (n, first, days) in sorted(totals.items(), key=lambda kv: _as_date(kv[0]))]


def _histogram(rows: list[tuple[Any, ...]]) -> list[Bar]:
    counts = [0] * len(BUCKETS)
    for _week, bucket, _n, first, _days in rows:
        if bucket >= 0:
            counts[bucket] += first
    return [Bar(label, str(i), counts[i]) for i, (_, label) in enumerate(BUCKETS)]


def throughput_weekly(session: Session, filters: ClaimFilters) -> list[Week]:
    """Approvals per ISO week, with the mean days from claim creation to a first approval."""
    return _weeks(_approvals(session, filters))


def throughput_by_reviewer(session: Session, filters: ClaimFilters,
                           limit: int = TOP_N) -> list[Bar]:
    """Approved verdicts per author (the fact-checker who proposed them)."""
    query = (select(User.name, func.count().label("n"))
             .join(Verdict, col(Verdict.author_id) == User.id)
             .join(Claim, col(Claim.id) == Verdict.claim_id)
             .where(*_published_conditions(filters))
             .group_by(User.name).order_by(func.count().desc(), User.name).limit(limit))
    return [Bar(name, name, n) for name, n in
            session.exec(apply_filters(query, filters, dates=False))]


def time_to_verdict(session: Session, filters: ClaimFilters) -> list[Bar]:
    """Histogram of days from claim creation to its first approved verdict."""
    return _histogram(_approvals(session, filters))


def _top(session: Session, query: Select, filters: ClaimFilters) -> list[Bar]:
    return [Bar(str(v), str(v), n) for v, n in session.exec(apply_filters(query, filters))]


def top_outlets(session: Session, filters: ClaimFilters, limit: int = TOP_N) -> list[Bar]:
    n = func.count(Claim.id)
    return _top(session, select(Article.outlet, n)
                .join(Article, col(Article.id) == Claim.article_id)
                .where(Article.outlet != "").group_by(Article.outlet)
                .order_by(n.desc(), Article.outlet).limit(limit), filters)


def top_claimants(session: Session, filters: ClaimFilters, limit: int = TOP_N) -> list[Bar]:
    n = func.count(Claim.id)
    return _top(session, select(Claim.claimant, n).where(Claim.claimant != "")
                .group_by(Claim.claimant).order_by(n.desc(), Claim.claimant).limit(limit),
                filters)


def top_tags(session: Session, filters: ClaimFilters, limit: int = TOP_N) -> list[Bar]:
    n = func.count()
    query = select(ClaimTag.tag, n).group_by(ClaimTag.tag).order_by(n.desc(), ClaimTag.tag)
    if claim_conditions(filters):
        query = query.join(Claim, col(Claim.id) == ClaimTag.claim_id)
    return _top(session, query.limit(limit), filters)


def most_repeated(session: Session, filters: ClaimFilters, limit: int = TOP_N) -> list[Bar]:
    """Claims that later claims were marked as repeating, most repeated first."""
    n = func.count(Claim.id)
    repeats = (select(Claim.repeat_of_id, n).where(col(Claim.repeat_of_id).is_not(None))
               .group_by(Claim.repeat_of_id).order_by(n.desc(), Claim.repeat_of_id).limit(limit))
    return _repeated(session, [(str(cid), n) for cid, n in
                               session.exec(apply_filters(repeats, filters))])


@dataclass(frozen=True)
class Dashboard:
    verdicts: list[Bar]
    states: list[Bar]
    weeks: list[Week]
    reviewers: list[Bar]
    time_to_verdict: list[Bar]
    outlets: list[Bar]
    claimants: list[Bar]
    tags: list[Bar]
    repeated: list[Bar]

    @property
    def total_claims(self) -> int:
        return sum(bar.count for bar in self.states)

    def in_state(self, state: str) -> int:
        return sum(bar.count for bar in self.states if bar.key == state)


def dashboard(session: Session, actor: User, filters: ClaimFilters) -> Dashboard:
    """Every figure's data: from the summary rows where they answer ``filters`` (a few
    small queries), else the direct GROUP BY per figure. Editors only."""
    require(actor, EDITORS, "see the dashboard")
    read = summary.Reader(session, filters)
    claims = read.claims()
    if claims is None:
        claims = (verdict_distribution(session, filters), claims_by_state(session, filters),
                  top_outlets(session, filters))
    else:
        by_rating, by_state, by_outlet = claims
        claims = (_rating_bars(session, by_rating), _state_bars(by_state),
                  _top_bars(by_outlet, TOP_N))
    approvals = read.approvals()
    if approvals is None:
        approvals = _approvals(session, filters)
    reviewers = read.authors()
    return Dashboard(
        claims[0], claims[1], _weeks(approvals),
        throughput_by_reviewer(session, filters) if reviewers is None else _top_bars(
            _author_names(session, reviewers), TOP_N),
        _histogram(approvals), claims[2],
        _summed_or(read.values("claimant", TOP_N), top_claimants, session, filters),
        _summed_or(read.values("tag", TOP_N), top_tags, session, filters),
        _repeated(session, read.values("repeat", TOP_N)) if read.answers("repeat")
        else most_repeated(session, filters))


def _top_bars(counts: dict[str, int], limit: int) -> list[Bar]:
    """Most first, ties by name."""
    ranked = sorted(((n, name) for name, n in counts.items() if n), key=lambda x: (-x[0], x[1]))
    return [Bar(name, name, n) for n, name in ranked[:limit]]


def _summed_or(counts: list[tuple[str, int]] | None, direct: Any, session: Session,
               filters: ClaimFilters) -> list[Bar]:
    if counts is None:
        return direct(session, filters)
    return [Bar(value, value, n) for value, n in counts]


def _author_names(session: Session, counts: dict[str, int]) -> dict[str, int]:
    ids = [int(author) for author in counts if author != "0"]
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())
    return {names[int(a)]: n for a, n in counts.items() if int(a) in names}


def _repeated(session: Session, counted: list[tuple[str, int]] | None) -> list[Bar]:
    pairs = [(int(cid), n) for cid, n in counted or []]
    names = dict(session.exec(select(Claim.id, Claim.statement).where(
        col(Claim.id).in_([cid for cid, _ in pairs]))).all()) if pairs else {}
    return [Bar(f"#{cid} {(names.get(cid) or '')[:60]}", str(cid), n) for cid, n in pairs]


def _verdict_claims(filters: ClaimFilters, *extra: ColumnElement[Any]) -> ColumnElement[Any]:
    return col(Claim.id).in_(select(Verdict.claim_id).where(
        *_published_conditions(filters), *extra))


def _selection_condition(session: Session, filters: ClaimFilters, dimension: str,
                         value: str) -> ColumnElement[Any]:
    """The claims behind one bar of ``dimension`` (a Bar's ``key`` or a Week's start)."""
    if dimension == "rating":
        rating = col(Verdict.rating_id).is_(None) if value == "none" else (
            Verdict.rating_id == int(value))
        return col(Claim.id).in_(select(Verdict.claim_id).where(
            Verdict.status == Status.approved, rating))
    if dimension == "state":
        return Claim.state == value
    if dimension == "week":
        return _verdict_claims(filters, _week(session, Verdict.reviewed_at) == (
            value if _dialect(session) == "sqlite" else date.fromisoformat(value)))
    if dimension == "reviewer":
        return _verdict_claims(filters, col(Verdict.author_id).in_(
            select(User.id).where(User.name == value)))
    if dimension == "time":
        index, days = int(value), _days(session, Verdict.reviewed_at, Claim.created_at)
        low, high = BUCKETS[index - 1][0] if index > 0 else None, BUCKETS[index][0]
        return _verdict_claims(filters, Verdict.claim_id == Claim.id,
                               col(Verdict.corrects_id).is_(None),
                               *([] if low is None else [days >= low]),
                               *([] if high is None else [days < high]))
    if dimension in ("outlet", "claimant"):
        return (col(Claim.article_id).in_(select(Article.id).where(Article.outlet == value))
                if dimension == "outlet" else Claim.claimant == value)
    if dimension == "tag":
        return col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == value))
    if dimension == "repeated":
        return (Claim.repeat_of_id == int(value)) | (Claim.id == int(value))
    raise ValueError(f"unknown dimension {dimension!r}")


@dataclass(frozen=True)
class ClaimRef:
    id: int
    article_id: int | None
    statement: str
    claimant: str
    state: str
    created_at: datetime


def claims_for_selection(session: Session, actor: User, filters: ClaimFilters, dimension: str,
                         value: str, limit: int = 100) -> list[ClaimRef]:
    """The claims behind a clicked bar, newest first (at most ``limit``). Editors only."""
    require(actor, EDITORS, "see the dashboard")
    verdict_based = dimension in ("week", "reviewer", "time")
    query = (select(Claim.id, Claim.article_id, Claim.statement, Claim.claimant, Claim.state,
                    Claim.created_at)
             .where(_selection_condition(session, filters, dimension, value))
             .order_by(col(Claim.id).desc()).limit(limit))
    query = apply_filters(query, filters, dates=not verdict_based)
    return [ClaimRef(*row) for row in session.exec(query)]
