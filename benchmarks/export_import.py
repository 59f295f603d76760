"""Timing the claim report: export of 10k/100k claims, imports through the CLI, and what an
import costs a colleague who is saving at the same time.

    .venv/bin/python benchmarks/export_import.py            # 100k claims, several minutes
    .venv/bin/python benchmarks/export_import.py --claims 20000 --dry-run-rows 100000

Builds throw-away SQLite databases in a temporary directory (bulk inserts, not the
services, so building is quick), then prints seconds and tracemalloc peaks. Memory
should be flat: the 100k export's peak close to the 10k one's.

Imports run ``workbench import csv … --json`` in a subprocess, the path a user takes.
Printed per import: the process's wall seconds (Python start-up included), the
importer's own seconds and rows/s, the write-lock hold time (first write to commit, from
the command's JSON) and the process's peak RSS, beside the baseline of the same run: a
raw ``sqlite3`` executemany of the same claim rows into the same schema (the machine is
shared and noisy: compare the ratios, not the seconds). During each real import a
colleague process saves a claim every ~100 ms through ``claims.update_claim`` in
``db.write_session``, from before the import starts until it has exited, so its saves
fall in the check *and* the write phase: failed saves (target 0) and the slowest save
are printed. Last, a 1,000,000-row file is dry-run through the CLI (target < 300 MB RSS).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
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

LIAR = EVAL_DATA / "claims" / "liar"
WORKBENCH = Path(sys.executable).with_name("workbench")
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
        sources = [
            {
                "url": f"https://example.org/source/{i}",
                "title": "",
                "publisher": "",
                "archive_url": f"https://web.archive.org/web/2025/{i}" if i % 2 else "",
                "kind": "other",
                "notes": "",
                "created_at": start,
            }
            for i in range(1, 501)
        ]
        session.execute(insert(Source.__table__), sources)  # type: ignore[attr-defined]
        for first in range(1, count + 1, 10_000):
            ids = range(first, min(count, first + 9_999) + 1)
            claims, tags, evidence, verdicts = [], [], [], []
            for i in ids:
                at = start + timedelta(minutes=i)
                approved = i % 2 == 0
                claims.append(
                    {
                        "id": i,
                        "quote": f'Claim number {i} says -{i} things, "quoted"\nnewline',
                        "prefix": "",
                        "suffix": "",
                        "anchor_status": "none",
                        "statement": f"Statement {i}: the figure was {rng.randint(1, 10**6)}",
                        "claimant": rng.choice(["Ann", "Bob", "@handle", "Ministry"]),
                        "claim_type": "numeric",
                        "reasons": [],
                        "state": "approved" if approved else "researching",
                        "created_by": actor.id,
                        "assignee_id": actor.id,
                        "created_at": at,
                        "updated_at": at,
                        "version": 2,
                    }
                )
                tags += [{"claim_id": i, "tag": t} for t in rng.sample(TAGS, 2)]
                if i % 3 == 0 or approved:
                    evidence += [
                        {
                            "claim_id": i,
                            "source_id": rng.randint(1, 500),
                            "stance": "supports",
                            "excerpt": "",
                            "independent": True,
                            "added_by": actor.id,
                            "created_at": at,
                        }
                    ]
                if approved:
                    verdicts.append(
                        {
                            "claim_id": i,
                            "rating_id": rng.randint(1, 6),
                            "conclusion": "",
                            "rationale": f"Because {i}.",
                            "author_id": actor.id,
                            "created_at": at,
                            "status": "approved",
                            "reviewed_at": at,
                            "review_comment": "",
                            "correction_reason": "",
                            "version": 1,
                        }
                    )
            for model, rows in (
                (Claim, claims),
                (ClaimTag, tags),
                (Evidence, evidence),
                (Verdict, verdicts),
            ):
                session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        session.execute(
            insert(AuditEvent.__table__),
            [
                {  # type: ignore[attr-defined]
                    "at": start,
                    "actor_id": actor.id,
                    "actor_name": actor.name,
                    "entity": "claim",
                    "entity_id": 1,
                    "action": "benchmark",
                    "claim_id": None,
                    "changes": {},
                }
            ],
        )


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


class Colleague:
    """A process saving one claim every ~100 ms (the annotate page's write path) until
    stopped; :meth:`result` gives (saves, failed, slowest seconds, saves over 1 s)."""

    def __init__(self, url: str, claim_id: int) -> None:
        self.stop, self.queue = multiprocessing.Event(), multiprocessing.Queue()
        self.process = multiprocessing.Process(
            target=_save_until_stopped, args=(url, claim_id, self.stop, self.queue)
        )
        self.process.start()
        self.queue.get()  # the first save is done: the colleague is at work

    def result(self) -> tuple[int, int, float, int]:
        self.stop.set()
        result = self.queue.get()
        self.process.join()
        return result


def _save_until_stopped(url: str, claim_id: int, stop: Any, queue: Any) -> None:
    db.get_engine.cache_clear()
    engine = db.get_engine(url)
    saves = failed = slow = 0
    slowest = 0.0
    while not stop.is_set():
        began = time.perf_counter()
        try:
            with db.write_session(engine) as session:
                actor = users.builtin_user(session, users.CLI_USER)
                claim = claims.get_claim(session, claim_id)
                claims.update_claim(
                    session, actor, claim_id, claim.version, claimant=f"Saved {saves}"
                )
        except Exception:  # noqa: BLE001 - counting every failure is the point
            failed += 1
        took = time.perf_counter() - began
        slowest, slow, saves = max(slowest, took), slow + (took > 1), saves + 1
        if saves == 1:
            queue.put("ready")
        time.sleep(0.1)
    queue.put((saves, failed, slowest, slow))


def colleague_claim(engine: Engine) -> int:
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
        return claims.create_claim(
            session, actor, claims.ClaimDraft(None, statement="A colleague's claim")
        ).id


def cli_import(
    label: str,
    engine: Engine,
    path: Path,
    *args: str,
    baseline: float = 0.0,
    colleague: int | None = None,
) -> float:
    """``workbench import csv PATH ARGS --json`` in a subprocess, with a colleague saving
    claim ``colleague`` meanwhile; prints the figures, returns the importer's seconds."""
    env = {**os.environ, "WORKBENCH_DATABASE_URL": str(engine.url)}
    saver = Colleague(str(engine.url), colleague) if colleague else None
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(WORKBENCH), "import", "csv", str(path), *args, "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out = b"".join(child.stdout or [])
    _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS (KiB)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    saves = saver.result() if saver else None
    if child.returncode != 0:
        print(f"{label}: failed: {(child.stderr.read() if child.stderr else b'').decode()}")
        return 0.0
    report = json.loads(out)
    seconds, locked, records = report["seconds"], report["write_seconds"], report["records"]
    ratio = (
        f"  ({seconds / baseline:.1f}× baseline, lock {locked / baseline:.1f}×)" if baseline else ""
    )
    print(
        f"{label:<46} {wall:7.2f} s process, {seconds:6.2f} s import, "
        f"{records / seconds:7,.0f} rows/s, lock {locked:5.2f} s, peak RSS "
        f"{usage.ru_maxrss / 1024:4.0f} MiB, {report['created']:,} created, "
        f"{len(report['errors'])} errors{ratio}"
    )
    if saves:
        count, failed, slowest, slow = saves
        print(
            f"{'  a colleague saving every ~100 ms meanwhile':<46} {failed} of {count} saves "
            f"failed (target 0), slowest {slowest:.2f} s, {slow} over 1 s"
        )
    return seconds


def raw_baseline(folder: Path, csv_path: Path) -> float:
    """The same claim rows by ``sqlite3.executemany`` alone: the floor for the write."""
    engine = fresh_engine(folder, "raw.sqlite3")
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = [
            (
                int(r["claim_id"]),
                r["quote"],
                r["statement"],
                r["claimant"],
                r["type"],
                r["state"],
                r["created_at"],
                r["updated_at"],
                int(r["version"]),
            )
            for r in csv.DictReader(handle)
        ]
    connection = sqlite3.connect(str(engine.url.database))
    started = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO claim (id, quote, statement, claimant, claim_type, state, created_at, "
            "updated_at, version, prefix, suffix, anchor_status, reasons) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 'none', '[]')",
            rows,
        )
    seconds = time.perf_counter() - started
    connection.close()
    print(
        f"{'baseline: raw executemany, same claim rows':<46} {seconds:7.2f} s   "
        f"{len(rows) / seconds:9,.0f} rows/s"
    )
    return seconds


def without_ids(source: Path, target: Path) -> None:
    """The report without claim_id and version (the colleague's claim took id 1)."""
    with (
        open(source, encoding="utf-8", newline="") as handle,
        open(target, "w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(handle)
        writer = csv.DictWriter(out, reader.fieldnames or [], lineterminator="\r\n")
        writer.writeheader()
        for row in reader:
            row["claim_id"] = row["version"] = ""
            writer.writerow(row)


def million_rows(path: Path, rows: int) -> None:
    """A foreign-style file (no ids) of ``rows`` claims, written streaming."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["statement", "claimant", "tags", "rating_label", "claim_date"])
        for n in range(rows):
            writer.writerow(
                [
                    f"Claim {n}: the budget rose by {n % 997} million euros in 2024",
                    "Minister",
                    "economy | budget",
                    "False",
                    "2025-01-02",
                ]
            )


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
            timed(
                f"export csv, {count:,} claims", lambda e=engine, o=out, a=actor: write_csv(a, o, e)
            )
            measure(
                f"export csv, {count:,} claims (tracemalloc)",
                lambda e=engine, o=out, a=actor: write_csv(a, o, e),
            )
        big = folder / f"report_{args.claims}.csv"
        baseline = raw_baseline(folder, big)
        foreign = folder / "no_ids.csv"
        without_ids(big, foreign)
        engine = fresh_engine(folder, "import_big.sqlite3")
        cli_import(
            f"import {args.claims:,} rows (no ids)",
            engine,
            foreign,
            baseline=baseline,
            colleague=colleague_claim(engine),
        )
        restored = fresh_engine(folder, "restore_big.sqlite3")
        cli_import(
            f"restore {args.claims:,} rows into empty db",
            restored,
            big,
            "--restore",
            baseline=baseline,
        )
        with db.write_session(restored) as session:
            actor = users.builtin_user(session, users.CLI_USER)
        write_csv(actor, folder / "again.csv", restored)
        same = (folder / "again.csv").read_bytes() == big.read_bytes()
        print(f"{'export → restore → export, same bytes':<46} {same}")
        if LIAR.is_dir():
            liar = fresh_engine(folder, "liar.sqlite3")
            options = (
                "--no-header",
                "--quoting",
                "none",
                "--columns",
                "statement=2,claimant=4,rating=1,tags=3",
                "--rating-map",
                "politifact",
            )
            # The baseline's rows/s applied to LIAR train's 10,269 rows.
            train_baseline = baseline * 10_269 / args.claims
            total = sum(
                cli_import(
                    f"import LIAR {split}",
                    liar,
                    LIAR / f"{split}.tsv",
                    *options,
                    colleague=colleague_claim(liar),
                    baseline=train_baseline if split == "train" else 0.0,
                )
                for split in ("train", "valid", "test")
            )
            print(f"{'LIAR total (12,836 statements)':<46} {total:7.2f} s")
        else:
            print(f"LIAR files not found at {LIAR}; skipped")
        huge = folder / "million.csv"
        million_rows(huge, args.dry_run_rows)
        cli_import(
            f"dry run of a {args.dry_run_rows:,}-row file",
            fresh_engine(folder, "dry.sqlite3"),
            huge,
            "--dry-run",
        )


if __name__ == "__main__":
    main()
