"""Time what the Dashboard, Claims and Review pages read, at 10k / 100k / 1M claims.

Budgets (issue 9, at 1,000,000 claims): the dashboard unfiltered ≤ 1 s (aggregates plus
building the plotly figures, without st.cache_data: a cold render), with one filter
(state, outlet, tag, reviewer, date range) ≤ 300 ms, and combinations timed against the
same budget (the tag with a state; the most used tag with an outlet, 90 days, the
busiest reviewer or the most given rating, and an outlet with 90 days: the ones the
summary rows do not fully answer, each beside the direct GROUP BY per figure with the
filters as conditions, the way these were counted before); the claims list page 1 ≤ 50 ms, a
deep page ≤ 100 ms, a search with a typo ≤ 150 ms; the review queue's first and last
page ≤ 100 ms. Each case calls the function its page calls; each group has a baseline in
the same run (the direct GROUP BY, a bare count + LIMIT, the bare FTS query, the bare
queue index read).

    python benchmarks/dashboard_bench.py /tmp/bench.sqlite3            # one database
    python benchmarks/dashboard_bench.py --curve [--postgres URL]       # 10k, 100k, 1M
    python benchmarks/dashboard_bench.py --claims 100000 --postgres URL

``--curve`` / ``--claims N`` build what is missing with ``generate.py`` (SQLite files
``/tmp/workbench-bench-N.sqlite3``, PostgreSQL databases ``<name>_N`` beside the URL's)
and reuse them afterwards. Prints median and p95 per case (and this process's CPU time,
which is the whole cost on SQLite: the machine is shared), then the curve per case.
Exits 1 when a median at the largest size is over budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from workbench import dashboard as dash
from workbench import db, review, search
from workbench.claim_list import list_claims
from workbench.filters import ClaimFilters
from workbench.models import Article, Claim, ClaimTag, Rating, User, Verdict, VerdictStatus

SIZES = (10_000, 100_000, 1_000_000)
INF = float("inf")
Case = tuple[str, float, Callable[[], object]]  # label, budget (s), action


def figures(data: dash.Dashboard) -> list[str]:
    """The page's charts, built and serialised as st.plotly_chart does."""
    charts = [
        data.verdicts,
        data.states,
        data.reviewers,
        data.time_to_verdict,
        data.outlets,
        data.claimants,
        data.tags,
        data.repeated,
    ]
    built = [
        go.Figure(
            go.Bar(
                x=[b.label for b in bars],
                y=[b.count for b in bars],
                marker={"color": [b.colour or "#888888" for b in bars]},
            )
        )
        for bars in charts
    ]
    built.append(
        go.Figure(go.Bar(x=[w.label for w in data.weeks], y=[w.approved for w in data.weeks]))
    )
    for figure in built:
        figure.update_layout(height=320, clickmode="event+select", showlegend=False)
    return [pio.to_json(figure, validate=False) for figure in built]


def _editor(session: Session) -> User:
    """An active editor of the generated desk: the readers check the role."""
    return session.exec(select(User).where(User.role == "editor", User.active)).first()


class Desk:
    """Read-only actions on one generated database."""

    def __init__(self, url: str) -> None:
        self.engine = db.get_engine(url)
        with self.session() as session:
            self.editor_id = _editor(session).id
            tags = session.exec(
                select(ClaimTag.tag, func.count())
                .group_by(ClaimTag.tag)
                .order_by(func.count().desc())
            ).all()
            self.top_tag = tags[0][0]
            self.median_tag = tags[len(tags) // 2][0]
            self.outlet = session.exec(select(Article.outlet).limit(1)).one()
            # the busiest creator: a reviewer with no claims would time an empty view
            self.reviewer = session.exec(
                select(User.name)
                .join(Claim, col(Claim.created_by) == User.id)
                .group_by(User.name)
                .order_by(func.count().desc(), User.name)
            ).first()
            self.rating = session.exec(
                select(Rating.label)
                .join(Verdict, col(Verdict.rating_id) == Rating.id)
                .where(Verdict.status == VerdictStatus.approved)
                .group_by(Rating.label)
                .order_by(func.count().desc(), Rating.label)
            ).first()
            self.last_day = session.exec(select(func.max(Claim.created_at))).one()
            self.max_id = session.exec(select(func.max(Claim.id))).one()
            self.queued = session.exec(
                select(func.count())
                .select_from(Verdict)
                .where(Verdict.status == VerdictStatus.proposed)
            ).one()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _run(self, body: Callable[[Session, User], object]) -> Callable[[], object]:
        def run() -> object:
            with self.session() as session:
                return body(session, session.get(User, self.editor_id))

        return run

    def dashboard(self, filters: ClaimFilters) -> Callable[[], object]:
        return self._run(lambda s, editor: figures(dash.dashboard(s, editor, filters)))

    def direct_dashboard(self, filters: ClaimFilters) -> Callable[[], object]:
        """Baseline: the same figures by the direct GROUP BY over claims and verdicts."""
        every = dash.DIRECT_FIGURES
        return self._run(
            lambda s, _editor: figures(dash.Dashboard(*[figure(s, filters) for figure in every]))
        )

    def combinations(self, quarter: ClaimFilters) -> list[Case]:
        """Filters the summary rows answer only in part, each with its baseline."""
        tag, dates = self.top_tag, {"start": quarter.start, "end": quarter.end}
        combined = {
            "tag + outlet": ClaimFilters(tag=tag, outlet=self.outlet),
            "tag + 90 days": ClaimFilters(tag=tag, **dates),
            "tag + reviewer": ClaimFilters(tag=tag, reviewer=self.reviewer),
            "tag + rating": ClaimFilters(tag=tag, rating=self.rating),
            "outlet + 90 days": ClaimFilters(outlet=self.outlet, **dates),
        }
        return [
            case
            for label, filters in combined.items()
            for case in (
                (f"dashboard, {label}", 0.3, self.dashboard(filters)),
                (f"  baseline: direct, {label}", INF, self.direct_dashboard(filters)),
            )
        ]

    def claims(self, filters: ClaimFilters, **paging: int) -> Callable[[], object]:
        return self._run(lambda s, editor: list_claims(s, editor, filters, **paging))

    def count_limit(self) -> Callable[[], object]:
        """Baseline: the bare ``count(*)`` + ``LIMIT 50`` the list cannot beat."""
        return self._run(
            lambda s, _editor: (
                s.exec(select(func.count()).select_from(Claim)).one(),
                s.exec(select(Claim.id).order_by(col(Claim.id).desc()).limit(50)).all(),
            )
        )

    def bare_search(self, query: str) -> Callable[[], object]:
        """Baseline: the search engine's top 50 ids, nothing joined."""
        return self._run(lambda s, _editor: search.search_claim_ids(s, query, limit=50))

    def queue(self, offset: int) -> Callable[[], object]:
        return self._run(
            lambda s, editor: (
                review.count_queue(s, editor),
                review.review_queue(s, editor, limit=review.PAGE_SIZE, offset=offset),
            )
        )

    def bare_queue(self) -> Callable[[], object]:
        """Baseline: the first page's ids straight from the (status, created_at) index."""
        return self._run(
            lambda s, _editor: s.exec(
                select(Verdict.id)
                .where(Verdict.status == VerdictStatus.proposed)
                .order_by(col(Verdict.created_at))
                .limit(review.PAGE_SIZE)
            ).all()
        )

    def cases(self) -> list[Case]:
        last = self.last_day.date()
        quarter = ClaimFilters(start=last - timedelta(days=90), end=last)
        deep = self.max_id // 2  # the middle of the archive, reached by keyed paging
        return [
            ("dashboard, no filter (cold)", 1.0, self.dashboard(ClaimFilters())),
            ("  baseline: direct GROUP BY", INF, self.direct_dashboard(ClaimFilters())),
            ("dashboard, state=approved", 0.3, self.dashboard(ClaimFilters(states=("approved",)))),
            ("dashboard, outlet", 0.3, self.dashboard(ClaimFilters(outlet=self.outlet))),
            ("dashboard, reviewer", 0.3, self.dashboard(ClaimFilters(reviewer=self.reviewer))),
            ("dashboard, last 90 days", 0.3, self.dashboard(quarter)),
            ("dashboard, median tag", 0.3, self.dashboard(ClaimFilters(tag=self.median_tag))),
            ("dashboard, most used tag", 0.3, self.dashboard(ClaimFilters(tag=self.top_tag))),
            (
                "dashboard, tag + state",
                0.3,
                self.dashboard(ClaimFilters(tag=self.top_tag, states=("approved",))),
            ),
            *self.combinations(quarter),
            ("claims list, page 1", 0.05, self.claims(ClaimFilters())),
            ("  baseline: count + LIMIT 50", INF, self.count_limit()),
            ("claims list, keyed deep page", 0.1, self.claims(ClaimFilters(), before_id=deep)),
            ("claims list, keyed previous", 0.1, self.claims(ClaimFilters(), after_id=deep)),
            ("  old way: OFFSET page 1,000", INF, self.claims(ClaimFilters(), page=999)),
            ("claims list, median tag", 0.1, self.claims(ClaimFilters(tag=self.median_tag))),
            (
                "claims list, search (typo)",
                0.15,
                self.claims(ClaimFilters(search="helth care costs")),
            ),
            ("  baseline: search ids only", INF, self.bare_search("helth care costs")),
            ("review queue, first page", 0.1, self.queue(0)),
            ("review queue, last page", 0.1, self.queue(max(0, self.queued - review.PAGE_SIZE))),
            ("  baseline: queue ids only", INF, self.bare_queue()),
        ]


def measure(action: Callable[[], object], runs: int) -> tuple[float, float, float, float]:
    """(first run, median, p95, median CPU) in seconds; the first run is the cold one for
    this process (no connection, no statement cache), the others repeat it."""
    times, cpus = [], []
    for _ in range(runs + 1):
        started, cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    first, rest = times[0], sorted(times[1:])
    return (
        first,
        statistics.median(rest),
        rest[min(len(rest) - 1, round(0.95 * (len(rest) - 1)))],
        statistics.median(cpus[1:]),
    )


def bench(
    name: str, url: str, runs: int, only: list[str] | None = None
) -> dict[str, tuple[float, float]]:
    """Every case on one database (``only``: those whose label holds one of these
    texts): prints a line each; returns {label: (median, budget)}."""
    desk = Desk(url)
    print(
        f"\n{name} ({desk.queued:,} verdicts waiting; tags: median {desk.median_tag!r}, "
        f"most used {desk.top_tag!r})",
        flush=True,
    )
    results = {}
    for label, budget, action in desk.cases():
        if only and not any(text in label for text in only):
            continue
        first, median, p95, cpu = measure(action, runs if budget < INF else max(1, runs // 3))
        over = "  OVER" if median > budget else ""
        print(
            f"  {label:32s} first {first * 1000:7.1f}  median {median * 1000:7.1f}  "
            f"p95 {p95 * 1000:7.1f}  CPU {cpu * 1000:7.1f} ms"
            f"{'' if budget == INF else f'  (budget {budget * 1000:.0f})'}{over}",
            flush=True,
        )
        results[label] = (median, budget)
    desk.engine.dispose()
    return results


def sqlite_at(size: int) -> str:
    """The cached SQLite desk of ``size`` claims, generated if missing."""
    path = Path(f"/tmp/workbench-bench-{size}.sqlite3")
    url = f"sqlite:///{path}"
    if not path.exists():
        _generate(url, size)
    return url


def postgres_at(base: str, size: int) -> str:
    """The PostgreSQL desk ``<database>_<size>`` beside ``base``, created if missing."""
    parsed = make_url(base)
    name = f"{parsed.database}_{size}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    url = parsed.set(database=name).render_as_string(hide_password=False)
    if not exists:
        _generate(url, size)
    return url


def _generate(url: str, size: int) -> None:
    from generate import generate  # benchmarks/ is on sys.path when run as a script

    print(f"building {url.split('@')[-1]} ({size:,} claims)…", flush=True)
    generate(url, size, seed=7, with_search=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sqlite", nargs="?", help="a SQLite file filled by generate.py")
    parser.add_argument(
        "--postgres",
        help="PostgreSQL URL (with --curve/--claims: the base "
        "name of the databases to build or reuse)",
    )
    parser.add_argument(
        "--claims", type=int, action="append", help="a desk size to build or reuse (repeatable)"
    )
    parser.add_argument("--curve", action="store_true", help="--claims 10000 100000 1000000")
    parser.add_argument("--no-sqlite", action="store_true", help="with --curve: PostgreSQL only")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--only",
        action="append",
        help="time only the cases whose label holds this text (repeatable)",
    )
    args = parser.parse_args(argv)
    sizes = list(SIZES) if args.curve else args.claims or []
    targets: list[tuple[str, int | None, Callable[[], str]]] = []
    if args.sqlite:
        targets.append(("SQLite", None, lambda: f"sqlite:///{Path(args.sqlite).resolve()}"))
    for size in sizes:
        if not args.no_sqlite:
            targets.append(("SQLite", size, lambda size=size: sqlite_at(size)))
    for size in sizes if args.postgres else []:
        targets.append(("PostgreSQL", size, lambda size=size: postgres_at(args.postgres, size)))
    if args.postgres and not sizes:
        targets.append(("PostgreSQL", None, lambda: args.postgres))
    if not targets:
        parser.error("give a SQLite file, --postgres URL, --claims N or --curve")
    curve: dict[tuple[str, str], dict[int | None, float]] = {}
    budgets: dict[str, float] = {}
    for name, size, url in targets:
        label = name if size is None else f"{name}, {size:,} claims"
        for case, (median, budget) in bench(label, url(), args.runs, args.only).items():
            curve.setdefault((name, case), {})[size] = median
            budgets[case] = budget
    ok = True
    for name in dict.fromkeys(name for name, _, _ in targets):
        columns = sorted(
            {size for (n, _), row in curve.items() if n == name for size in row},
            key=lambda s: s or 0,
        )
        print(
            f"\n{name}: median ms per size "
            + "  ".join(f"{'file' if s is None else f'{s:,}':>10s}" for s in columns)
        )
        for (n, case), row in curve.items():
            if n != name:
                continue
            print(
                f"  {case:32s}"
                + "".join(f"{row[s] * 1000:12.1f}" if s in row else " " * 12 for s in columns)
            )
            ok &= row[columns[-1]] <= budgets[case]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
