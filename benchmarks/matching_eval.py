"""Recall of "seen before?" on CLEF-2020 CheckThat! task 2 (tweets -> Snopes claims).

The 10,375 verified claims go into a temporary SQLite database as claims (the Snopes
title as the article title of the search document); each tweet is then looked up with
the production path: ``search.candidate_claim_ids`` pre-selection, re-ranked by
``matching.similarity``. Prints recall@1/@5 of the ranking, recall@5 above
``MATCH_THRESHOLD``, and a full-scan ``token_set_ratio`` baseline.

Tune only on ``--split train``; report ``--split dev`` (the default).

    python benchmarks/matching_eval.py [--split dev|train] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from eval_data import EVAL_DATA
from rapidfuzz import fuzz, process, utils
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import db, matching, search  # noqa: E402
from workbench.models import Claim  # noqa: E402

CLEF = EVAL_DATA / "claim-matching" / "clef2020_t2"


def read_tsv(path: Path, quoting: int = csv.QUOTE_MINIMAL) -> list[list[str]]:
    """Rows of a TSV file. The CLEF files quote fields with embedded newlines (default
    quoting); LIAR must be read with ``csv.QUOTE_NONE`` (its quotes are text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=quoting))


def load_clef(split: str) -> tuple[dict[int, tuple[str, str]], dict[str, str], dict[str, set[int]]]:
    """(verified claims id -> (claim, title), tweets id -> text, qrels tweet -> claim ids)."""
    claims = {int(r[0]): (r[1], r[2]) for r in read_tsv(CLEF / "verified_claims.docs.tsv")[1:]}
    tweets = {r[0]: r[1] for r in read_tsv(CLEF / f"{split}_tweets.queries.tsv")[1:]}
    qrels: dict[str, set[int]] = {}
    for row in read_tsv(CLEF / f"{split}_tweet-vclaim-pairs.qrels"):
        qrels.setdefault(row[0], set()).add(int(row[2]))
    return claims, tweets, qrels


def temporary_database(postgres_url: str | None = None) -> tuple[str, Engine]:
    """A migrated, empty database: a temporary SQLite file, or a new database on the
    given PostgreSQL server (dropped by :func:`drop_database`)."""
    if postgres_url:
        name = f"wb_bench_{os.getpid()}"
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='wb-bench-')}/bench.sqlite3"
    os.environ["WORKBENCH_DATABASE_URL"] = url
    db.upgrade(url)
    return url, db.get_engine(url)


def drop_database(url: str, postgres_url: str | None) -> None:
    """Drop what :func:`temporary_database` made: the PostgreSQL database or the SQLite
    file's temporary directory."""
    db.get_engine(url).dispose()
    if not postgres_url:
        shutil.rmtree(Path(make_url(url).database or "").parent, ignore_errors=True)
    else:
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = make_url(url).database
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def claim_row(claim_id: int, statement: str, claimant: str = "") -> dict[str, object]:
    """A free-standing claim (no article) for bulk inserts, every column spelled out."""
    now = datetime.now(UTC)
    return {"id": claim_id, "quote": statement, "prefix": "", "suffix": "",
            "anchor_status": "none", "statement": statement, "claimant": claimant,
            "claim_type": "other", "reasons": [], "state": "new", "created_at": now,
            "updated_at": now, "version": 1}


def bulk_load(engine: Engine, rows: list[dict[str, object]],
              docs: list[dict[str, object]]) -> float:
    """Insert claims and their search documents in bulk; returns seconds taken."""
    started = time.perf_counter()
    with db.write_session(engine) as session:
        for i in range(0, len(rows), 10_000):
            session.execute(insert(Claim), rows[i:i + 10_000])
        for i in range(0, len(docs), 10_000):
            session.execute(text("INSERT INTO claim_search_doc (claim_id, doc) "
                                 "VALUES (:id, :doc)"), docs[i:i + 10_000])
    return time.perf_counter() - started


def load_verified(engine: Engine, claims: dict[int, tuple[str, str]]) -> None:
    """Verified claims as claims with id = CLEF id + 1 (ids start at 1)."""
    rows = [claim_row(cid + 1, claim) for cid, (claim, _title) in claims.items()]
    docs = [{"id": cid + 1, "doc": search.claim_document(claim, claim, "", (), title)}
            for cid, (claim, title) in claims.items()]
    bulk_load(engine, rows, docs)


def rank(session, query: str) -> tuple[list[int], list[tuple[float, int]]]:
    """Candidate ids, and (score, claim id) of the rescored ones best first, no threshold:
    the steps of ``matching.seen_before``."""
    ids = search.candidate_claim_ids(session, query, limit=matching.CANDIDATES)
    statements = {cid: statement for cid, statement in session.execute(
        select(Claim.id, Claim.statement).where(col(Claim.id).in_(ids)))}
    return ids, matching.rank(query, statements)


def evaluate(engine: Engine, tweets: dict[str, str], qrels: dict[str, set[int]]) -> dict:
    """Recall figures of the production path over every tweet with a gold claim."""
    hits1 = hits5 = hits5_threshold = in_candidates = rescored = 0
    times = []
    with db.read_session(engine) as session:
        for tweet_id, gold in qrels.items():
            gold = {cid + 1 for cid in gold}
            started = time.perf_counter()
            ids, ranked = rank(session, tweets[tweet_id])
            times.append((time.perf_counter() - started) * 1000)
            top = [cid for _score, cid in ranked[:5]]
            in_candidates += bool(gold & set(ids))
            rescored += bool(gold & {cid for _score, cid in ranked})
            hits1 += bool(top[:1] and top[0] in gold)
            hits5 += bool(gold & set(top))
            hits5_threshold += bool(gold & {cid for score, cid in ranked[:5]
                                            if score >= matching.MATCH_THRESHOLD})
    n = len(qrels)
    return {"queries": n, "recall@1": hits1 / n, "recall@5": hits5 / n,
            "recall@5 >= threshold": hits5_threshold / n,
            f"gold in {matching.CANDIDATES} candidates": in_candidates / n,
            f"gold in {matching.RESCORED} rescored": rescored / n,
            "median ms": statistics.median(times)}


def full_scan_baseline(claims: dict[int, tuple[str, str]], tweets: dict[str, str],
                       qrels: dict[str, set[int]]) -> dict:
    """token_set_ratio against every claim, no index (the baseline of
    docs/decisions/0003-claim-matching-scorer-mix.md)."""
    choices = {cid: utils.default_process(claim) for cid, (claim, _t) in claims.items()}
    hits1 = hits5 = 0
    for tweet_id, gold in qrels.items():
        top = process.extract(utils.default_process(tweets[tweet_id]), choices,
                              scorer=fuzz.token_set_ratio, processor=None, limit=5)
        hits1 += top[0][2] in gold
        hits5 += bool(gold & {key for _c, _s, key in top})
    n = len(qrels)
    return {"recall@1": hits1 / n, "recall@5": hits5 / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL to use instead")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    claims, tweets, qrels = load_clef(args.split)
    url, engine = temporary_database(args.postgres)
    load_verified(engine, claims)
    print(f"CLEF-2020 task 2 {args.split}: {len(qrels)} tweets, {len(claims)} verified claims, "
          f"{engine.dialect.name}, threshold {matching.MATCH_THRESHOLD}")
    for name, value in evaluate(engine, tweets, qrels).items():
        print(f"  {name:32} {value:.3f}" if isinstance(value, float) else f"  {name:32} {value}")
    if not args.no_baseline:
        for name, value in full_scan_baseline(claims, tweets, qrels).items():
            print(f"  full-scan token_set_ratio {name:6} {value:.3f}")
    drop_database(url, args.postgres)


if __name__ == "__main__":
    main()
