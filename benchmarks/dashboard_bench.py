"""Time the dashboard's server-side render, the review queue and the claims list.

Budgets (issue 4): dashboard render (all aggregates + building the plotly figures)
at most 1 s; review queue page at most 300 ms; a claims-list page (issue 3: paging
that stays fast at 100,000 claims) held to the same 300 ms. Fill a database first with
``benchmarks/generate.py``, then:

    python benchmarks/dashboard_bench.py bench.sqlite3 [--runs 15]
    python benchmarks/dashboard_bench.py bench.sqlite3 --postgres postgresql+psycopg://…/bench

Prints median and p95 per case; exits 1 when a median is over budget. Measures without
st.cache_data (a cold render), the case a changed filter or an expired TTL hits.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from workbench import dashboard as dash
from workbench import db, review
from workbench.claim_list import list_claims
from workbench.filters import ClaimFilters, filter_options

BUDGETS = {"dashboard": 1.0, "review": 0.3, "claims": 0.3}


def figures(data: dash.Dashboard) -> list[str]:
    """The page's charts, built and serialised as st.plotly_chart does."""
    charts = [data.verdicts, data.states, data.reviewers, data.time_to_verdict, data.outlets,
              data.claimants, data.tags, data.repeated]
    built = [go.Figure(go.Bar(x=[b.label for b in bars], y=[b.count for b in bars],
                              marker={"color": [b.colour or "#888888" for b in bars]}))
             for bars in charts]
    built.append(go.Figure(go.Bar(x=[w.label for w in data.weeks],
                                  y=[w.approved for w in data.weeks])))
    for figure in built:
        figure.update_layout(height=320, clickmode="event+select", showlegend=False)
    return [pio.to_json(figure, validate=False) for figure in built]


def render_dashboard(url: str, filters: ClaimFilters) -> Callable[[], object]:
    def run() -> object:
        with db.read_session(db.get_engine(url)) as session:
            data = dash.dashboard(session, filters)
        return figures(data)
    return run


def review_page(url: str, offset: int) -> Callable[[], object]:
    def run() -> object:
        with db.read_session(db.get_engine(url)) as session:
            return review.count_queue(session), review.review_queue(
                session, limit=review.PAGE_SIZE, offset=offset)
    return run


def claims_page(url: str, filters: ClaimFilters, page: int) -> Callable[[], object]:
    def run() -> object:
        with db.read_session(db.get_engine(url)) as session:
            return list_claims(session, filters, page=page)
    return run


def measure(action: Callable[[], object], runs: int) -> tuple[float, float]:
    action()  # warm: connection pool, SQLite page cache, imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def bench(name: str, url: str, runs: int) -> bool:
    with db.read_session(db.get_engine(url)) as session:
        options = filter_options(session)
        queued = review.count_queue(session)
    filtered = ClaimFilters(start=date(2025, 1, 1), outlet=options["outlet"][0],
                                tag=options["tag"][0] if options["tag"] else "")
    cases = [
        ("dashboard", "dashboard, no filter", render_dashboard(url, ClaimFilters())),
        ("dashboard", "dashboard, outlet+tag+dates", render_dashboard(url, filtered)),
        ("dashboard", "dashboard, state=approved", render_dashboard(
            url, ClaimFilters(states=("approved",)))),
        ("review", "review queue, page 1", review_page(url, 0)),
        ("review", "review queue, last page", review_page(
            url, max(0, queued - review.PAGE_SIZE))),
        ("claims", "claims list, page 1", claims_page(url, ClaimFilters(), 0)),
        ("claims", "claims list, page 1,000", claims_page(url, ClaimFilters(), 999)),
        ("claims", "claims list, state+tag", claims_page(
            url, ClaimFilters(states=("approved",), tag=options["tag"][0]
                              if options["tag"] else ""), 0)),
        ("claims", "claims list, search (typo)", claims_page(
            url, ClaimFilters(search="helth care costs"), 0)),
    ]
    ok = True
    print(f"\n{name}: {url.split('@')[-1]} ({queued:,} verdicts in the queue)")
    for budget_key, label, action in cases:
        median, p95 = measure(action, runs)
        within = median <= BUDGETS[budget_key]
        ok &= within
        print(f"  {label:32s} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
              f"(budget {BUDGETS[budget_key] * 1000:.0f} ms){'' if within else '  OVER'}")
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sqlite", nargs="?", help="SQLite file filled by generate.py")
    parser.add_argument("--postgres", help="PostgreSQL URL filled by generate.py")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    ok = True
    if args.sqlite:
        ok &= bench("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}", args.runs)
    if args.postgres:
        ok &= bench("PostgreSQL", args.postgres, args.runs)
    if not (args.sqlite or args.postgres):
        parser.error("give a SQLite file and/or --postgres URL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
