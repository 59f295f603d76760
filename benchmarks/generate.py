"""Fill a database with a realistic desk: N claims (default 100,000) with their articles,
tags, evidence, verdicts and audit rows; the goal is 1,000,000 claims within 5 minutes.

    python benchmarks/generate.py /tmp/bench.sqlite3 --claims 1000000
    python benchmarks/generate.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench

The rows (LIAR text, realistic skew) come from ``benchmarks/desk.py``. How it stays fast
(issue 9: 1M claims, ~9M rows, on 2 cores):

- the schema is migrated first (``db.upgrade``); rows are plain tuples written with
  ``executemany`` (SQLite) or ``COPY`` (PostgreSQL): no ORM objects;
- two processes (``--processes``) each make and write half the articles with their
  claims, since making a row and handing it to the driver both cost Python time.
  SQLite: the second process writes a file of its own, a copy of the empty migrated
  schema, which the first appends with ``INSERT … SELECT *`` (SQLite copies the records
  as they are) when both are done; PostgreSQL: both ``COPY`` into the database, each in
  its own transaction with foreign-key triggers off (ids are consistent by construction);
- SQLite is loaded without journal (``journal_mode=OFF``, ``synchronous=OFF``; throw the
  file away if the load fails), then switched back to WAL at the end. Its cache is 64 MB
  (with 1 GB, building the indexes of 100k claims took 3.9 s of CPU instead of 2.9 s)
  and ``threads=2`` lets its sorter (indexes, large GROUP BYs) use a second thread;
- secondary indexes (the summary's too), the FTS5 sync triggers and the GIN indexes are
  dropped for the load and built once afterwards (SQLite's FTS index with ``'rebuild'``);
- search documents: ``workbench.search.claim_document`` runs once per LIAR row for its
  claims and once for it as an article title (``desk.Text``);
- the dashboard summary is counted in SQL by ``workbench.summary.rebuild``. SQLite: each
  process counts its own claims, and the merge adds the second's summary rows to the
  first's (summary rows are sums over claims, which is how the app keeps them current
  too; only the summary's generation counter reads 2); PostgreSQL: once, after the load.

At 1M claims with nothing else running (load average 1.7–2.1: these two processes) this
took 122 s wall and 182 s of CPU: rows 49 s (24–25 s per process, about half of it
SQLite's inserts), the summary's SQL 77 s (38–39 s per process: 17 GROUP BYs over the
claims' facts, each a sort; the tag-keyed ``tag#`` alone about a fifth), then in the
first process alone merge 8 s, secondary indexes 30 s (the summary's three about 40%),
search index 12 s and analyze 4 s. Beside other work on the 2 cores (load average 5–7)
it took 256 s wall and 197 s of CPU. (549 s wall and 350 s of CPU, before the summary's
facts were counted once per claim in a materialised CTE.)

Each phase prints its wall and CPU seconds (CPU of its process: on PostgreSQL the
server's work is not in it) and the load average, since the machine is shared; the
total adds the other processes' CPU. Refuses a database that already holds claims.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from desk import CLAIMS_PER_ARTICLE, Desk, check_columns, liar_rows
from loading import Clock, Indexes, Loader
from sqlalchemy import func, select

from workbench import db
from workbench.models import Claim, Rating, RatingScale

BLOCK = 20_000  # claims made and written per round (bounded memory)


@dataclass(frozen=True)
class Shard:
    """One process's part of the desk: a range of articles with their claims."""

    url: str  # where its rows go (SQLite: the second process's own file)
    index: int
    articles: range
    claims: int  # the whole desk's (the last article may be short)
    seed: int
    ratings: dict[str, int]
    now: datetime
    with_docs: bool

    def claim_ids(self, article_id: int) -> range:
        first = (article_id - 1) * CLAIMS_PER_ARTICLE
        return range(first + 1, min(first + CLAIMS_PER_ARTICLE, self.claims) + 1)


def plan(
    url: str, claims: int, processes: int, seed: int, ratings: dict[str, int], with_docs: bool
) -> list[Shard]:
    """The desk in ``processes`` shards of consecutive articles; SQLite shards after the
    first go to files beside the target (``<file>.shard<n>``)."""
    articles = -(-claims // CLAIMS_PER_ARTICLE)
    bounds = [1 + articles * k // processes for k in range(processes + 1)]
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    path = db.sqlite_file(url)
    return [
        Shard(
            url if k == 0 or path is None else f"sqlite:///{path}.shard{k}",
            k,
            range(bounds[k], bounds[k + 1]),
            claims,
            seed,
            ratings,
            now,
            with_docs,
        )
        for k in range(processes)
    ]


def load(loader: Loader, shard: Shard, clock: Clock) -> dict[str, int]:
    """Make and write one shard's rows in one transaction; returns the rows per table.
    The first shard also writes the users and sources."""
    desk = Desk(
        shard.seed,
        shard.index,
        shard.claim_ids(shard.articles.start).start - 1,
        liar_rows(),
        shard.ratings,
        loader.stamp(),
        shard.now,
        shard.with_docs,
    )
    counts: dict[str, int] = {}
    with loader.transaction():
        if shard.index == 0:
            desk.people_and_sources()
        for article_id in shard.articles:
            desk.article(article_id, shard.claim_ids(article_id))
            if len(desk.rows["claim"]) >= BLOCK:
                loader.write(desk.take(), counts)
        loader.write(desk.take(), counts)
    overran = desk.overran(shard.claim_ids(shard.articles.stop).start - 1)
    if overran:
        raise RuntimeError(f"ids of {overran} overlap the next shard's: raise desk.PER_CLAIM")
    clock.lap(f"rows ({sum(counts.values()):,})")
    return counts


def load_elsewhere(shard: Shard) -> dict[str, int]:
    """A shard loaded in another process (SQLite: with its own summary)."""
    clock = Clock(f"process {shard.index + 1}: ")
    loader = Loader(shard.url)
    try:
        counts = load(loader, shard, clock)
        if loader.sqlite:
            loader.count_summary()
            clock.lap("dashboard summary")
        return counts
    finally:
        loader.close()


def _ratings(url: str) -> dict[str, int]:
    """The default scale's rating ids by label; exits when the database holds claims."""
    with db.read_session(db.get_engine(url)) as session:
        if session.execute(select(func.count()).select_from(Claim)).scalar_one():
            sys.exit("This database already holds claims; give an empty one.")
        default = session.execute(
            select(RatingScale.id).where(RatingScale.is_default.is_(True))
        ).scalar_one()  # type: ignore[attr-defined]
        return dict(
            session.execute(select(Rating.label, Rating.id).where(Rating.scale_id == default)).all()
        )


def generate(
    url: str, claims: int, seed: int, with_search: bool, processes: int = 2
) -> dict[str, int]:
    """Fill the empty database at ``url``; returns the rows written per table."""
    check_columns()
    clock = Clock()
    db.upgrade(url)
    ratings = _ratings(url)
    clock.lap("schema")
    loader = Loader(url)
    indexes = Indexes(loader.engine)
    indexes.drop()
    shards = plan(url, claims, processes, seed, ratings, with_search)
    with loader.shard_files([shard.url for shard in shards[1:]] if loader.sqlite else []):
        with ProcessPoolExecutor(max(1, processes - 1), mp_context=get_context("spawn")) as pool:
            others = [pool.submit(load_elsewhere, shard) for shard in shards[1:]]
            counts = load(loader, shards[0], clock)
            if loader.sqlite:
                counts["dashboard_count"] = loader.count_summary()
                clock.lap("dashboard summary")
            for other in others:
                for table, n in other.result().items():
                    counts[table] += n
            clock.lap("waiting for the other processes")
        if loader.sqlite:
            for shard in shards[1:]:
                counts["dashboard_count"] = loader.merge(shard.url)
                clock.lap(f"merge process {shard.index + 1}'s rows")
        else:
            counts["dashboard_count"] = loader.count_summary()
            clock.lap("dashboard summary")
    indexes.create(clock)
    loader.finish()
    clock.lap("analyze" if loader.sqlite else "vacuum analyze")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", help="SQLite file path (or a database URL)")
    parser.add_argument("--postgres", help="a PostgreSQL URL (an empty database)")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="processes making rows (default 2: one per core here)",
    )
    parser.add_argument(
        "--no-search", action="store_true", help="skip the search documents (claim_search_doc)"
    )
    args = parser.parse_args(argv)
    if not (args.target or args.postgres):
        parser.error("give a SQLite file and/or --postgres URL")
    targets = (
        [args.target if "://" in args.target else f"sqlite:///{Path(args.target).resolve()}"]
        if args.target
        else []
    )
    targets += [args.postgres] if args.postgres else []
    for url in targets:
        started, cpu = time.perf_counter(), time.process_time()
        others = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(f"{url.split('@')[-1]}: {args.claims:,} claims", flush=True)
        counts = generate(url, args.claims, args.seed, not args.no_search, args.processes)
        done = resource.getrusage(resource.RUSAGE_CHILDREN)
        other_cpu = (done.ru_utime + done.ru_stime) - (others.ru_utime + others.ru_stime)
        print("  " + ", ".join(f"{name}: {n:,}" for name, n in counts.items()))
        print(
            f"  verdict + audit rows: {counts['verdict'] + counts['audit_event']:,}; "
            f"total {time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu + other_cpu:.1f} s CPU "
            f"({other_cpu:.1f} s in the other processes)",
            flush=True,
        )


if __name__ == "__main__":
    main()
