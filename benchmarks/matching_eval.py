"""How well "seen before?" finds earlier fact-checks: CLEF-2020 CheckThat! task 2
(tweets -> the Snopes claims they repeat).

The 10,375 verified claims are imported the way a user does it (``workbench import csv``:
a TSV file through :func:`workbench.reports.csv_import.run_import`), each as a claim with
its statement and, as its context, the fact-check's title (``--without-context``: the
statement alone); each tweet is then looked up with ``matching.seen_before``, the function
the Annotate page and ``workbench claims match`` call. Prints recall@1, recall@5, MAP@5,
and, for what the page shows, the shown recall (a right claim among the shown matches)
and the precision of the first shown match (``--calibrate`` chooses the shown rule,
``matching.SHOWN``, on train); the baseline in the same run is a full scan
ranked by plain ``token_set_ratio``. Targets on dev: MAP@5 >= 0.85, shown recall >= 0.5
with first-shown precision >= 0.85 (see docs/decisions/0013-bm25-claim-matching.md).

``--semantic DIR`` sets ``WORKBENCH_EMBEDDING_MODEL=DIR`` (the optional semantic re-rank,
docs/decisions/0015-semantic-rerank.md): the import then stores each claim's sentence vector
and the look-ups re-rank by it; with ``--calibrate`` it also tries other
``matching.SEMANTIC_WEIGHT`` values (the best is kept for the rest of the run) and prints
the first match's cosine against first-shown precision.

Tune and calibrate only on ``--split train``; report ``--split dev`` (the default).

    python benchmarks/matching_eval.py [--split dev|train] [--postgres URL] [--without-context]
        [--semantic DIR] [--calibrate]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench import db, embeddings, matching, users  # noqa: E402
from workbench.models import Claim  # noqa: E402
from workbench.reports.csv_import import run_import  # noqa: E402
from workbench.reports.csv_read import ReadOptions  # noqa: E402

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
    return {
        "id": claim_id,
        "quote": statement,
        "prefix": "",
        "suffix": "",
        "anchor_status": "none",
        "statement": statement,
        "claimant": claimant,
        "claim_type": "other",
        "reasons": [],
        "state": "new",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def bulk_load(
    engine: Engine, rows: list[dict[str, object]], docs: list[dict[str, object]]
) -> float:
    """Insert claims and their search documents in bulk; returns seconds taken."""
    started = time.perf_counter()
    with db.write_session(engine) as session:
        for i in range(0, len(rows), 10_000):
            session.execute(insert(Claim), rows[i : i + 10_000])
        for i in range(0, len(docs), 10_000):
            session.execute(
                text("INSERT INTO claim_search_doc (claim_id, doc) VALUES (:id, :doc)"),
                docs[i : i + 10_000],
            )
    return time.perf_counter() - started


def import_verified(
    engine: Engine, claims: dict[int, tuple[str, str]], *, context: bool = True
) -> float:
    """Import the verified claims as a user would, ``claim_id`` = CLEF id + 1 (ids start
    at 1), with the fact-check's title as context (``workbench import csv --columns
    claim_id=id,statement=vclaim,context=title``); returns the seconds the import took."""
    folder = Path(tempfile.mkdtemp(prefix="wb-clef-"))
    path = folder / "verified_claims.tsv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["id", "vclaim", "title"])
        writer.writerows(
            [cid + 1, " ".join(claim.split()), " ".join(title.split())]
            for cid, (claim, title) in claims.items()
        )
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
    columns = "claim_id=id,statement=vclaim" + (",context=title" if context else "")
    report = run_import(
        actor,
        path,
        ReadOptions(delimiter="\t", columns=columns),
        engine=engine,
        source_name=path.name,
    )
    shutil.rmtree(folder, ignore_errors=True)
    if report.errors or report.created != len(claims):
        raise SystemExit(f"import failed: {report.errors[:3]}")
    return report.seconds


def average_precision(ranked: list[int], gold: set[int], k: int = 5) -> float:
    """AP@k as CLEF-2020 task 2 scores it: precision at each right claim in the first k,
    over the number of right claims (at most k)."""
    hits, total = 0, 0.0
    for position, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in gold:
            hits += 1
            total += hits / position
    return total / min(len(gold), k)


def evaluate(engine: Engine, tweets: dict[str, str], qrels: dict[str, set[int]]) -> dict:
    """Ranking and shown-match figures of ``matching.seen_before`` over every tweet."""
    hits1 = hits5 = shown_right = first_right = first_shown = 0
    map5, times = 0.0, []
    with db.read_session(engine) as session:
        for tweet_id, gold in qrels.items():
            gold = {cid + 1 for cid in gold}
            started = time.perf_counter()
            found = matching.seen_before(session, tweets[tweet_id], limit=5)
            times.append((time.perf_counter() - started) * 1000)
            top = [m.claim_id for m in found]
            shown = [m.claim_id for m in found if m.shown]
            hits1 += bool(top[:1] and top[0] in gold)
            hits5 += bool(gold & set(top))
            map5 += average_precision(top, gold)
            shown_right += bool(gold & set(shown))
            first_shown += bool(shown)
            first_right += bool(shown and shown[0] in gold)
    n = len(qrels)
    return {
        "queries": n,
        "recall@1": hits1 / n,
        "recall@5": hits5 / n,
        "MAP@5": map5 / n,
        "shown recall": shown_right / n,
        "first shown precision": first_right / max(first_shown, 1),
        "queries showing a match": first_shown / n,
        "median ms": statistics.median(times),
    }


def shown_figures(
    results: list[tuple[list[matching.Match], set[int]]], rule: matching.ShownRule
) -> tuple[float, float]:
    """(shown recall, first-shown precision) if ``rule`` decided what is shown."""
    right = showing = first_right = 0
    for matches, gold in results:
        shown = [m.claim_id for i, m in enumerate(matches) if rule.shows(m, first=i == 0)]
        right += bool(gold & set(shown))
        showing += bool(shown)
        first_right += bool(shown and shown[0] in gold)
    return right / len(results), first_right / max(showing, 1)


def calibrate(
    engine: Engine,
    tweets: dict[str, str],
    qrels: dict[str, set[int]],
    *,
    semantic: bool,
    precision: float = 0.9,
) -> matching.ShownRule:
    """The shown rule (run on train only: ``matching.SHOWN``) with the highest shown
    recall whose first *shown* match is right for at least ``precision`` of the tweets
    showing one: a relevance threshold (from the first matches' relevances) and, with a
    model, a lead of the first match. Prints the best few."""
    results = []
    with db.read_session(engine) as session:
        for tweet_id, gold in qrels.items():
            matches = matching.seen_before(session, tweets[tweet_id], limit=5)
            results.append((matches, {cid + 1 for cid in gold}))
    firsts = sorted(m[0].relevance for m, _gold in results if m)
    levels = sorted({firsts[len(firsts) * share // 40] for share in range(10, 40)})
    leads = (0.1, 0.2, 0.3, 0.4, 0.6, float("inf")) if semantic else (float("inf"),)
    tried = []
    for relevance in levels:
        for lead in leads:
            rule = matching.ShownRule(relevance, lead=lead)
            recall, right = shown_figures(results, rule)
            tried.append((right >= precision, recall, right, rule))
    tried.sort(key=lambda row: (not row[0], -row[1]))
    for _ok, recall, right, rule in tried[:5]:
        print(f"  {rule}: shown recall {recall:.3f}, first-shown precision {right:.3f}")
    return tried[0][3]


def sweep_semantic_weight(
    engine: Engine, tweets: dict[str, str], qrels: dict[str, set[int]]
) -> float:
    """MAP@5 for a few ``matching.SEMANTIC_WEIGHT`` values (train only); sets the best."""
    results = {}
    for weight in (0.5, 1.0, 2.0, 3.0, 4.0, 6.0):
        matching.SEMANTIC_WEIGHT = weight
        results[weight] = evaluate(engine, tweets, qrels)["MAP@5"]
        print(f"  semantic weight {weight:4.1f}: MAP@5 {results[weight]:.3f}")
    matching.SEMANTIC_WEIGHT = max(results, key=lambda weight: results[weight])
    return matching.SEMANTIC_WEIGHT


def full_scan_baseline(
    claims: dict[int, tuple[str, str]], tweets: dict[str, str], qrels: dict[str, set[int]]
) -> dict:
    """token_set_ratio against every claim, no index (the baseline of
    docs/decisions/0003-claim-matching-scorer-mix.md)."""
    choices = {cid: utils.default_process(claim) for cid, (claim, _t) in claims.items()}
    hits1 = hits5 = 0
    map5 = 0.0
    for tweet_id, gold in qrels.items():
        top = [
            key
            for _c, _s, key in process.extract(
                utils.default_process(tweets[tweet_id]),
                choices,
                scorer=fuzz.token_set_ratio,
                processor=None,
                limit=5,
            )
        ]
        hits1 += top[0] in gold
        hits5 += bool(gold & set(top))
        map5 += average_precision(top, gold)
    n = len(qrels)
    return {"recall@1": hits1 / n, "recall@5": hits5 / n, "MAP@5": map5 / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"])
    parser.add_argument("--postgres", help="an empty PostgreSQL database URL to use instead")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--without-context",
        action="store_true",
        help="import the statements alone, without the fact-checks' titles",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="choose the shown rule for 90%% first-shown precision (train only)",
    )
    parser.add_argument(
        "--semantic",
        metavar="DIR",
        help="re-rank with the sentence model in DIR (WORKBENCH_EMBEDDING_MODEL)",
    )
    args = parser.parse_args()
    if args.semantic:
        os.environ["WORKBENCH_EMBEDDING_MODEL"] = args.semantic
        if embeddings.problem():
            raise SystemExit(embeddings.problem())
    claims, tweets, qrels = load_clef(args.split)
    url, engine = temporary_database(args.postgres)
    seconds = import_verified(engine, claims, context=not args.without_context)
    print(
        f"CLEF-2020 task 2 {args.split}: {len(qrels)} tweets, {len(claims)} verified claims "
        f"{'without' if args.without_context else 'with'} their titles as context "
        f"imported in {seconds:.1f} s, {engine.dialect.name}, semantic re-rank "
        f"{'on' if args.semantic else 'off'}; load average {os.getloadavg()[0]:.1f}"
    )
    if args.calibrate and args.semantic:
        print(f"  best semantic weight: {sweep_semantic_weight(engine, tweets, qrels):.1f}")
    if args.calibrate:
        rule = calibrate(engine, tweets, qrels, semantic=bool(args.semantic))
        matching.SHOWN[engine.dialect.name, bool(args.semantic)] = rule
        print(f"  calibrated: {rule}")
    for name, value in evaluate(engine, tweets, qrels).items():
        print(f"  {name:32} {value:.3f}" if isinstance(value, float) else f"  {name:32} {value}")
    if not args.no_baseline:
        for name, value in full_scan_baseline(claims, tweets, qrels).items():
            print(f"  baseline: full-scan token_set_ratio {name:9} {value:.3f}")
    drop_database(url, args.postgres)


if __name__ == "__main__":
    main()
