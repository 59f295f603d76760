"""Dashboard figures kept current without making a click wait for a recount.

Why not ``st.cache_data(ttl=30)`` (what the page used): every 30 s one editor's click
paid the whole computation, and for up to 30 s after an approval everyone saw the old
figures. Here each cached result remembers the summary's *generation*
(:func:`workbench.summary.generation`, a counter that the transaction changing the
summary rows bumps), and reading it is one primary-key lookup per page run:

- same generation: the cached figures are current and returned at once;
- a newer generation: the cached figures are still returned at once, marked
  ``stale``, and one background worker recounts them (the page shows "updating" and
  reruns when :meth:`FigureCache.refreshing` turns false);
- a filter set never counted (or dropped: the least recently used beyond ``size``):
  counted in the caller's thread, since there is nothing to show meanwhile (a few
  hundred ms from the summary rows).

A generation, rather than ``max(audit_event.id)``, because a rebuild writes no audit
event, and on PostgreSQL ids are handed out before commit, so a later-committing
transaction can hide behind a larger id already seen. The generation is read before
the figures, in the same session: figures are never older than the generation stored
with them, so a change is never missed (at worst counted twice).

One worker thread: background recounts never take both cores from the people clicking.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from workbench import dashboard as dash
from workbench import db, summary
from workbench.dashboard import Dashboard
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.permissions import EDITORS, require

log = logging.getLogger(__name__)

#: (generation read first, then the figures) for one filter set, as the given user.
Count = Callable[[ClaimFilters, int], tuple[int, Dashboard]]


@dataclass(frozen=True)
class Snapshot:
    """Figures as counted at ``generation`` (``counted_at``: epoch seconds)."""

    data: Dashboard
    generation: int
    counted_at: float
    stale: bool = False  # a newer generation exists; a recount is under way


class FigureCache:
    """Figures per filter set, fresh by generation, recounted in the background."""

    def __init__(self, count: Count, generation: Callable[[], int], size: int = 32) -> None:
        self._count, self._generation, self._size = count, generation, size
        self._snapshots: OrderedDict[ClaimFilters, Snapshot] = OrderedDict()
        self._running: set[ClaimFilters] = set()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard")

    def get(self, filters: ClaimFilters, actor_id: int) -> Snapshot:
        """The figures for ``filters``: cached if any (``stale`` when outdated, then a
        background recount is started), else counted now."""
        current = self._generation()
        with self._lock:
            cached = self._snapshots.get(filters)
            if cached is not None:
                self._snapshots.move_to_end(filters)
                if cached.generation >= current:
                    return cached
                if filters not in self._running:
                    self._running.add(filters)
                    self._worker.submit(self._refresh, filters, actor_id)
                return Snapshot(cached.data, cached.generation, cached.counted_at, stale=True)
        return self._store(filters, *self._count(filters, actor_id))

    def refreshing(self, filters: ClaimFilters) -> bool:
        """Whether a background recount of ``filters`` is queued or running."""
        with self._lock:
            return filters in self._running

    def _store(self, filters: ClaimFilters, generation: int, data: Dashboard) -> Snapshot:
        snapshot = Snapshot(data, generation, time.time())
        with self._lock:
            known = self._snapshots.get(filters)
            if known is None or known.generation <= generation:
                self._snapshots[filters] = snapshot
                self._snapshots.move_to_end(filters)
            while len(self._snapshots) > self._size:
                self._snapshots.popitem(last=False)
        return snapshot

    def _refresh(self, filters: ClaimFilters, actor_id: int) -> None:
        try:
            self._store(filters, *self._count(filters, actor_id))
        except Exception:  # a worker has no page to show it on: log, keep the old figures
            log.exception("recounting the dashboard figures failed")
        finally:
            with self._lock:
                self._running.discard(filters)


def figures_of(database_url: str) -> FigureCache:
    """A FigureCache counting on ``database_url``'s database, one read session per count
    or generation check (the caller keeps one per database and process)."""
    engine = db.get_engine(database_url)

    def count(filters: ClaimFilters, actor_id: int) -> tuple[int, Dashboard]:
        with db.read_session(engine) as session:
            generation = summary.generation(session)  # first: see the module docstring
            actor = require(session.get(User, actor_id), EDITORS, "see the dashboard")
            return generation, dash.dashboard(session, actor, filters)

    def generation() -> int:
        with db.read_session(engine) as session:
            return summary.generation(session)

    return FigureCache(count, generation)
