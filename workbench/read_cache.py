"""A small in-process cache for the plain read models a page shows on every click.

The Annotate page reruns on every click and used to read the same article, claims and
claim panel each time (about 40 ms of queries per claim click on a 60-claim article).
Each entry is keyed on the database and on a *version*: a cheap query whose answer
changes whenever what the model shows changes (claims' ``version`` columns and the audit
trail, which every service writes in the same transaction as its change). A stale entry is
never served: a new version is a new key, and old keys fall out as the cache fills.

Entries are shared by every session of the process, so callers must treat what they get
as read-only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlmodel import Session

T = TypeVar("T")


class VersionedCache(Generic[T]):
    """The last ``size`` values, by (database, key); ``key`` must contain the version."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[str, Hashable], T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, load: Callable[[], T]) -> T:
        """The cached value for ``key`` in the session's database, or ``load()`` stored."""
        full = (session.get_bind().engine.url.render_as_string(hide_password=True), key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                return self._entries[full]
        value = load()  # outside the lock: a slow read must not hold up other sessions
        with self._lock:
            self._entries[full] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
