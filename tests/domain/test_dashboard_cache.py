"""FigureCache (workbench.dashboard_cache): current figures come from the cache, outdated
ones are returned at once while one background worker recounts them, and the least
recently used filter sets are dropped. No database: the counting is a stub whose
background calls wait for the test's go-ahead."""

from __future__ import annotations

import threading

from workbench.dashboard import Dashboard
from workbench.dashboard_cache import FigureCache
from workbench.filters import ClaimFilters

ALL, EU = ClaimFilters(), ClaimFilters(tag="eu")


class Desk:
    """A summary generation the test moves, and a count that records its calls."""

    def __init__(self) -> None:
        self.generation = 1
        self.calls: list[tuple[ClaimFilters, int, str]] = []
        self.go_ahead = threading.Event()

    def count(self, filters: ClaimFilters, actor_id: int) -> tuple[int, Dashboard]:
        seen = self.generation
        thread = threading.current_thread().name
        if thread.startswith("dashboard"):
            assert self.go_ahead.wait(10), "the test never let the recount finish"
        self.calls.append((filters, seen, thread))
        return seen, Dashboard(*[[] for _ in range(9)])


def settled(cache: FigureCache, filters: ClaimFilters) -> None:
    """Wait (on the cache's own state) until no recount of ``filters`` is pending."""
    done = threading.Event()
    while cache.refreshing(filters):
        done.wait(0.01)


def test_current_figures_are_counted_once():
    desk = Desk()
    cache = FigureCache(desk.count, lambda: desk.generation)
    first, again = cache.get(ALL, 7), cache.get(ALL, 7)
    assert again is first and not again.stale
    assert [(f, g) for f, g, _ in desk.calls] == [(ALL, 1)]
    assert not cache.refreshing(ALL)


def test_outdated_figures_return_at_once_and_are_recounted_in_the_background():
    desk = Desk()
    cache = FigureCache(desk.count, lambda: desk.generation)
    cache.get(ALL, 7)
    desk.generation = 2
    outdated = cache.get(ALL, 7)  # the recount waits for the go-ahead: this did not
    assert outdated.stale and outdated.generation == 1
    assert cache.refreshing(ALL)
    assert cache.get(ALL, 7).stale  # asked again meanwhile: no second recount queued
    desk.go_ahead.set()
    settled(cache, ALL)
    current = cache.get(ALL, 7)
    assert not current.stale and current.generation == 2
    assert [(g, thread.startswith("dashboard")) for _, g, thread in desk.calls] == [
        (1, False),
        (2, True),
    ]


def test_a_new_filter_set_is_counted_by_the_caller():
    desk = Desk()
    cache = FigureCache(desk.count, lambda: desk.generation)
    cache.get(ALL, 7)
    assert not cache.get(EU, 7).stale
    assert [f for f, _, thread in desk.calls if not thread.startswith("dashboard")] == [ALL, EU]


def test_least_recently_used_filter_sets_are_dropped():
    desk = Desk()
    cache = FigureCache(desk.count, lambda: desk.generation, size=2)
    for filters in (ALL, EU, ALL, ClaimFilters(outlet="AP"), ALL, EU):
        cache.get(filters, 7)
    assert [f for f, _, _ in desk.calls] == [ALL, EU, ClaimFilters(outlet="AP"), EU]


def test_a_failed_recount_keeps_the_old_figures():
    desk = Desk()
    cache = FigureCache(desk.count, lambda: desk.generation)
    cache.get(ALL, 7)
    desk.generation = 2

    def broken(filters: ClaimFilters, actor_id: int) -> tuple[int, Dashboard]:
        raise RuntimeError("the database went away")

    cache._count = broken  # type: ignore[method-assign]
    assert cache.get(ALL, 7).stale
    settled(cache, ALL)
    kept = cache.get(ALL, 7)
    assert kept.stale and kept.generation == 1
