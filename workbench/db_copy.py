"""Moving a whole workbench to another database (``workbench db copy``): SQLite to
PostgreSQL when a newsroom outgrows one machine, and back.

Rows travel through SQLAlchemy Core, table by table in foreign-key order, typed by the
models' metadata: the two databases share no dump format, and the metadata is what both
schemas are checked against (``tests/domain/test_migrations.py``). The target is migrated
by Alembic first, so its own migration owns everything that is not a row: indexes, the
search triggers and virtual tables, PostgreSQL's generated ``tsv`` column and sequences,
and ``alembic_version``, which is therefore never copied.

Derived rows are rebuilt in the target instead of copied: the search documents
(``claim_search_doc``, which is not in the metadata at all, and SQLite's ``claim_fts*``
behind it, migration 0003) by :func:`workbench.search.rebuild_index`, and the dashboard
summary (docs/decisions/0005) by :func:`workbench.summary.rebuild`.

All rows go in one write transaction: a copy that fails leaves the target as empty as it
was, so it can simply be run again. The source is read in one snapshot (REPEATABLE READ
on PostgreSQL, one read transaction on SQLite), so the copy is one consistent state even
if the app is still running; the check afterwards (row counts, then the full CSV claim
report of both) reads the source again, so stop the app for the copy or that check
reports the saves made meanwhile as a difference.

Cost: a 20,000-claim desk (``python benchmarks/generate.py FILE --claims 20000``, about
180,000 rows) went from SQLite to PostgreSQL in 69 s wall at load average 6.5: the rows
about half, the search documents 14 s and the summary 16 s (both rebuilt in Python/SQL as
the app itself does), the report check 3 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session, SQLModel

from workbench import audit, db, search, summary
from workbench.errors import InvalidInput, WorkbenchError
from workbench.models import User
from workbench.permissions import ADMINS, require
from workbench.reports.csv_export import csv_chunks

#: Rebuilt from the copied rows, never copied (docs/decisions/0005).
DERIVED = frozenset({"dashboard_count"})
#: Filled by migration 0002 in every new database: the source's rows replace them.
SEEDED = frozenset({"rating_scale", "rating"})
#: Rows per INSERT batch (and per progress report).
BATCH = 5000

#: Called with (table, rows copied so far, rows in the table) after each batch.
Progress = Callable[[str, int, int], None]


class CopyFailed(WorkbenchError):
    """The copy was refused by the target, or the target differs from the source after it."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


@dataclass(frozen=True)
class CopyResult:
    """What was copied and checked: every copied table's rows on both sides (equal), the
    rebuilt search documents and summary rows, and the claims in the identical reports."""

    tables: tuple[TableCount, ...]
    search_documents: int
    summary_rows: int
    report_claims: int


def shown(url: str | URL) -> str:
    """A database URL fit to print or audit: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def copied_tables() -> list[Table]:
    """The tables whose rows are copied, parents before children."""
    import workbench.models  # noqa: F401  (registers the tables)

    return [table for table in SQLModel.metadata.sorted_tables if table.name not in DERIVED]


def _head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def _revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def open_source(url: str) -> Engine:
    """The engine of the database to copy from, after checking it is a workbench at the
    newest migration (its rows are read with today's models). Never creates anything: a
    missing SQLite file is refused before an engine would make an empty one."""
    path = db.sqlite_file(url)
    if make_url(url).get_backend_name() == "sqlite" and (path is None or not path.is_file()):
        raise InvalidInput(f"There is no SQLite database at {shown(url)}.")
    engine = db.get_engine(url)
    revision = _revision(engine)
    if revision != _head():
        raise InvalidInput(
            f"{shown(url)} is at migration {revision or 'none'}, not {_head()}: run "
            "`workbench db upgrade` on it first."
            if revision
            else f"{shown(url)} is not a workbench database (it has no migration revision)."
        )
    return engine


def _same_database(source: Engine, target_url: str) -> bool:
    target = make_url(target_url)
    if source.url.get_backend_name() == "sqlite" == target.get_backend_name():
        return db.sqlite_file(str(source.url)) == db.sqlite_file(target_url)
    return source.url.set(password=None, drivername=source.url.get_backend_name()) == target.set(
        password=None, drivername=target.get_backend_name()
    )


def copy_database(
    actor: User,
    source: Engine,
    target_url: str,
    *,
    batch: int = BATCH,
    on_progress: Progress | None = None,
) -> CopyResult:
    """Copy every row of ``source`` (from :func:`open_source`) into the database at
    ``target_url``, migrated to the newest revision first; rebuild what is derived, then
    check that every table holds as many rows as the source and that both CSV claim reports
    are identical (CopyFailed otherwise). Admins only; refused when the target already
    holds a workbench. The copy is recorded in the target's audit trail once checked."""
    require(actor, ADMINS, "copy the database")
    if _same_database(source, target_url):
        raise InvalidInput("The source and the target are the same database.")
    db.upgrade(target_url)
    target = db.get_engine(target_url)
    tables = copied_tables()
    options = {"isolation_level": "REPEATABLE READ"} if source.dialect.name == "postgresql" else {}
    with (
        source.connect().execution_options(**options) as reading,
        db.write_session(target) as session,
    ):
        _refuse_filled(session, tables, target_url)
        for table in reversed(tables):
            if table.name in SEEDED:
                session.execute(delete(table))
        counts = {
            table.name: _copy_table(reading, session, table, batch, on_progress) for table in tables
        }
        _reset_sequences(session, tables)
        # Statistics before the rebuilds, or PostgreSQL plans them for empty tables: at
        # 20,000 claims the summary took 28.6 s instead of 15.8 s, the report check 8.7 s
        # instead of 2.7 s (load average 5-6).
        session.execute(text("ANALYZE"))
        documents = search.rebuild_index(session)
        summary_rows = summary.rebuild(session)
        for derived in ("claim_search_doc", *DERIVED):
            session.execute(text(f"ANALYZE {derived}"))
    checked = _check_counts(counts, target, tables)
    _check_reports(actor, source, target)
    with db.write_session(target) as session:
        audit.record(
            session,
            actor,
            entity="database",
            entity_id=0,
            action="copy",
            changes={"from": shown(source.url), "rows": {c.table: c.target for c in checked}},
        )
    return CopyResult(checked, documents, summary_rows, counts.get("claim", 0))


def _count(connection: Connection | Session, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _refuse_filled(session: Session, tables: Sequence[Table], target_url: str) -> None:
    """Refuse a target that holds anything a new database does not: merging two workbenches
    would clash on every id."""
    filled = [
        table.name
        for table in tables
        if table.name not in SEEDED and session.execute(select(table).limit(1)).first() is not None
    ]
    if filled:
        raise InvalidInput(
            f"{shown(target_url)} already holds a workbench (rows in {', '.join(filled)}); "
            "copy only into a new, empty database."
        )


def _utc(value: datetime | None) -> datetime | None:
    """Aware UTC whatever the source handed back: SQLite gives naive UTC, PostgreSQL aware
    datetimes in the session's time zone. A naive value written to PostgreSQL would be
    read in the server's time zone, an aware one to SQLite stored without its offset."""
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _self_references(table: Table) -> list[str]:
    """Columns pointing into their own table (a claim repeating another, a verdict
    correcting another): written after the table's rows, whose order need not follow them."""
    return [
        column.name
        for column in table.columns
        if any(key.column.table is table for key in column.foreign_keys)
    ]


def _rows(reading: Connection, table: Table, batch: int) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in batches, datetimes as aware UTC, in primary-key order."""
    stamps = [column.name for column in table.columns if isinstance(column.type, DateTime)]
    result = reading.execute(
        select(table).order_by(*table.primary_key.columns).execution_options(yield_per=batch)
    )
    for partition in result.partitions():
        rows = [dict(row._mapping) for row in partition]
        for row in rows:
            for name in stamps:
                row[name] = _utc(row[name])
        yield rows


def _copy_table(
    reading: Connection, session: Session, table: Table, batch: int, on_progress: Progress | None
) -> int:
    """Copy one table; returns the source's row count (read in the same snapshot)."""
    total, done = _count(reading, table), 0
    later = _self_references(table)
    keys = [column.name for column in table.primary_key.columns]
    pointers: list[dict[str, Any]] = []
    for rows in _rows(reading, table, batch):
        for row in rows:
            if any(row[name] is not None for name in later):
                pointers.append(
                    {**{f"k_{k}": row[k] for k in keys}, **{f"v_{n}": row[n] for n in later}}
                )
                row.update(dict.fromkeys(later))
        _write(session, insert(table), rows, table)
        done += len(rows)
        if on_progress:
            on_progress(table.name, done, total)
    if pointers:
        _write(
            session,
            update(table)
            .where(and_(*[table.c[k] == bindparam(f"k_{k}") for k in keys]))
            .values({n: bindparam(f"v_{n}") for n in later}),
            pointers,
            table,
        )
    if on_progress and not done:
        on_progress(table.name, 0, total)
    return total


def _write(session: Session, statement: Any, rows: list[dict[str, Any]], table: Table) -> None:
    """Run ``statement`` for ``rows``, a refusal named by table (the driver's first line:
    the parameters are hidden by the engine, see ``db.get_engine``)."""
    try:
        session.execute(statement, rows)
    except (DataError, IntegrityError) as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise CopyFailed(
            f"The target refused a row of {table.name}: {reason}. Nothing was copied."
        ) from None


def _reset_sequences(session: Session, tables: Sequence[Table]) -> None:
    """Point each PostgreSQL id sequence past the copied ids, or the next insert would
    collide with a copied row. SQLite needs nothing: a new rowid is the largest plus one."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        return
    quote = dialect.identifier_preparer
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        name, id_column = quote.format_table(table), quote.quote(column.name)
        session.execute(
            text(  # names from the metadata, quoted; nothing from input
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
                f"COALESCE(MAX({id_column}), 0) + 1, false) FROM {name}"
            ),
            {"table": name, "column": column.name},
        )


def _check_counts(
    source: dict[str, int], target: Engine, tables: Sequence[Table]
) -> tuple[TableCount, ...]:
    with target.connect() as connection:
        counts = tuple(
            TableCount(table.name, source[table.name], _count(connection, table))
            for table in tables
        )
    differ = [f"{c.table} {c.source:,} → {c.target:,}" for c in counts if c.source != c.target]
    if differ:
        raise CopyFailed(
            "Row counts differ after the copy (was the app still saving?): " + "; ".join(differ)
        )
    return counts


def _check_reports(actor: User, source: Engine, target: Engine) -> None:
    """The full CSV claim report of both databases, compared chunk by chunk (both have the
    same rows per chunk), so memory stays flat however many claims there are."""
    pairs = zip_longest(csv_chunks(actor, source), csv_chunks(actor, target), fillvalue="")
    for number, (before, after) in enumerate(pairs):
        if before != after:
            claim = next(
                (
                    old.split(",", 1)[0]
                    for old, new in zip(before.split("\r\n"), after.split("\r\n"), strict=False)
                    if old != new
                ),
                "?",
            )
            raise CopyFailed(
                f"The CSV claim reports differ (first in chunk {number + 1}, "
                f"near the row of claim {claim})."
            )
