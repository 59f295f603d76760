"""Dashboard figures: summed from the pre-counted summary rows, or aggregated directly.

:func:`dashboard` (what the page calls; editors only) reads each figure from
:mod:`workbench.summary`'s rows when they carry every filter that is set (see
``summary_facts.CARRIES``): every figure with any mix of dates, states, rating, outlet
and reviewer, except the claimant, tag and repeat lists when a date range comes with
one of the last three; every figure under a tag filter alone or with states (and the
claim counts with a tag and a rating, outlet or reviewer). The rest (a tag with a date
range, the approval, reviewer and list figures for a tag with an outlet, reviewer or
rating) falls back to the direct GROUP BY over claims and verdicts (the per-figure
functions below), which stays exact but grows with the filtered set. Those figures read
the filtered claims' ids, listed once per dashboard through indexes (:class:`Narrowed`),
instead of testing every filter on the claim rows again for each figure.

Nothing here loads claim rows: each function returns at most a few dozen aggregate
rows. Two expressions differ per dialect (the week of a timestamp and the days
between two timestamps) and are built by :func:`_week` and :func:`_days`.

Claims are narrowed by :mod:`workbench.filters`, the definition the CSV report uses too,
so the claim total for a filter set equals the report's row count for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    Select,
    Table,
    case,
    cast,
    exists,
    func,
    literal,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlalchemy.schema import CreateTable, DropTable
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select as PairSelect

from workbench import ratings, summary
from workbench.filters import ClaimFilters, apply_filters, claim_conditions, day_bounds
from workbench.models import Article, Claim, ClaimState, ClaimTag, Rating, User, Verdict
from workbench.models import VerdictStatus as Status
from workbench.permissions import EDITORS, require
from workbench.sql import select_columns

TOP_N = 15
#: Upper bounds (days) of the time-to-verdict histogram buckets; the last is open.
BUCKETS = (
    (1, "< 1 day"),
    (3, "1–3 days"),
    (7, "3–7 days"),
    (14, "1–2 weeks"),
    (30, "2–4 weeks"),
    (None, "> 4 weeks"),
)
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
    conditions: list[ColumnElement[Any]] = [
        col(Verdict.status).in_(PUBLISHED),
        col(Verdict.reviewed_at).is_not(None),
    ]
    if low is not None:
        conditions.append(col(Verdict.reviewed_at) >= low)
    if high is not None:
        conditions.append(col(Verdict.reviewed_at) < high)
    return conditions


Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


class Scope:
    """Which claims a directly counted figure counts: ``filters`` as conditions on each
    query (:mod:`workbench.filters`' definition, the CSV report's). The reference the
    tests and the benchmark compare :class:`Narrowed` with."""

    def __init__(self, filters: ClaimFilters) -> None:
        self.filters = filters

    def claims(self, query: Q, column: Any = None) -> Q:
        """``query`` (which selects from or joins Claim) narrowed to the filtered claims;
        ``column`` (a claim id column) is what :class:`Narrowed` matches."""
        return apply_filters(query, self.filters)

    def approved(self, query: Q) -> Q:
        """``query`` (verdicts joined to Claim) narrowed to the claims whose approvals
        count: every filter but the dates, which apply to the approval instead."""
        return apply_filters(query, self.filters, dates=False)

    def needs_claim_join(self) -> bool:
        return bool(claim_conditions(self.filters))


def _scope(filters: ClaimFilters | Scope) -> Scope:
    return filters if isinstance(filters, Scope) else Scope(filters)


def _id_table(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        prefixes=["TEMPORARY"],
    )


_CLAIM_IDS, _APPROVED_IDS = _id_table("dashboard_claim_ids"), _id_table("dashboard_approved_ids")
#: The ``ClaimFilters`` fields behind each filter name.
_FIELDS = {
    "outlet": ("outlet",),
    "reviewer": ("reviewer",),
    "dates": ("start", "end"),
    "states": ("states",),
    "tag": ("tag",),
    "rating": ("rating",),
}
#: Filters an index on the claim row answers with the claim id (no claim row read), in
#: the order tried for the driving set of :func:`_narrowing`.
_CLAIM_INDEXED = ("outlet", "reviewer", "dates", "states")


class Narrowed(Scope):
    """The filtered claims' ids, listed once per dashboard in a temporary table that
    every directly counted figure reads (:func:`narrowed`).

    Why: with a tag beside an outlet, reviewer, rating or date range, each figure's
    ``claim.id IN (tag's claims) AND …`` read the claim row of every claim with the tag to
    test the other filters (the most used tag's claims sit on nearly every page of the
    claim table), about 1 s per figure at 1M claims. :func:`_narrowing` intersects the
    filters through indexes that hold the claim id, and reads claim rows only for
    what is left; the figures then join that short list.
    """

    def __init__(self, session: Session, filters: ClaimFilters) -> None:
        super().__init__(filters)
        self.session = session
        self.made: list[Table] = []

    def _listed(self, table: Table, ids: Select) -> Table:
        if table not in self.made:
            connection = self.session.connection()
            connection.execute(DropTable(table, if_exists=True))
            connection.execute(CreateTable(table))
            # a claim can come twice (two approvals in the range); DISTINCT made SQLite
            # walk the whole verdict table in claim order instead. Every id query has a
            # WHERE: SQLite would read ON CONFLICT after a bare FROM as a join's ON
            inserting = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
            connection.execute(inserting(table).from_select(["id"], ids).on_conflict_do_nothing())
            if connection.dialect.name == "postgresql":
                _plan_lookups_by_id(connection, table)
            self.made.append(table)
        return table

    def claims(self, query: Q, column: Any = None) -> Q:
        table = self._listed(_CLAIM_IDS, _narrowing(self.filters))
        return query.where(col(Claim.id if column is None else column).in_(select(table.c.id)))

    def approved(self, query: Q) -> Q:
        if not (self.filters.start or self.filters.end):
            return self.claims(query)
        table = self._listed(_APPROVED_IDS, _narrowing(self.filters, approved=True))
        return query.where(col(Claim.id).in_(select(table.c.id)))

    def needs_claim_join(self) -> bool:
        return False

    def close(self) -> None:
        for table in self.made:
            self.session.connection().execute(DropTable(table))
        self.made.clear()


def _plan_lookups_by_id(connection: Connection, table: Table) -> None:
    """Let PostgreSQL look the listed claims up by id rather than read every claim.

    Autovacuum never analyses a temporary table, so the planner does not know how few ids
    it holds; and with the default ``random_page_cost`` (4, priced for spinning disks) it
    judged 14,785 primary-key look-ups dearer than reading all 1,000,000 claims: the top
    claimants of the most used tag with a rating took 580 ms, 112 ms with the table
    analysed and the cost at 1.1 (the usual value for SSDs). ``SET LOCAL`` ends with the
    dashboard's transaction."""
    name = connection.dialect.identifier_preparer.quote(table.name)
    connection.execute(text(f"ANALYZE {name}"))
    connection.execute(text("SET LOCAL random_page_cost = 1.1"))


@contextmanager
def narrowed(session: Session, filters: ClaimFilters) -> Iterator[Narrowed]:
    """A :class:`Narrowed` scope whose tables are dropped afterwards (after an error the
    transaction's rollback drops them; the next one replaces any left over)."""
    scope = Narrowed(session, filters)
    yield scope
    scope.close()


def _only(filters: ClaimFilters, *names: str) -> ClaimFilters:
    return ClaimFilters(
        **{field: getattr(filters, field) for name in names for field in _FIELDS[name]}
    )


def _without(filters: ClaimFilters, *names: str) -> ClaimFilters:
    return replace(
        filters,
        **{
            field: getattr(ClaimFilters(), field)
            for name in names
            for field in _FIELDS.get(name, ())
        },
    )


def _driver(filters: ClaimFilters, approved: bool) -> tuple[Select, Any, str]:
    """The set :func:`_narrowing` starts from, read from one index alone: (query, its
    claim id column, the filter it answers)."""
    if approved:
        return (
            select(Verdict.claim_id).where(*_published_conditions(filters)),
            Verdict.claim_id,
            "dates",
        )
    indexed = [name for name in _CLAIM_INDEXED if _only(filters, name) != ClaimFilters()]
    if indexed:
        return apply_filters(select(Claim.id), _only(filters, indexed[0])), Claim.id, indexed[0]
    if filters.rating:
        return (
            select(Verdict.claim_id).where(
                Verdict.status == Status.approved,
                col(Verdict.rating_id).in_(select(Rating.id).where(Rating.label == filters.rating)),
            ),
            Verdict.claim_id,
            "rating",
        )
    if filters.tag:
        return (
            select(ClaimTag.claim_id).where(ClaimTag.tag == filters.tag),
            ClaimTag.claim_id,
            "tag",
        )
    return select(Claim.id).where(true()), Claim.id, ""  # WHERE: see Narrowed._listed


def _narrowing(filters: ClaimFilters, *, approved: bool = False) -> Select:
    """The ids of the claims ``filters`` select (``approved``: those with an approval in
    the date range that match the other filters), cheapest test first: a driving set
    read from one index alone (:func:`_driver`); the tag and the rating tested on the
    (claim id, tag) and (status, rating, claim id) indexes; the remaining filters on the
    claim rows of what is left."""
    ids, column, answered = _driver(filters, approved)
    tag, verdict = aliased(ClaimTag), aliased(Verdict)
    if filters.tag and answered != "tag":
        ids = ids.where(exists().where(col(tag.claim_id) == column, col(tag.tag) == filters.tag))
    if filters.rating and answered != "rating":
        ids = ids.where(
            exists().where(
                col(verdict.claim_id) == column,
                col(verdict.status) == Status.approved,
                col(verdict.rating_id).in_(select(Rating.id).where(Rating.label == filters.rating)),
            )
        )
    rest = claim_conditions(_without(filters, "tag", "rating", answered), dates=not approved)
    if not rest:
        return ids
    if column is Claim.id:
        # Driven by the claim table itself: one scan. PostgreSQL did not merge the
        # ``claim.id IN (SELECT claim.id …)`` form and read every claim (outlet + 90 days
        # at 1M claims: 518 ms for this statement, 108 ms so).
        return ids.where(*rest)
    return select(Claim.id).where(col(Claim.id).in_(ids), *rest)


Filtered = ClaimFilters | Scope


def verdict_distribution(session: Session, filters: Filtered) -> list[Bar]:
    """Current (approved) verdicts per rating, in scale order; the default scale's empty
    ratings are kept as zero bars so the scale always reads the same way."""
    query = (
        select(col(Verdict.rating_id), func.count())
        .join(Claim, col(Claim.id) == Verdict.claim_id)
        .where(Verdict.status == Status.approved)
        .group_by(col(Verdict.rating_id))
    )
    return _rating_bars(session, dict(session.exec(_scope(filters).claims(query)).all()))


def _rating_bars(session: Session, counts: dict[int | None, int]) -> list[Bar]:
    default_id = next((s.id for s in ratings.list_scales(session) if s.is_default), None)
    shown = session.exec(
        select(Rating)
        .where(
            (col(Rating.id).in_([k for k in counts if k is not None]))
            | (Rating.scale_id == default_id)
        )
        .order_by(col(Rating.scale_id) != default_id, col(Rating.scale_id), col(Rating.position))
    )
    bars = [Bar(r.label, str(r.id), counts.get(r.id, 0), r.colour) for r in shown]
    if counts.get(None):
        bars.append(Bar(NO_RATING, "none", counts[None], "#888888"))
    return bars


def claims_by_state(session: Session, filters: Filtered) -> list[Bar]:
    """Claims per workflow state, in workflow order (zero states kept)."""
    query = select(Claim.state, func.count()).group_by(Claim.state)
    return _state_bars(dict(session.exec(_scope(filters).claims(query)).all()))


def _state_bars(counts: dict[str, int]) -> list[Bar]:
    return [
        Bar(state.value.replace("_", " "), state.value, counts.get(state.value, 0))
        for state in ClaimState
    ]


def _approvals(session: Session, filters: Filtered) -> list[tuple[Any, ...]]:
    """(week, bucket, approvals, first approvals, their summed days) in one pass over the
    approvals: throughput and time-to-verdict share it (bucket -1: corrections)."""
    scope = _scope(filters)
    first_days = case(
        (col(Verdict.corrects_id).is_(None), _days(session, Verdict.reviewed_at, Claim.created_at))
    )
    inner = (
        select(_week(session, Verdict.reviewed_at).label("week"), first_days.label("days"))
        .join(Claim, col(Claim.id) == Verdict.claim_id)
        .where(*_published_conditions(scope.filters))
    )
    sub = scope.approved(inner).subquery()
    bucket = case(
        (sub.c.days.is_(None), literal(-1)),
        *[
            (sub.c.days < bound, literal(i))
            for i, (bound, _) in enumerate(BUCKETS)
            if bound is not None
        ],
        else_=literal(len(BUCKETS) - 1),
    ).label("bucket")
    return list(
        session.exec(
            select_columns(
                sub.c.week, bucket, func.count(), func.count(sub.c.days), func.sum(sub.c.days)
            ).group_by(sub.c.week, bucket)
        )
    )


def _weeks(rows: list[tuple[Any, ...]]) -> list[Week]:
    totals: dict[Any, list[float]] = {}
    for week, _bucket, n, first, days in rows:
        total = totals.setdefault(week, [0, 0, 0.0])
        total[0] += n
        total[1] += first
        total[2] += float(days or 0)
    return [
        Week(_as_date(w), int(n), round(days / first, 2) if first else None)
        for w, (n, first, days) in sorted(totals.items(), key=lambda kv: _as_date(kv[0]))
    ]


def _histogram(rows: list[tuple[Any, ...]]) -> list[Bar]:
    counts = [0] * len(BUCKETS)
    for _week, bucket, _n, first, _days in rows:
        if bucket >= 0:
            counts[bucket] += first
    return [Bar(label, str(i), counts[i]) for i, (_, label) in enumerate(BUCKETS)]


def throughput_weekly(session: Session, filters: Filtered) -> list[Week]:
    """Approvals per ISO week, with the mean days from claim creation to a first approval."""
    return _weeks(_approvals(session, filters))


def throughput_by_reviewer(session: Session, filters: Filtered, limit: int = TOP_N) -> list[Bar]:
    """Approved verdicts per author (the fact-checker who proposed them)."""
    scope = _scope(filters)
    query = (
        select(User.name, func.count().label("n"))
        .join(Verdict, col(Verdict.author_id) == User.id)
        .join(Claim, col(Claim.id) == Verdict.claim_id)
        .where(*_published_conditions(scope.filters))
        .group_by(User.name)
        .order_by(func.count().desc(), User.name)
        .limit(limit)
    )
    return [Bar(name, name, n) for name, n in session.exec(scope.approved(query))]


def time_to_verdict(session: Session, filters: Filtered) -> list[Bar]:
    """Histogram of days from claim creation to its first approved verdict."""
    return _histogram(_approvals(session, filters))


def _top(
    session: Session, query: PairSelect[Any, int], filters: Filtered, column: Any = None
) -> list[Bar]:
    return [Bar(str(v), str(v), n) for v, n in session.exec(_scope(filters).claims(query, column))]


def top_outlets(session: Session, filters: Filtered, limit: int = TOP_N) -> list[Bar]:
    n = func.count(col(Claim.id))
    return _top(
        session,
        select(Article.outlet, n)
        .join(Article, col(Article.id) == Claim.article_id)
        .where(Article.outlet != "")
        .group_by(Article.outlet)
        .order_by(n.desc(), Article.outlet)
        .limit(limit),
        filters,
    )


def top_claimants(session: Session, filters: Filtered, limit: int = TOP_N) -> list[Bar]:
    n = func.count(col(Claim.id))
    return _top(
        session,
        select(Claim.claimant, n)
        .where(Claim.claimant != "")
        .group_by(Claim.claimant)
        .order_by(n.desc(), Claim.claimant)
        .limit(limit),
        filters,
    )


def top_tags(session: Session, filters: Filtered, limit: int = TOP_N) -> list[Bar]:
    n, scope = func.count(), _scope(filters)
    query = select(ClaimTag.tag, n).group_by(ClaimTag.tag).order_by(n.desc(), ClaimTag.tag)
    if scope.needs_claim_join():
        query = query.join(Claim, col(Claim.id) == ClaimTag.claim_id)
    return _top(session, query.limit(limit), scope, ClaimTag.claim_id)


def most_repeated(session: Session, filters: Filtered, limit: int = TOP_N) -> list[Bar]:
    """Claims that later claims were marked as repeating, most repeated first."""
    n = func.count(col(Claim.id))
    repeats = (
        select(Claim.repeat_of_id, n)
        .where(col(Claim.repeat_of_id).is_not(None))
        .group_by(col(Claim.repeat_of_id))
        .order_by(n.desc(), col(Claim.repeat_of_id))
        .limit(limit)
    )
    return _repeated(
        session, [(str(cid), n) for cid, n in session.exec(_scope(filters).claims(repeats))]
    )


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
    small queries), else the direct GROUP BY per figure over the filtered claims listed
    once (:class:`Narrowed`). Editors only."""
    require(actor, EDITORS, "see the dashboard")
    with narrowed(session, filters) as scope:
        return _figures(session, summary.Reader(session, filters), scope)


def _figures(session: Session, read: summary.Reader, scope: Narrowed) -> Dashboard:
    summed = read.claims()
    if summed is None:
        claims = (
            verdict_distribution(session, scope),
            claims_by_state(session, scope),
            top_outlets(session, scope),
        )
    else:
        by_rating, by_state, by_outlet = summed
        claims = (
            _rating_bars(session, by_rating),
            _state_bars(by_state),
            _top_bars(by_outlet, TOP_N),
        )
    approvals = read.approvals()
    if approvals is None:
        approvals = _approvals(session, scope)
    reviewers = read.authors()
    return Dashboard(
        claims[0],
        claims[1],
        _weeks(approvals),
        throughput_by_reviewer(session, scope)
        if reviewers is None
        else _top_bars(_author_names(session, reviewers), TOP_N),
        _histogram(approvals),
        claims[2],
        _summed_or(read.values("claimant", TOP_N), top_claimants, session, scope),
        _summed_or(read.values("tag", TOP_N), top_tags, session, scope),
        _repeated(session, read.values("repeat", TOP_N))
        if read.answers("repeat")
        else most_repeated(session, scope),
    )


def _top_bars(counts: dict[str, int], limit: int) -> list[Bar]:
    """Most first, ties by name."""
    ranked = sorted(((n, name) for name, n in counts.items() if n), key=lambda x: (-x[0], x[1]))
    return [Bar(name, name, n) for n, name in ranked[:limit]]


def _summed_or(
    counts: list[tuple[str, int]] | None, direct: Any, session: Session, filters: Filtered
) -> list[Bar]:
    if counts is None:
        return direct(session, filters)
    return [Bar(value, value, n) for value, n in counts]


def _author_names(session: Session, counts: dict[str, int]) -> dict[str, int]:
    ids = [int(author) for author in counts if author != "0"]
    names = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(ids))).all())
    return {names[int(a)]: n for a, n in counts.items() if int(a) in names}


def _repeated(session: Session, counted: list[tuple[str, int]] | None) -> list[Bar]:
    pairs = [(int(cid), n) for cid, n in counted or []]
    names = (
        dict(
            session.exec(
                select(Claim.id, Claim.statement).where(
                    col(Claim.id).in_([cid for cid, _ in pairs])
                )
            ).all()
        )
        if pairs
        else {}
    )
    return [Bar(f"#{cid} {(names.get(cid) or '')[:60]}", str(cid), n) for cid, n in pairs]


def _verdict_claims(filters: ClaimFilters, *extra: ColumnElement[Any]) -> ColumnElement[Any]:
    return col(Claim.id).in_(
        select(Verdict.claim_id).where(*_published_conditions(filters), *extra)
    )


def _selection_condition(
    session: Session, filters: ClaimFilters, dimension: str, value: str
) -> ColumnElement[Any]:
    """The claims behind one bar of ``dimension`` (a Bar's ``key`` or a Week's start)."""
    if dimension == "rating":
        rating = (
            col(Verdict.rating_id).is_(None)
            if value == "none"
            else (Verdict.rating_id == int(value))
        )
        return col(Claim.id).in_(
            select(Verdict.claim_id).where(Verdict.status == Status.approved, rating)
        )
    if dimension == "state":
        return col(Claim.state) == value
    if dimension == "week":
        return _verdict_claims(
            filters,
            _week(session, Verdict.reviewed_at)
            == (value if _dialect(session) == "sqlite" else date.fromisoformat(value)),
        )
    if dimension == "reviewer":
        return _verdict_claims(
            filters, col(Verdict.author_id).in_(select(User.id).where(User.name == value))
        )
    if dimension == "time":
        index, days = int(value), _days(session, Verdict.reviewed_at, Claim.created_at)
        low, high = BUCKETS[index - 1][0] if index > 0 else None, BUCKETS[index][0]
        return _verdict_claims(
            filters,
            col(Verdict.claim_id) == Claim.id,
            col(Verdict.corrects_id).is_(None),
            *([] if low is None else [days >= low]),
            *([] if high is None else [days < high]),
        )
    if dimension in ("outlet", "claimant"):
        return (
            col(Claim.article_id).in_(select(Article.id).where(Article.outlet == value))
            if dimension == "outlet"
            else col(Claim.claimant) == value
        )
    if dimension == "tag":
        return col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == value))
    if dimension == "repeated":
        return (col(Claim.repeat_of_id) == int(value)) | (col(Claim.id) == int(value))
    raise ValueError(f"unknown dimension {dimension!r}")


@dataclass(frozen=True)
class ClaimRef:
    id: int
    article_id: int | None
    statement: str
    claimant: str
    state: str
    created_at: datetime


def claims_for_selection(
    session: Session,
    actor: User,
    filters: ClaimFilters,
    dimension: str,
    value: str,
    limit: int = 100,
) -> list[ClaimRef]:
    """The claims behind a clicked bar, newest first (at most ``limit``). Editors only."""
    require(actor, EDITORS, "see the dashboard")
    verdict_based = dimension in ("week", "reviewer", "time")
    query = (
        select_columns(
            Claim.id,
            Claim.article_id,
            Claim.statement,
            Claim.claimant,
            Claim.state,
            Claim.created_at,
        )
        .where(_selection_condition(session, filters, dimension, value))
        .order_by(col(Claim.id).desc())
        .limit(limit)
    )
    query = apply_filters(query, filters, dates=not verdict_based)
    return [ClaimRef(*row) for row in session.exec(query)]


#: Every figure counted directly (one GROUP BY over claims and verdicts each), in the order
#: of :class:`Dashboard`'s fields: the reference the summary rows are checked against
#: (tests) and measured beside (benchmarks/dashboard_bench.py).
DIRECT_FIGURES = (
    verdict_distribution,
    claims_by_state,
    throughput_weekly,
    throughput_by_reviewer,
    time_to_verdict,
    top_outlets,
    top_claimants,
    top_tags,
    most_repeated,
)
