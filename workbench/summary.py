"""Dashboard summary rows: what each claim contributes to the figures, pre-counted.

Why: at 1,000,000 claims, aggregating every verdict per dashboard view took 6–11 s
(issue 9); summing pre-counted rows stays flat as the archive grows.

Each claim contributes *facts* (:func:`_fact_query`), keyed by the dimensions the charts
and filters need:

- ``claim``: its creation day, state, published rating, outlet and creator;
- ``tag`` / ``claimant`` / ``repeat``: one per tag, claimant, claim it repeats (day, state);
- ``approval``: per published verdict, the approval day, the claim's state and the
  time-to-verdict bucket, with first approvals and their seconds from claim creation;
- ``author``: per published verdict, its author.

Each of the last five also comes as a *detailed* twin (``tag+``, …, ``author+``) that
adds the claim's published rating, outlet and creator to the key: an unfiltered view
reads the small plain rows, a rating, outlet or reviewer filter reads the twin's rows
(at 1M claims the direct GROUP BY took 0.4–10 s of CPU for those filters, without an
index on the creator). A claim still touches one key per fact and twin.

``dashboard_count`` holds the sums per key twice: per day, and all time
(``day = ALL_TIME``), so an unfiltered view reads a few thousand rows and a date range
reads only its days (the ``tag+``, ``claimant+`` and ``repeat+`` twins are kept all
time only: :data:`ALL_TIME_ONLY`). :data:`CARRIES` says which filters each kind can
answer ("dates": a date range); a tag filter is answered by none (the figures are then
counted directly, driven from ``claim_tag``).

Kept exact in the writer's own transaction: every service that changes a claim locks it
with ``claims.get_claim(for_update=True)``, which calls :func:`touch` to remember the
claim's facts before the change; just before the commit the facts are read again and the
difference is added (a ``before_commit`` session hook). New claims: :func:`touch_new`;
bulk imports: :func:`add_claims`. Changes made behind the services' back (a plain SQL
UPDATE) need :func:`rebuild` (``workbench dashboard rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    bindparam,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from workbench.filters import ClaimFilters
from workbench.models import (
    Article,
    Claim,
    ClaimTag,
    DashboardCount,
    Rating,
    User,
    Verdict,
    VerdictStatus,
)

TABLE = DashboardCount.__table__  # type: ignore[attr-defined]
KEY = ("kind", "day", "state", "rating", "outlet", "creator", "value", "bucket")
SUMS = ("n", "first_n", "seconds")
#: The ``day`` of the all-time rows (no claim is that old).
ALL_TIME = date(1, 1, 1)
#: Which filters (``ClaimFilters`` fields) each kind's rows can answer besides dates.
DETAILED = ("tag", "claimant", "repeat", "approval", "author")
#: Twins kept all-time only: per day they were 2.9M of 5.3M rows at 1M claims.
ALL_TIME_ONLY = frozenset({"tag+", "claimant+", "repeat+"})
_EVERY = frozenset({"dates", "states", "rating", "outlet", "reviewer"})
CARRIES: dict[str, frozenset[str]] = {
    "claim": _EVERY,
    **{kind: frozenset({"dates", "states"}) for kind in DETAILED},
    **{f"{kind}+": _EVERY - ({"dates"} if f"{kind}+" in ALL_TIME_ONLY else set())
       for kind in DETAILED},
}
#: Upper bounds (days) of the time-to-verdict buckets; the last bucket is open.
BUCKET_DAYS = (1, 3, 7, 14, 30)
NO_RATING, UNRATED = 0, -1  # ``rating``: no published verdict / published without a rating
_PENDING = "dashboard_summary_before"

Facts = dict[tuple[Any, ...], list[int]]

_C, _V, _A, _T = (Claim.__table__, Verdict.__table__,  # type: ignore[attr-defined]
                  Article.__table__, ClaimTag.__table__)  # type: ignore[attr-defined]
PUBLISHED = (VerdictStatus.approved, VerdictStatus.superseded)


def _day(dialect: str, column: Any) -> Any:
    """The UTC calendar day of a timestamp column."""
    if dialect == "sqlite":
        return type_coerce(func.date(column), Date)
    return cast(func.timezone("UTC", column), Date)


def _seconds(dialect: str, later: Any, earlier: Any) -> Any:
    if dialect == "sqlite":
        return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400),
                    Integer)
    return cast(func.round(func.extract("epoch", later - earlier)), BigInteger)


def _fact_query(dialect: str, claim_ids: Sequence[int] | None) -> Any:
    """Every fact of the given claims (or all claims), summed per day and key."""
    c, v, a, t = _C, _V, _A, _T
    only = (lambda column: column.in_(claim_ids)) if claim_ids is not None else None
    rating = func.max(func.coalesce(v.c.rating_id, UNRATED))
    published = select(v.c.claim_id, rating.label("rating")).where(
        v.c.status == VerdictStatus.approved).group_by(v.c.claim_id)
    if only:
        published = published.where(only(v.c.claim_id))
    published = published.subquery()
    day = _day(dialect, c.c.created_at)
    zero, none, no_bucket = literal(0), literal(""), literal(-1)
    scope = [only(c.c.id)] if only else []

    def facts_of(kind: str, *key: Any, n: Any = None, first: Any = zero,
                 seconds: Any = zero) -> Any:
        """SELECT of one kind's facts: the KEY columns after ``kind``, then the SUMS."""
        sums = (func.count() if n is None else n, first, seconds)
        return select(literal(kind).label("kind"),
                      *[column.label(name) for name, column in zip(KEY[1:], key, strict=True)],
                      *[column.label(name) for name, column in zip(SUMS, sums, strict=True)])

    outlet = func.coalesce(a.c.outlet, "")
    rated = func.coalesce(published.c.rating, NO_RATING)
    creator = func.coalesce(c.c.created_by, 0)

    def detailed(claims: Any) -> Any:
        """``claims`` joined with what the detailed twins add (article, published rating)."""
        return (claims.outerjoin(a, a.c.id == c.c.article_id)
                .outerjoin(published, published.c.claim_id == c.c.id))

    def twins(kind: str, day: Any, value: Any, bucket: Any, source: Any, where: list[Any],
              **sums: Any) -> list[Any]:
        """The plain kind and its detailed twin (+ rating, outlet, creator)."""
        plain = [term for term in (day, c.c.state, value, bucket)  # constants: no grouping
                 if not isinstance(term, BindParameter)]
        full = (*plain, rated, outlet, creator)
        return [facts_of(kind, day, c.c.state, zero, none, zero, value, bucket, **sums)
                .select_from(source).where(*where, *scope).group_by(*plain),
                facts_of(f"{kind}+", day, c.c.state, rated, outlet, creator, value, bucket,
                         **sums).select_from(detailed(source)).where(*where, *scope)
                .group_by(*full)]

    claims = (facts_of("claim", day, c.c.state, rated, outlet, creator, none, no_bucket)
              .select_from(detailed(c))
              .where(*scope).group_by(day, c.c.state, rated, outlet, creator))
    tags = twins("tag", day, t.c.tag, no_bucket, c.join(t, t.c.claim_id == c.c.id), [])
    claimants = twins("claimant", day, c.c.claimant, no_bucket, c, [c.c.claimant != ""])
    repeats = twins("repeat", day, cast(c.c.repeat_of_id, String), no_bucket, c,
                    [c.c.repeat_of_id.is_not(None)])
    approved_day = _day(dialect, v.c.reviewed_at)
    first = v.c.corrects_id.is_(None)
    seconds = _seconds(dialect, v.c.reviewed_at, c.c.created_at)
    bucket = case((~first, literal(-1)),
                  *[(seconds < days * 86400, literal(i)) for i, days in enumerate(BUCKET_DAYS)],
                  else_=literal(len(BUCKET_DAYS)))
    published_verdicts = [v.c.status.in_(PUBLISHED), v.c.reviewed_at.is_not(None)]
    verdicts = v.join(c, c.c.id == v.c.claim_id)
    approvals = twins("approval", approved_day, none, bucket, verdicts, published_verdicts,
                      first=func.sum(case((first, 1), else_=0)),
                      seconds=func.sum(case((first, seconds), else_=0)))
    author = cast(func.coalesce(v.c.author_id, 0), String)
    authors = twins("author", approved_day, author, no_bucket, verdicts, published_verdicts)
    return union_all(claims, *tags, *claimants, *repeats, *approvals, *authors)


def facts(session: Session, claim_ids: Iterable[int]) -> Facts:
    """The summary contributions of ``claim_ids``: per-day keys and their all-time twins."""
    ids = sorted(set(claim_ids))
    found: Facts = {}
    dialect = session.get_bind().dialect.name
    for i in range(0, len(ids), 5000):
        for row in session.execute(_fact_query(dialect, ids[i:i + 5000])):
            key, sums = tuple(row[:len(KEY)]), row[len(KEY):]
            for day in (ALL_TIME,) if key[0] in ALL_TIME_ONLY else (key[1], ALL_TIME):
                total = found.setdefault((key[0], day, *key[2:]), [0, 0, 0])
                for j, value in enumerate(sums):
                    total[j] += int(value or 0)
    return found


def _apply(session: Session, before: Facts, after: Facts) -> None:
    """Add ``after - before`` to the summary; rows that reach zero are deleted. Keys are
    written in sorted order so concurrent writers lock rows in the same order."""
    delta = {}
    for key in sorted(before.keys() | after.keys(), key=repr):
        change = [b - a for a, b in zip(before.get(key, [0, 0, 0]), after.get(key, [0, 0, 0]),
                                        strict=True)]
        if any(change):
            delta[key] = change
    if not delta:
        return
    connection = session.connection()
    upsert = (sqlite_insert if connection.dialect.name == "sqlite" else pg_insert)(TABLE)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(KEY), set_={s: TABLE.c[s] + upsert.excluded[s] for s in SUMS})
    connection.execute(upsert, [dict(zip(KEY + SUMS, (*key, *change), strict=True))
                                for key, change in delta.items()])
    emptied = [{f"k_{k}": v for k, v in zip(KEY, key, strict=True)}
               for key, change in delta.items() if change[0] < 0]
    if emptied:
        connection.execute(delete(TABLE).where(
            *[TABLE.c[k] == bindparam(f"k_{k}") for k in KEY], TABLE.c.n <= 0), emptied)


def touch(session: Session, claim_id: int) -> None:
    """Remember ``claim_id``'s facts before this transaction changes it (first call wins)."""
    pending = session.info.setdefault(_PENDING, {})
    if claim_id not in pending:
        pending[claim_id] = facts(session, [claim_id])


def touch_new(session: Session, claim_id: int) -> None:
    """A claim created in this transaction: it contributed nothing before."""
    session.info.setdefault(_PENDING, {}).setdefault(claim_id, {})


def add_claims(session: Session, claim_ids: Sequence[int]) -> None:
    """Count claims just inserted in bulk (with their tags and verdicts)."""
    if claim_ids:
        _apply(session, {}, facts(session, claim_ids))


@event.listens_for(Session, "before_commit")
def _settle(session: Session) -> None:
    """Bring the summary up to date for every claim touched, inside the same transaction."""
    pending: dict[int, Facts] = session.info.pop(_PENDING, None) or {}
    if not pending:
        return
    before: Facts = {}
    for claim_facts in pending.values():
        for key, sums in claim_facts.items():
            total = before.setdefault(key, [0, 0, 0])
            for j, value in enumerate(sums):
                total[j] += value
    session.flush()
    _apply(session, before, facts(session, pending))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def rebuild(session: Session) -> int:
    """Recount every summary row from the claims and verdicts (in SQL); returns the rows.

    Run after changes made outside the services, or to check the summary
    (:func:`recount` compares without writing)."""
    dialect = session.get_bind().dialect.name
    session.execute(delete(TABLE))
    facts_query = _fact_query(dialect, None).subquery()
    session.execute(insert(TABLE).from_select(
        list(KEY + SUMS), select(*[facts_query.c[k] for k in KEY + SUMS])))
    rollup = [literal(ALL_TIME, Date) if k == "day" else TABLE.c[k] for k in KEY]
    session.execute(insert(TABLE).from_select(list(KEY + SUMS), select(
        *rollup, *[func.sum(TABLE.c[s]) for s in SUMS]).where(TABLE.c.day != ALL_TIME)
        .group_by(*[TABLE.c[k] for k in KEY if k != "day"])))
    session.execute(delete(TABLE).where(TABLE.c.kind.in_(ALL_TIME_ONLY), TABLE.c.day != ALL_TIME))
    return session.execute(select(func.count()).select_from(TABLE)).scalar_one()


def stored(session: Session) -> Facts:
    """Every summary row as ``{key: [n, first_n, seconds]}`` (for checks and tests)."""
    return {tuple(row[:len(KEY)]): list(row[len(KEY):])
            for row in session.execute(select(*[TABLE.c[k] for k in KEY + SUMS]))}


def recount(session: Session) -> Facts:
    """What the summary should hold, counted from scratch (nothing is written)."""
    every = session.execute(select(_C.c.id)).scalars().all()
    return {key: sums for key, sums in facts(session, every).items() if any(sums)}


class Reader:
    """Sums of the summary rows for one filter set; each method returns None when its
    rows do not carry every filter that is set (the caller then counts directly)."""

    def __init__(self, session: Session, filters: ClaimFilters) -> None:
        self.session, self.filters = session, filters
        self.needed = {name for name in ("states", "rating", "outlet", "reviewer", "tag")
                       if getattr(filters, name)} | ({"dates"} if filters.start or filters.end
                                                    else set())

    def kind(self, kind: str) -> str | None:
        """The rows of ``kind`` that answer the filters: plain, the detailed twin, or none."""
        return next((k for k in (kind, f"{kind}+") if k in CARRIES and self.needed <= CARRIES[k]),
                    None)

    def answers(self, kind: str) -> bool:
        return self.kind(kind) is not None

    def _where(self, kind: str, *, per_day: bool = False) -> list[Any]:
        filters, c = self.filters, TABLE.c
        where = [c.kind == kind]
        if filters.start or filters.end or per_day:
            where.append(c.day != ALL_TIME)
            if filters.start:
                where.append(c.day >= filters.start)
            if filters.end:
                where.append(c.day <= filters.end)
        else:
            where.append(c.day == ALL_TIME)
        if filters.states:
            where.append(c.state.in_(filters.states))
        if filters.rating:
            where.append(c.rating.in_(select(Rating.id).where(Rating.label == filters.rating)))
        if filters.outlet:
            where.append(c.outlet == filters.outlet)
        if filters.reviewer:
            where.append(c.creator.in_(select(User.id).where(User.name == filters.reviewer)))
        return where

    def claims(self) -> tuple[dict[int | None, int], dict[str, int], dict[str, int]] | None:
        """Published verdicts per rating id (None: without a rating), claims per state,
        claims per outlet."""
        if not self.answers("claim"):
            return None
        c = TABLE.c
        by_rating: dict[int | None, int] = {}
        by_state: dict[str, int] = {}
        by_outlet: dict[str, int] = {}
        for state, rating, outlet, n in self.session.execute(
                select(c.state, c.rating, c.outlet, func.sum(c.n)).where(*self._where("claim"))
                .group_by(c.state, c.rating, c.outlet)):
            by_state[state] = by_state.get(state, 0) + n
            if outlet:
                by_outlet[outlet] = by_outlet.get(outlet, 0) + n
            if rating != NO_RATING:
                key = None if rating == UNRATED else rating
                by_rating[key] = by_rating.get(key, 0) + n
        return by_rating, by_state, by_outlet

    def approvals(self) -> list[tuple[date, int, int, int, float]] | None:
        """(ISO week's Monday, bucket, approvals, first approvals, their summed days)."""
        kind = self.kind("approval")
        if kind is None:
            return None
        c = TABLE.c
        weeks: dict[tuple[date, int], list[int]] = {}
        for day, bucket, n, first, seconds in self.session.execute(
                select(c.day, c.bucket, func.sum(c.n), func.sum(c.first_n), func.sum(c.seconds))
                .where(*self._where(kind, per_day=True)).group_by(c.day, c.bucket)):
            day = day if isinstance(day, date) else date.fromisoformat(str(day))
            total = weeks.setdefault((day - timedelta(days=day.weekday()), bucket), [0, 0, 0])
            for j, value in enumerate((n, first, seconds)):
                total[j] += int(value or 0)
        return [(week, bucket, n, first, seconds / 86400)
                for (week, bucket), (n, first, seconds) in weeks.items()]

    def authors(self) -> dict[str, int] | None:
        """Published verdicts per author id (as text)."""
        kind = self.kind("author")
        if kind is None:
            return None
        c = TABLE.c
        return {value: int(n) for value, n in self.session.execute(
            select(c.value, func.sum(c.n)).where(*self._where(kind)).group_by(c.value))}

    def values(self, kind: str, limit: int) -> list[tuple[str, int]] | None:
        """The ``limit`` most frequent values of ``tag``/``claimant``/``repeat`` facts."""
        rows = self.kind(kind)
        if rows is None:
            return None
        c, n = TABLE.c, func.sum(TABLE.c.n)
        order = [func.length(c.value), c.value] if kind == "repeat" else [c.value]
        return [(value, int(count)) for value, count in self.session.execute(
            select(c.value, n).where(*self._where(rows)).group_by(c.value)
            .order_by(n.desc(), *order).limit(limit))]
