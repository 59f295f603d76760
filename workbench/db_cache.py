"""Whole-table reads kept in memory per database, never paid inside a click at scale.

Some look-ups need a table in full: the claim search's typo expansion needs every term's
document count, the semantic "seen before?" every claim's vector. Read per request they
cost seconds at a million claims (about 6 s for the term counts on SQLite, 15 s on
PostgreSQL). A :class:`DatabaseCache` keeps one such read per database and process:

* the first use reads it inside the request only while the archive is small (the
  ``small`` test, a bounded count); at scale it starts a background thread and the
  request goes on without it (each caller says how: no typo expansion, no semantic
  candidates);
* once older than ``ttl_s`` it is read again in the background while requests use the
  old value; the server's start calls :meth:`DatabaseCache.warm`;
* a write in this process may update the cached value in place (:meth:`DatabaseCache.peek`),
  so one's own change is seen at once; other processes' changes arrive with the next read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from workbench import db

T = TypeVar("T")


class DatabaseCache(Generic[T]):
    """One value per database URL, read by ``load`` (see the module's docstring)."""

    def __init__(
        self,
        name: str,
        load: Callable[[Session], T],
        *,
        ttl_s: float,
        small: Callable[[Session], bool],
    ) -> None:
        self.name = name
        self.load = load
        self.ttl_s = ttl_s
        self.small = small
        #: database URL -> (read at, value)
        self.values: dict[str, tuple[float, T]] = {}
        #: database URL -> the thread reading it now or last
        self.threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def get(self, session: Session) -> T | None:
        """The cached value, read inline for a small archive; None while a background read
        of a large one is under way."""
        key = _key(session.get_bind().engine)
        cached = self.values.get(key)
        if cached is None:
            if self.small(session):
                return self._read(session, key)
            self.warm(session.get_bind().engine)
            return None
        if time.monotonic() - cached[0] > self.ttl_s:
            self.warm(session.get_bind().engine)
        return cached[1]

    def peek(self, engine: Engine) -> T | None:
        """The cached value without reading anything (for a write to update it in place)."""
        cached = self.values.get(_key(engine))
        return None if cached is None else cached[1]

    def forget(self, engine: Engine) -> None:
        """Drop this database's value: the next use reads it again."""
        self.values.pop(_key(engine), None)

    def warm(self, engine: Engine) -> threading.Thread | None:
        """Read the value in a background thread now; the thread, or None when one is
        already reading this database."""
        key = _key(engine)
        url = engine.url.render_as_string(hide_password=False)
        with self._lock:
            running = self.threads.get(key)
            if running is not None and running.is_alive():
                return None

            def reload() -> None:
                with db.read_session(db.get_engine(url)) as own:
                    self._read(own, key)

            self.threads[key] = thread = threading.Thread(
                target=reload, name=self.name, daemon=True
            )
            thread.start()
            return thread

    def wait(self, engine: Engine, timeout: float | None = None) -> None:
        """Block until this database's background read, if one is running, is done (for
        benchmarks and tests; requests never wait)."""
        thread = self.threads.get(_key(engine))
        if thread is not None:
            thread.join(timeout)

    def _read(self, session: Session, key: str) -> T:
        value = self.load(session)
        self.values[key] = (time.monotonic(), value)
        return value


def _key(engine: Engine) -> str:
    return str(engine.url)
