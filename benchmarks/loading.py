"""The database side of ``benchmarks/generate.py``: the bulk-load connection (SQLite
without journal, PostgreSQL ``COPY``), the indexes dropped for the load and built once
after it, and the per-phase clock."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from desk import MODELS, ORDER, TABLES, Rows
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from workbench import db, summary
from workbench.models import ClaimTag, DashboardCount
from workbench.settings import PROJECT_ROOT

#: Tables whose secondary indexes are built after the load (the summary's too).
INDEXED: list[Any] = [*MODELS, DashboardCount]


class Clock:
    """Per-phase wall and CPU seconds of this process, printed as they end."""

    def __init__(self, label: str = "") -> None:
        self.label = label
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, phase: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        print(
            f"  {self.label + phase:40s} {wall - self.wall:7.1f} s wall "
            f"{cpu - self.cpu:7.1f} s CPU  (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        self.wall, self.cpu = wall, cpu


class Loader:
    """The bulk-load connection and its writes: SQLite ``executemany`` on a connection
    without journal, PostgreSQL ``COPY``."""

    def __init__(self, url: str) -> None:
        self.url, self.sqlite = url, make_url(url).get_backend_name() == "sqlite"
        if self.sqlite:
            db.get_engine(url).dispose()  # nobody else holds the file: journal_mode may change
            self.raw: Any = sqlite3.connect(
                make_url(url).database, isolation_level=None, check_same_thread=False
            )
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-65536",
                "temp_store=MEMORY",
                "foreign_keys=OFF",
                "threads=2",
            ):
                self.raw.execute(f"PRAGMA {pragma}")
            raw = self.raw
            self.engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        else:
            self.engine = db.get_engine(url)
            self.raw = self.engine.raw_connection()
        self.cursor = self.raw.cursor()

    def stamp(self) -> Callable[[datetime], str]:
        if self.sqlite:
            return lambda at: at.isoformat(" ", "microseconds")
        return lambda at: at.isoformat(" ", "microseconds") + "+00"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for the rows (PostgreSQL: foreign-key triggers off within it)."""
        self.cursor.execute(
            "BEGIN" if self.sqlite else "SET LOCAL session_replication_role = replica"
        )
        yield
        if self.sqlite:
            self.cursor.execute("COMMIT")
        else:
            self.raw.commit()

    def write(self, rows: Rows, counts: dict[str, int]) -> None:
        """Write a block of rows per table and add them to ``counts``."""
        for table, block in rows.items():
            counts[table] = counts.get(table, 0) + len(block)
            if block:
                self._write(table, block)

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = ORDER[table].split()
        names = ", ".join(f'"{c}"' for c in columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                rows,
            )
            return
        with self.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def count_summary(self) -> int:
        """Rebuild the dashboard summary from the rows loaded here; returns its rows."""
        with Session(self.engine) as session:
            rows = summary.rebuild(session)
            session.commit()
        return rows

    @contextmanager
    def shard_files(self, urls: list[str]) -> Iterator[None]:
        """SQLite shards' files, started as copies of this (still empty) database and
        removed afterwards, merged or not."""
        paths = [make_url(url).database for url in urls]
        try:
            for path in paths:
                target = sqlite3.connect(path)
                try:
                    self.raw.backup(target)
                finally:
                    target.close()
            yield
        finally:
            for path in paths:
                if os.path.exists(path):
                    os.remove(path)

    def merge(self, url: str) -> int:
        """Append a SQLite shard's rows (ids do not overlap) and add its summary rows to
        ours; returns the summary's rows."""
        path = make_url(url).database
        table = summary.TABLE.name
        key, sums = ", ".join(summary.KEY), ", ".join(summary.SUMS)
        add = ", ".join(f"{s} = {s} + excluded.{s}" for s in summary.SUMS)
        self.cursor.execute("ATTACH DATABASE ? AS shard", (path,))
        self.cursor.execute("BEGIN")
        for name in TABLES:  # the same migrated schema on both sides
            self.cursor.execute(f'INSERT INTO main."{name}" SELECT * FROM shard."{name}"')  # noqa: S608
        # "WHERE true": SQLite needs it to parse ON CONFLICT after a SELECT.
        self.cursor.execute(
            f"INSERT INTO main.{table} ({key}, {sums}) SELECT {key}, {sums} "  # noqa: S608
            f"FROM shard.{table} WHERE true ON CONFLICT ({key}) DO UPDATE SET {add}"
        )
        self.cursor.execute("COMMIT")
        self.cursor.execute("DETACH DATABASE shard")
        return self.cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

    def finish(self) -> None:
        """Statistics for the planner (PostgreSQL also VACUUM: index-only scans need the
        visibility map); SQLite back to WAL, as the app expects."""
        if self.sqlite:
            self.raw.execute("ANALYZE")
            self.raw.execute("PRAGMA journal_mode=WAL")
            self.raw.close()
            return
        self.raw.close()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")

    def close(self) -> None:
        self.raw.close()


def _migration(name: str) -> Any:
    """A migration module (for the DDL of the search index it creates)."""
    path = PROJECT_ROOT / "db" / "versions" / name
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class Indexes:
    """Secondary indexes and the search index: dropped for the load, built once after."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.sqlite = engine, engine.dialect.name == "sqlite"
        self.search = _migration("0003_claim_search.py")
        self.stored_vector = _migration("0009_stored_search_vector.py")

    def drop(self) -> None:
        with self.engine.begin() as connection:
            for model in INDEXED:
                for index in model.__table__.indexes:
                    connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')
            if self.sqlite:
                for suffix in ("ai", "ad", "au"):
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS claim_search_doc_{suffix}")
            else:
                for name in ("ix_claim_search_doc_trgm", "ix_claim_search_doc_tsv"):
                    connection.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")

    def create(self, clock: Clock) -> None:
        with self.engine.begin() as connection:
            if not self.sqlite:
                connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            for model in INDEXED:
                for index in model.__table__.indexes:
                    index.create(connection)
        clock.lap("secondary indexes")
        with self.engine.begin() as connection:
            if self.sqlite:
                connection.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
                for statement in self.search._SQLITE[1:4]:  # the sync triggers
                    connection.exec_driver_sql(statement)
            else:
                # The two GIN indexes (trigram, tsvector) took 346 s one after the other
                # at 1M claims; PostgreSQL 15 builds a GIN index on one core, so build
                # them side by side, one connection each.
                with ThreadPoolExecutor(2) as pool:
                    list(
                        pool.map(
                            self._create_gin,
                            [self.search._POSTGRES[1], self.stored_vector.TSV_INDEX],
                        )
                    )
                for model in MODELS:
                    if "id" in model.__table__.c and model is not ClaimTag:
                        name = model.__table__.name  # our own table names, not input
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
                            f'(SELECT COALESCE(MAX(id), 1) FROM "{name}"))'
                        )
        clock.lap("search index")

    def _create_gin(self, statement: str) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            connection.exec_driver_sql(statement)
