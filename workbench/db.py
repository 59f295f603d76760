"""Engines, sessions and migrations.

SQLite needs care to be a safe multi-user store (see STACK-NOTES): WAL so
readers never block the writer, ``foreign_keys`` because SQLite ignores them
otherwise, a busy timeout so a second writer waits instead of failing, and
write transactions that start with ``BEGIN IMMEDIATE`` so two read-then-write
transactions cannot interleave and silently lose an update.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from workbench.settings import PROJECT_ROOT, get_settings

_WRITE_OPTION = "workbench_write"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transaction control away from the driver; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
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
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
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


def alembic_config(url: str | None = None):  # type: ignore[no-untyped-def]
    """Alembic configuration pointing at ``db/`` and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "db"))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    url = (url or get_settings().database_url).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create or migrate the database to ``revision`` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
