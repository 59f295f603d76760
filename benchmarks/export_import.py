"""Timing the claim report: export of 10k/100k claims, imports, and what imports cost others.

    .venv/bin/python benchmarks/export_import.py            # 100k claims, needs a few minutes
    .venv/bin/python benchmarks/export_import.py --claims 20000 --dry-run-rows 100000

Builds throw-away SQLite databases in a temporary directory (bulk inserts, not the
services, so building is quick), then prints seconds and tracemalloc peaks. Memory
should be flat: the 100k export's peak close to the 10k one's.

Imports go through ``run_import`` (what the CLI and the Reports page call), each in a
child process so its peak RSS is its own. Printed per import: end-to-end seconds,
rows/s, the write-lock hold time (time inside the write transaction) and peak RSS; as
the baseline, a raw ``sqlite3`` executemany of the same claim rows into the same schema.
Then a second process saves a claim 25 times through ``claims.update_claim`` while a
100k-row import runs (targets: 0 failed saves, lock held ≤ ~2 s), and a 1,000,000-row
file is dry-run (target: < 300 MB peak RSS).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eval_data import EVAL_DATA
from sqlalchemy import Engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench import claims, db, users  # noqa: E402
from workbench.models import (  # noqa: E402
    AuditEvent,
    Claim,
    ClaimTag,
    Evidence,
    Source,
    Verdict,
)
from workbench.reports.csv_export import write_csv  # noqa: E402
from workbench.reports.csv_import import run_import  # noqa: E402
from workbench.reports.csv_read import ReadOptions  # noqa: E402
from workbench.reports.rating_map import load_rating_map  # noqa: E402

LIAR = EVAL_DATA / "claims" / "liar"
TAGS = ["economy", "health", "=formula", "taxes", "immigration", "energy", "crime", "ukraine"]


def fresh_engine(folder: Path, name: str) -> Engine:
    url = f"sqlite:///{folder / name}"
    db.upgrade(url)
    return db.get_engine(url)


def fill(engine: Engine, count: int, seed: int = 1) -> None:
    """``count`` claims: tags, a third with evidence, half approved, in bulk."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
        sources = [{"url": f"https://example.org/source/{i}", "title": "", "publisher": "",
                    "archive_url": f"https://web.archive.org/web/2025/{i}" if i % 2 else "",
                    "kind": "other", "notes": "", "created_at": start} for i in range(1, 501)]
        session.execute(insert(Source.__table__), sources)  # type: ignore[attr-defined]
        for first in range(1, count + 1, 10_000):
            ids = range(first, min(count, first + 9_999) + 1)
            claims, tags, evidence, verdicts = [], [], [], []
            for i in ids:
                at = start + timedelta(minutes=i)
                approved = i % 2 == 0
                claims.append({
                    "id": i, "quote": f"Claim number {i} says -{i} things, \"quoted\"\nnewline",
                    "prefix": "", "suffix": "", "anchor_status": "none",
                    "statement": f"Statement {i}: the figure was {rng.randint(1, 10**6)}",
                    "claimant": rng.choice(["Ann", "Bob", "@handle", "Ministry"]),
                    "claim_type": "numeric", "reasons": [],
                    "state": "approved" if approved else "researching", "created_by": actor.id,
                    "assignee_id": actor.id, "created_at": at, "updated_at": at, "version": 2})
                tags += [{"claim_id": i, "tag": t} for t in rng.sample(TAGS, 2)]
                if i % 3 == 0 or approved:
                    evidence += [{"claim_id": i, "source_id": rng.randint(1, 500),
                                  "stance": "supports", "excerpt": "", "independent": True,
                                  "added_by": actor.id, "created_at": at}]
                if approved:
                    verdicts.append({"claim_id": i, "rating_id": rng.randint(1, 6),
                                     "conclusion": "", "rationale": f"Because {i}.",
                                     "author_id": actor.id, "created_at": at,
                                     "status": "approved", "reviewed_at": at,
                                     "review_comment": "", "correction_reason": "",
                                     "version": 1})
            for model, rows in ((Claim, claims), (ClaimTag, tags), (Evidence, evidence),
                                (Verdict, verdicts)):
                session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        session.execute(insert(AuditEvent.__table__), [{  # type: ignore[attr-defined]
            "at": start, "actor_id": actor.id, "actor_name": actor.name, "entity": "claim",
            "entity_id": 1, "action": "benchmark", "claim_id": None, "changes": {}}])


def measure(label: str, work: Callable[[], Any]) -> Any:
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<46} {seconds:7.2f} s   peak {peak / 2**20:7.1f} MiB   {result}")
    return result


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"{label:<46} {time.perf_counter() - started:7.2f} s   (no tracemalloc)  {result}")
    return result


def _import_child(url: str, path: str, options: ReadOptions, rating_map: str, restore: bool,
                  dry_run: bool, queue: Any) -> None:
    db.get_engine.cache_clear()
    engine = db.get_engine(url)
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
    started = time.perf_counter()
    report = run_import(actor, Path(path), options, engine=engine, restore=restore,
                        rating_map=load_rating_map(rating_map) if rating_map else None,
                        dry_run=dry_run, source_name=Path(path).name)
    queue.put((time.perf_counter() - started, report.records, report.created,
               len(report.errors), report.write_seconds,
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def import_file(label: str, engine: Engine, path: Path, options: ReadOptions,
                rating_map: str = "", *, restore: bool = False, dry_run: bool = False) -> float:
    """Run one import in a child process; print seconds, rows/s, lock time and peak RSS."""
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=_import_child, args=(
        str(engine.url), str(path), options, rating_map, restore, dry_run, queue))
    child.start()
    seconds, records, created, errors, locked, rss = queue.get()
    child.join()
    print(f"{label:<46} {seconds:7.2f} s   {records / seconds:9,.0f} rows/s   "
          f"write lock {locked:5.2f} s   peak RSS {rss:6.0f} MiB   "
          f"{created:,} created, {errors} errors")
    return seconds


def raw_baseline(folder: Path, csv_path: Path) -> None:
    """The same claim rows by ``sqlite3.executemany`` alone: the floor for the write."""
    engine = fresh_engine(folder, "raw.sqlite3")
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = [(int(r["claim_id"]), r["quote"], r["statement"], r["claimant"], r["type"],
                 r["state"], r["created_at"], r["updated_at"], int(r["version"]))
                for r in csv.DictReader(handle)]
    connection = sqlite3.connect(str(engine.url.database))
    started = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO claim (id, quote, statement, claimant, claim_type, state, created_at, "
            "updated_at, version, prefix, suffix, anchor_status, reasons) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 'none', '[]')", rows)
    seconds = time.perf_counter() - started
    connection.close()
    print(f"{'baseline: raw executemany, same claim rows':<46} {seconds:7.2f} s   "
          f"{len(rows) / seconds:9,.0f} rows/s")


def _saver(url: str, claim_id: int, start: Any, queue: Any) -> None:
    """A colleague saving one claim 25 times, as the annotate page would."""
    db.get_engine.cache_clear()
    engine = db.get_engine(url)
    start.wait()
    failed, slowest = 0, 0.0
    for n in range(25):
        began = time.perf_counter()
        try:
            with db.write_session(engine) as session:
                actor = users.builtin_user(session, users.CLI_USER)
                claim = claims.get_claim(session, claim_id)
                claims.update_claim(session, actor, claim_id, claim.version,
                                    claimant=f"Saved {n}")
        except Exception:  # noqa: BLE001 - counting every failure is the point
            failed += 1
        slowest = max(slowest, time.perf_counter() - began)
        time.sleep(0.15)
    queue.put((failed, slowest))


def saves_during_import(folder: Path, csv_path: Path) -> None:
    engine = fresh_engine(folder, "concurrent.sqlite3")
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
        claim_id = claims.create_claim(session, actor, claims.ClaimDraft(
            None, statement="A colleague's claim")).id
    foreign = folder / "no_ids.csv"  # the colleague's claim took id 1: import without ids
    with open(csv_path, encoding="utf-8", newline="") as source, \
            open(foreign, "w", encoding="utf-8", newline="") as target:
        writer = None
        for row in csv.DictReader(source):
            row["claim_id"] = row["version"] = ""
            writer = writer or csv.DictWriter(target, list(row), lineterminator="\r\n")
            if target.tell() == 0:
                writer.writeheader()
            writer.writerow(row)
    start, queue = multiprocessing.Event(), multiprocessing.Queue()
    saver = multiprocessing.Process(target=_saver, args=(str(engine.url), claim_id, start,
                                                         queue))
    saver.start()
    start.set()
    import_file("import while a colleague saves 25 times", engine, foreign, ReadOptions())
    failed, slowest = queue.get()
    saver.join()
    print(f"{'  colleague saves failed (target 0)':<46} {failed:7d} of 25   slowest save "
          f"{slowest:.2f} s")


def million_rows(path: Path, rows: int) -> None:
    """A foreign-style file (no ids) of ``rows`` claims, written streaming."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["statement", "claimant", "tags", "rating_label", "claim_date"])
        for n in range(rows):
            writer.writerow([f"Claim {n}: the budget rose by {n % 997} million euros in 2024",
                             "Minister", "economy | budget", "False", "2025-01-02"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--dry-run-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in sorted({10_000, args.claims}):
            engine = fresh_engine(folder, f"export_{count}.sqlite3")
            timed(f"build {count:,} claims (bulk insert)", lambda e=engine, c=count: fill(e, c))
            with db.write_session(engine) as session:
                actor = users.builtin_user(session, users.CLI_USER)
            out = folder / f"report_{count}.csv"
            timed(f"export csv, {count:,} claims", lambda e=engine, o=out, a=actor: write_csv(
                a, o, e))
            measure(f"export csv, {count:,} claims (tracemalloc)",
                    lambda e=engine, o=out, a=actor: write_csv(a, o, e))
        big = folder / f"report_{args.claims}.csv"
        raw_baseline(folder, big)
        import_file(f"import {args.claims:,} rows into empty db", fresh_engine(
            folder, "import_big.sqlite3"), big, ReadOptions())
        restored = fresh_engine(folder, "restore_big.sqlite3")
        import_file(f"restore {args.claims:,} rows into empty db", restored, big, ReadOptions(),
                    restore=True)
        with db.write_session(restored) as session:
            actor = users.builtin_user(session, users.CLI_USER)
        write_csv(actor, folder / "again.csv", restored)
        same = (folder / "again.csv").read_bytes() == big.read_bytes()
        print(f"{'export → restore → export, same bytes':<46} {same}")
        saves_during_import(folder, big)
        if LIAR.is_dir():
            liar = fresh_engine(folder, "liar.sqlite3")
            options = ReadOptions("\t", "none", False, "statement=2,claimant=4,rating=1,tags=3")
            total = sum(import_file(f"import LIAR {split}", liar, LIAR / f"{split}.tsv", options,
                                    "politifact") for split in ("train", "valid", "test"))
            print(f"{'LIAR total (12,836 statements)':<46} {total:7.2f} s")
        else:
            print(f"LIAR files not found at {LIAR}; skipped")
        huge = folder / "million.csv"
        million_rows(huge, args.dry_run_rows)
        import_file(f"dry run of a {args.dry_run_rows:,}-row file", fresh_engine(
            folder, "dry.sqlite3"), huge, ReadOptions(), dry_run=True)


if __name__ == "__main__":
    main()
