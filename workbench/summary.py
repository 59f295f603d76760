"""Dashboard summary rows: what each claim contributes to the figures, pre-counted.

Why: at 1,000,000 claims, aggregating every verdict per dashboard view took 6–11 s
(issue 9); summing pre-counted rows stays flat as the archive grows.

Each claim contributes *facts* (:func:`workbench.summary_facts.fact_query`), keyed by
the dimensions the charts and filters need:

- ``claim``: its creation day, state, published rating, outlet and creator;
- ``tag`` / ``claimant`` / ``repeat``: one per tag, claimant, claim it repeats (day, state);
- ``approval``: per published verdict, the approval day, the claim's state and the
  time-to-verdict bucket, with first approvals and their seconds from claim creation;
- ``author``: per published verdict, its author.

Each of the last five also comes as a *detailed* twin (``tag+``, …, ``author+``) that
adds the claim's published rating, outlet and creator to the key, and as a *tag-keyed*
twin (``tag#``, …, ``author#``) that adds one of the claim's tags in the ``tag`` column
(a claim with three tags counts once under each; ``claim#`` is detailed as well). An
unfiltered view reads the small plain rows, a rating, outlet or reviewer filter the
detailed ones, a tag filter the tag-keyed ones (directly, at 1M claims, those filters
took 0.4–10 s of CPU; the most used tag 7.4 s). A claim touches one key per fact and twin.

``dashboard_count`` holds the sums per key twice: per day, and all time
(``day = ALL_TIME``), so an unfiltered view reads a few thousand rows and a date range
reads only its days. Kinds whose rows per day would number about one per fact are kept
all time only (:data:`ALL_TIME_ONLY`; per day the plain twins alone were 2.9M of 5.3M
rows at 1M claims), and ``approval#`` per ISO week (:data:`WEEKLY`: the charts count
weeks). :data:`CARRIES` says which filters each kind answers ("dates": a date range);
what no kind answers (a tag with a date range or with an outlet, say, for some figures)
is counted directly by :mod:`workbench.dashboard`. The indexes on (kind, outlet | creator
| tag, day) find one outlet's, reviewer's or tag's rows without reading the others.

Kept exact in the writer's own transaction: every service that changes a claim locks it
with ``claims.get_claim(for_update=True)``, which calls :func:`touch` to remember the
claim's facts before the change; just before the commit the facts are read again and the
difference is added (a ``before_commit`` session hook). New claims: :func:`touch_new`;
bulk imports: :func:`add_claims`, counted in SQL. Changes made behind the services' back
(a plain SQL UPDATE) need :func:`rebuild` (``workbench dashboard rebuild``).

Every transaction that changes the rows also adds 1 to the :data:`GENERATION` row
(:func:`generation`): a cheap "have the figures changed?" for caches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache, partial
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlmodel import col

from workbench.filters import ClaimFilters
from workbench.models import DashboardCount, Rating, User
from workbench.sql import table_of
from workbench.summary_facts import (
    ALL_TIME,
    ALL_TIME_ONLY,
    CARRIES,
    KEY,
    NO_RATING,
    SUMS,
    UNRATED,
    Scope,
    fact_query,
    with_all_time,
)

TABLE = table_of(DashboardCount)
#: The row counting the transactions that changed the summary (its ``n``).
GENERATION = ("generation", ALL_TIME, "", 0, "", 0, "", -1, "")
_PENDING = "dashboard_summary_before"

Facts = dict[tuple[Any, ...], list[int]]


def _count_in_sql(session: Session, scope: Scope | None, *, add: bool) -> None:
    """Insert the summary rows of the claims in ``scope`` (``add``: into existing rows)."""
    connection = session.connection()
    rows = with_all_time(fact_query(connection.dialect.name, scope).cte("facts"))
    columns = select(*rows.c).where(true())  # SQLite: WHERE avoids an upsert parse ambiguity
    if not add:
        connection.execute(insert(TABLE).from_select(list(KEY + SUMS), columns))
        return
    upsert = (sqlite_insert if connection.dialect.name == "sqlite" else pg_insert)(TABLE)
    upsert = upsert.from_select(list(KEY + SUMS), columns)
    connection.execute(
        upsert.on_conflict_do_update(
            index_elements=list(KEY), set_={s: TABLE.c[s] + upsert.excluded[s] for s in SUMS}
        )
    )


def _scopes(claim_ids: Iterable[int], run: int = 100, chunk: int = 5000) -> list[Scope]:
    """Conditions covering ``claim_ids``: one BETWEEN per run of at least ``run``
    consecutive ids (an import's fresh ids are one run), IN lists for the rest."""
    runs: list[list[int]] = []
    for claim_id in sorted(set(claim_ids)):
        if runs and claim_id == runs[-1][1] + 1:
            runs[-1][1] = claim_id
        else:
            runs.append([claim_id, claim_id])
    scopes: list[Scope] = [
        partial(_between, low, high) for low, high in runs if high - low + 1 >= run
    ]
    rest = [i for low, high in runs if high - low + 1 < run for i in range(low, high + 1)]
    scopes += [partial(_among, rest[i : i + chunk]) for i in range(0, len(rest), chunk)]
    return scopes


def _between(low: int, high: int, column: Any) -> ColumnElement[bool]:
    return column.between(low, high)


def _among(ids: list[int], column: Any) -> ColumnElement[bool]:
    return column.in_(ids)


#: Up to this many claims (every save) use one prepared statement (:func:`_facts_of_few`).
FEW = 100


@cache
def _facts_of_few(dialect: str) -> Any:
    """The fact query over an expanding ``ids`` parameter, built once per dialect. Every
    save counts its claim's facts twice (before and after); building the 17-part union
    each time cost about 15 ms, and a reused statement also reuses its compiled SQL."""
    return fact_query(dialect, lambda column: column.in_(bindparam("ids", expanding=True)))


def facts(session: Session, claim_ids: Iterable[int] | None) -> Facts:
    """The summary contributions of ``claim_ids`` (None: every claim): per-day keys and
    their all-time twins, ``{key: [n, first_n, seconds]}``."""
    found: Facts = {}
    dialect = session.get_bind().dialect.name
    ids = None if claim_ids is None else sorted(set(claim_ids))
    if ids is not None and len(ids) <= FEW:
        queries = [(_facts_of_few(dialect), {"ids": ids})]
    else:
        queries = [
            (fact_query(dialect, scope), {}) for scope in ([None] if ids is None else _scopes(ids))
        ]
    for query, parameters in queries:
        for row in session.execute(query, parameters):
            key, sums = tuple(row[: len(KEY)]), row[len(KEY) :]
            for day in (ALL_TIME,) if key[0] in ALL_TIME_ONLY else (key[1], ALL_TIME):
                total = found.setdefault((key[0], day, *key[2:]), [0, 0, 0])
                for j, value in enumerate(sums):
                    total[j] += int(value or 0)
    return found


#: What the fact query reads of each table: all a scratch copy of new rows needs.
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "article": ("id", "outlet"),
    "claim": ("id", "article_id", "state", "claimant", "repeat_of_id", "created_by", "created_at"),
    "claim_tag": ("claim_id", "tag"),
    "verdict": ("claim_id", "rating_id", "status", "reviewed_at", "corrects_id", "author_id"),
}
#: Rows as SQLite stores them, per table: (column names, rows).
StoredRows = Mapping[str, tuple[Sequence[str], Sequence[tuple[Any, ...]]]]


def facts_apart(rows: StoredRows) -> Facts:
    """The summary contributions of rows not written yet (values as SQLite stores them),
    counted by the same fact query in a scratch in-memory database that holds only the
    columns the query reads.

    Why: counted in the database, an import's 100,000 claims took about 9 s of its write
    lock, and every colleague's save waits for that lock on SQLite; counted apart before
    the lock, the lock only adds the sums (:func:`add_facts`). ``rows`` must hold every
    article the claims name (for its outlet), stored or new."""
    scratch = create_engine("sqlite://")
    try:
        with Session(scratch) as session:
            connection = session.connection()
            for table, needed in FACT_COLUMNS.items():
                columns, data = rows.get(table, (needed, []))
                picks = [list(columns).index(name) for name in needed]
                connection.exec_driver_sql(f'CREATE TABLE "{table}" ({", ".join(needed)})')
                if data:
                    connection.exec_driver_sql(
                        f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(needed))})',  # noqa: S608
                        [tuple(row[i] for i in picks) for row in data],
                    )
            return facts(session, None)
    finally:
        scratch.dispose()


def add_facts(session: Session, counted: Facts) -> None:
    """Add facts counted apart (:func:`facts_apart`) for claims this transaction inserted."""
    _write(session, counted)


def _apply(session: Session, before: Facts, after: Facts) -> None:
    """Add ``after - before`` to the summary (and 1 to the generation)."""
    delta = {}
    for key in before.keys() | after.keys():
        change = [
            b - a
            for a, b in zip(before.get(key, [0, 0, 0]), after.get(key, [0, 0, 0]), strict=True)
        ]
        if any(change):
            delta[key] = change
    if delta:
        _write(session, delta)


def _write(session: Session, delta: Facts) -> None:
    """Add 1 to the generation, then each change to its row; rows that reach zero are
    deleted. The generation row goes first: every transaction that changes the summary
    takes its lock before any other row's, so on PostgreSQL concurrent writers queue
    there instead of deadlocking over rows locked in different orders."""
    connection = session.connection()
    upsert = (sqlite_insert if connection.dialect.name == "sqlite" else pg_insert)(TABLE)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(KEY), set_={s: TABLE.c[s] + upsert.excluded[s] for s in SUMS}
    )
    for rows in ({GENERATION: [1, 0, 0]}, delta):
        if rows:
            connection.execute(
                upsert,
                [dict(zip(KEY + SUMS, (*key, *sums), strict=True)) for key, sums in rows.items()],
            )
    emptied = [
        {f"k_{k}": v for k, v in zip(KEY, key, strict=True)}
        for key, sums in delta.items()
        if sums[0] < 0
    ]
    if emptied:
        connection.execute(
            delete(TABLE).where(*[TABLE.c[k] == bindparam(f"k_{k}") for k in KEY], TABLE.c.n <= 0),
            emptied,
        )


def generation(session: Session) -> int:
    """How many transactions have changed the summary: equal numbers, equal figures."""
    return (
        session.execute(
            select(TABLE.c.n).where(
                *[TABLE.c[k] == v for k, v in zip(KEY, GENERATION, strict=True)]
            )
        ).scalar()
        or 0
    )


def touch(session: Session, claim_id: int) -> None:
    """Remember ``claim_id``'s facts before this transaction changes it (first call wins)."""
    pending = session.info.setdefault(_PENDING, {})
    if claim_id not in pending:
        pending[claim_id] = facts(session, [claim_id])


def touch_new(session: Session, claim_id: int) -> None:
    """A claim created in this transaction: it contributed nothing before."""
    session.info.setdefault(_PENDING, {}).setdefault(claim_id, {})


def add_claims(session: Session, claim_ids: Sequence[int]) -> None:
    """Count claims just inserted in bulk (with their tags and verdicts), in SQL: an
    import's ids are one BETWEEN range (100k claims: 5 s of Python folding before)."""
    if claim_ids:
        _write(session, {})  # the generation first (see _write)
        for scope in _scopes(claim_ids):
            _count_in_sql(session, scope, add=True)


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
    _write(session, {})  # the generation first (see _write)
    session.execute(delete(TABLE).where(TABLE.c.kind != GENERATION[0]))
    _count_in_sql(session, None, add=False)
    return session.execute(
        select(func.count()).select_from(TABLE).where(TABLE.c.kind != GENERATION[0])
    ).scalar_one()


def stored(session: Session) -> Facts:
    """Every summary row as ``{key: [n, first_n, seconds]}`` (for checks and tests)."""
    return {
        tuple(row[: len(KEY)]): list(row[len(KEY) :])
        for row in session.execute(
            select(*[TABLE.c[k] for k in KEY + SUMS]).where(TABLE.c.kind != GENERATION[0])
        )
    }


def recount(session: Session) -> Facts:
    """What the summary should hold, counted from scratch (nothing is written)."""
    return {key: sums for key, sums in facts(session, None).items() if any(sums)}


class Reader:
    """Sums of the summary rows for one filter set; each method returns None when its
    rows do not carry every filter that is set (the caller then counts directly)."""

    def __init__(self, session: Session, filters: ClaimFilters) -> None:
        self.session, self.filters = session, filters
        self.needed = {
            name
            for name in ("states", "rating", "outlet", "reviewer", "tag", "assignee")
            if getattr(filters, name)
        } | ({"dates"} if filters.start or filters.end else set())

    def kind(self, base: str) -> str | None:
        """The kind of ``base`` whose rows answer the filters, the smallest first (plain,
        detailed, tag-keyed), or None."""
        return next(
            (
                kind
                for kind in (base, f"{base}+", f"{base}#")
                if kind in CARRIES and self.needed <= CARRIES[kind]
            ),
            None,
        )

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
            where.append(
                c.rating.in_(select(col(Rating.id)).where(col(Rating.label) == filters.rating))
            )
        if filters.outlet:
            where.append(c.outlet == filters.outlet)
        if filters.reviewer:
            where.append(
                c.creator.in_(select(col(User.id)).where(col(User.name) == filters.reviewer))
            )
        if filters.tag:
            where.append(c.tag == filters.tag)
        return where

    def claims(self) -> tuple[dict[int | None, int], dict[str, int], dict[str, int]] | None:
        """Published verdicts per rating id (None: without a rating), claims per state,
        claims per outlet."""
        kind = self.kind("claim")
        if kind is None:
            return None
        c = TABLE.c
        by_rating: dict[int | None, int] = {}
        by_state: dict[str, int] = {}
        by_outlet: dict[str, int] = {}
        for state, rating, outlet, n in self.session.execute(
            select(c.state, c.rating, c.outlet, func.sum(c.n))
            .where(*self._where(kind))
            .group_by(c.state, c.rating, c.outlet)
        ):
            by_state[state] = by_state.get(state, 0) + n
            if outlet:
                by_outlet[outlet] = by_outlet.get(outlet, 0) + n
            if rating != NO_RATING:
                key = None if rating == UNRATED else rating
                by_rating[key] = by_rating.get(key, 0) + n
        return by_rating, by_state, by_outlet

    def approvals(self) -> list[tuple[date, int, int, int, float]] | None:
        """(ISO week's Monday, bucket, approvals, first approvals, their summed days),
        summed per week in SQL (per day, Python's folding cost more than the query)."""
        kind = self.kind("approval")
        if kind is None:
            return None
        c = TABLE.c
        week = (
            func.date(c.day, "weekday 0", "-6 days")
            if self.session.get_bind().dialect.name == "sqlite"
            else c.day - cast(func.extract("isodow", c.day), Integer) + 1
        )
        return [
            (
                day if isinstance(day, date) else date.fromisoformat(day),
                bucket,
                int(n),
                int(first or 0),
                int(seconds or 0) / 86400,
            )
            for day, bucket, n, first, seconds in self.session.execute(
                select(week, c.bucket, func.sum(c.n), func.sum(c.first_n), func.sum(c.seconds))
                .where(*self._where(kind, per_day=True))
                .group_by(week, c.bucket)
            )
        ]

    def authors(self) -> dict[str, int] | None:
        """Published verdicts per author id (as text)."""
        kind = self.kind("author")
        if kind is None:
            return None
        c = TABLE.c
        return {
            value: int(n)
            for value, n in self.session.execute(
                select(c.value, func.sum(c.n)).where(*self._where(kind)).group_by(c.value)
            )
        }

    def values(self, kind: str, limit: int) -> list[tuple[str, int]] | None:
        """The ``limit`` most frequent values of ``tag``/``claimant``/``repeat`` facts."""
        rows = self.kind(kind)
        if rows is None:
            return None
        c, n = TABLE.c, func.sum(TABLE.c.n)
        order = [func.length(c.value), c.value] if kind == "repeat" else [c.value]
        return [
            (value, int(count))
            for value, count in self.session.execute(
                select(c.value, n)
                .where(*self._where(rows))
                .group_by(c.value)
                .order_by(n.desc(), *order)
                .limit(limit)
            )
        ]


#: At most this many values are offered per filter widget.
OPTIONS_LIMIT = 500


def filter_options(session: Session) -> dict[str, list[str]]:
    """Values for the filter widgets (distinct, sorted): outlets and tags that have claims,
    read from the all-time summary rows, so they are current after every save and cheap.

    Why: a DISTINCT over 2M claim tags took 211-332 ms per call on PostgreSQL at 1M claims
    (no skip scan), on every Claims page run; the summary rows answer in 1-6 ms."""

    def values(column: Any, kind: str) -> list[str]:
        return list(
            session.scalars(
                select(column)
                .distinct()
                .where(TABLE.c.kind == kind, TABLE.c.day == ALL_TIME, column != "")
                .order_by(column)
                .limit(OPTIONS_LIMIT)
            )
        )

    return {
        "outlet": values(TABLE.c.outlet, "claim"),
        "tag": values(TABLE.c.value, "tag"),
        "reviewer": list(session.scalars(select(col(User.name)).order_by(col(User.name)))),
        "rating": list(
            session.scalars(select(col(Rating.label)).distinct().order_by(col(Rating.label)))
        ),
    }
