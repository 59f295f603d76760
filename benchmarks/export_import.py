"""Timing the claim report: export of 10k/100k claims, LIAR import, 100k-row import.

    .venv/bin/python benchmarks/export_import.py            # 100k claims, needs ~1 min
    .venv/bin/python benchmarks/export_import.py --claims 20000

Builds throw-away SQLite databases in a temporary directory (bulk inserts, not the
services, so building is quick), then prints seconds and tracemalloc peaks. Memory
should be flat: the 100k export's peak close to the 10k one's.
"""

from __future__ import annotations

import argparse
import random
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

from workbench import db, users  # noqa: E402
from workbench.models import (  # noqa: E402
    AuditEvent,
    Claim,
    ClaimTag,
    Evidence,
    Source,
    Verdict,
)
from workbench.reports.csv_export import write_csv  # noqa: E402
from workbench.reports.csv_import import import_csv  # noqa: E402
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


def import_file(engine: Engine, path: Path, options: ReadOptions, rating_map: Any = None) -> str:
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
        report = import_csv(session, actor, path.read_bytes(), options, rating_map=rating_map,
                            source_name=path.name)
    return f"{report.created:,} created, {len(report.errors)} errors"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for count in sorted({10_000, args.claims}):
            engine = fresh_engine(folder, f"export_{count}.sqlite3")
            timed(f"build {count:,} claims (bulk insert)", lambda e=engine, c=count: fill(e, c))
            out = folder / f"report_{count}.csv"
            timed(f"export csv, {count:,} claims", lambda e=engine, o=out: write_csv(o, e))
            measure(f"export csv, {count:,} claims (tracemalloc)",
                    lambda e=engine, o=out: write_csv(o, e))
        big = folder / f"report_{args.claims}.csv"
        target = fresh_engine(folder, "import_big.sqlite3")
        timed(f"import that csv ({args.claims:,} rows) into empty db",
              lambda: import_file(target, big, ReadOptions()))
        if LIAR.is_dir():
            liar = fresh_engine(folder, "liar.sqlite3")
            options = ReadOptions("\t", "none", False, "statement=2,claimant=4,rating=1,tags=3")
            politifact = load_rating_map("politifact")
            started = time.perf_counter()
            for split in ("train", "valid", "test"):
                timed(f"import LIAR {split}",
                      lambda s=split: import_file(liar, LIAR / f"{s}.tsv", options, politifact))
            print(f"{'LIAR total (12,836 statements)':<46} {time.perf_counter() - started:7.2f} s")
            timed("export LIAR again", lambda: write_csv(folder / "liar.csv", liar))
        else:
            print(f"LIAR files not found at {LIAR}; skipped")


if __name__ == "__main__":
    main()
