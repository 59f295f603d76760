"""Engines, sessions and migrations.

SQLite needs care to be a safe multi-user store (see
docs/decisions/0001-sqlite-as-a-shared-store.md): WAL so readers never block the
writer, ``foreign_keys`` because SQLite ignores them otherwise, a busy timeout so a
second writer waits instead of failing, and write transactions that start with
``BEGIN IMMEDIATE`` so two read-then-write transactions cannot interleave and
silently lose an update.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from workbench.errors import InvalidInput, WorkbenchError
from workbench.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

_WRITE_OPTION = "workbench_write"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":  # e.g. Alembic's autocommit_block
            return
        immediate = options.get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured database)."""
    settings = get_settings()
    url = url or settings.database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: an error's text (logged, or shown by a traceback) never carries
        # the values, which can be a claim's wording, an article or a password hash.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    else:
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
        )
    return engine


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reads; never commits."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """One write transaction: commits on success, rolls back everything on error.

    Service functions add their rows and audit events to this session, so a
    failure anywhere leaves the database exactly as it was.
    """
    engine = engine or get_engine()
    with Session(
        engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
    ) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Trouble(Enum):
    """Why the database refused a write, in terms a user can act on."""

    BUSY = "busy"  # another transaction holds the lock past the timeout: try again
    FULL = "full"  # no space left: nothing was saved, an admin must free space


# SQLite result codes (Python 3.11's sqlite3 names them) and PostgreSQL SQLSTATEs: lock
# timeout, statement timeout, serialization failure, deadlock; and "no space left".
_BUSY_CODES = {"SQLITE_BUSY", "SQLITE_LOCKED", "55P03", "57014", "40001", "40P01"}
_FULL_CODES = {"SQLITE_FULL", "53100"}


def trouble(error: BaseException) -> Trouble | None:
    """Classify a driver error as busy or full, or None for anything else.

    The one place that reads drivers' codes and messages, so the pages, the CLI and the
    importer agree; each words the outcome for its own reader and never shows the SQL.
    """
    driver = error.orig if isinstance(error, DBAPIError) else error
    code = getattr(driver, "sqlite_errorname", None) or getattr(driver, "sqlstate", None)
    text = str(driver).lower()
    if code in _BUSY_CODES or "database is locked" in text:
        return Trouble.BUSY
    if code in _FULL_CODES or "disk is full" in text or "no space left" in text:
        return Trouble.FULL
    return None


def migrations_dir() -> Path:
    """The Alembic scripts: ``db/`` in a checkout, which the wheel carries as the package
    ``workbench.migrations`` (``package-dir`` in ``pyproject.toml``; an editable install
    maps that name back to ``db/``)."""
    spec = importlib.util.find_spec("workbench.migrations")
    if spec is None or spec.origin is None:
        raise RuntimeError("workbench.migrations is missing: reinstall the workbench")
    return Path(spec.origin).parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    url = (url or get_settings().database_url).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create or migrate the database to ``revision`` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


class SchemaOutOfDate(WorkbenchError):
    """The database is not at this code's newest migration and only ``workbench db upgrade``
    may change that; the message says what to do."""


def ensure_schema(url: str | None = None) -> None:
    """Let a command use the database: at the newest migration it passes; a new one (no
    SQLite file yet, or no table at all) is created at the newest migration; anything else
    raises SchemaOutOfDate. So only ``workbench db upgrade`` migrates existing data, which
    an admin does on purpose, after a backup."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    url = url or get_settings().database_url
    file = sqlite_file(url)
    if file is not None and not file.exists():
        upgrade(url)
        return
    with get_engine(url).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        has_tables = bool(inspect(connection).get_table_names())
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current == head:
        return
    if current is None and not has_tables:
        upgrade(url)
        return
    if current is None:
        raise SchemaOutOfDate(
            "the database has tables but no workbench revision; check WORKBENCH_DATABASE_URL"
        )
    if current not in known_revisions():
        raise SchemaOutOfDate(
            f"the database is at revision {current}, newer than this "
            f"workbench knows (its newest is {head}); install the newer "
            "workbench"
        )
    raise SchemaOutOfDate(f"the database is at revision {current}; run `workbench db upgrade`")


def sqlite_file(url: str | None = None) -> Path | None:
    """The database file behind a SQLite URL (default: the configured one); None otherwise."""
    parsed = make_url(url or get_settings().database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # pages=-1: every page in one step inside one read transaction, so the copy is one
    # consistent snapshot even while other connections commit (WAL readers never block them).
    source.backup(target, pages=-1)


def backup_sqlite(target: Path, url: str | None = None) -> None:
    """Copy the live SQLite database into ``target`` with SQLite's online backup API.

    Safe while the app writes: the copy is one committed state, unlike ``cp`` of the file,
    which misses saves still in the ``-wal`` file. Written to ``target.partial`` and renamed,
    so ``target`` is never half a backup; the copy is a single plain file (no WAL).
    """
    source = sqlite_file(url)
    if source is None:
        raise InvalidInput("Online backups are for SQLite; use pg_dump for PostgreSQL.")
    target = Path(target).resolve()
    if target == source:
        raise InvalidInput("The backup cannot overwrite the database it copies.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(source, timeout=30)) as live,
        closing(sqlite3.connect(partial)) as copy,
    ):
        _copy(live, copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, target)


def known_revisions() -> set[str]:
    """Every migration revision this code knows (``db/versions``, see migrations_dir)."""
    from alembic.script import ScriptDirectory

    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def backup_revision(path: Path) -> str:
    """The migration revision of the workbench backup at ``path``, after checking that it is
    one: a readable, intact SQLite file whose revision this code knows. Raises InvalidInput."""
    if not Path(path).is_file():
        raise InvalidInput(f"There is no file {path}.")
    try:
        with closing(
            sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        ) as backup:
            if backup.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise InvalidInput(f"{path} is damaged (SQLite's quick_check failed).")
            row = backup.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"{path} is not a workbench database ({error}).") from None
    if row is None or row[0] not in known_revisions():
        raise InvalidInput(
            f"{path} is at migration {row[0] if row else 'none'}, which this "
            "version of the workbench does not know."
        )
    return str(row[0])


def restore_sqlite(source: Path, url: str | None = None) -> None:
    """Replace the configured SQLite database's contents with the backup at ``source``
    (check it with :func:`backup_revision` first), then migrate it to the current schema.

    Goes through the backup API into the live file, as one write transaction: a running
    app waits for it (busy timeout) and then sees the restored data, never a torn file.
    """
    target = sqlite_file(url)
    if target is None:
        raise InvalidInput("Restoring a file is for SQLite; use pg_restore for PostgreSQL.")
    with (
        closing(sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)) as backup,
        closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        _copy(backup, live)
    upgrade(url)
