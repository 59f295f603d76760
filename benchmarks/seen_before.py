"""How fast and how complete "seen before?" and claim search are at 100,000 claims.

Fills a temporary database with real claim text (LIAR statements and the CLEF-2020
verified claims; beyond those, spliced halves of two claims so the corpus reaches the
target size without exact copies), builds the search documents in bulk, then times:

* the first ``matching.seen_before`` look-up in a fresh process (no vocabulary is loaded:
  it must cost what the others do, docs/decisions/0013-bm25-claim-matching.md);
* 200 ``matching.seen_before`` lookups of perturbed copies of stored claims (typos, a
  dropped or swapped word, amounts respelled: "$6.2 billion" -> "6.2bn dollars"), with
  recall@5 (the original is among the five matches shown);
* 200 ``search.search_claim_ids`` queries: three words of a stored claim, one with a typo.

The ``prepare`` cache is cleared before every lookup, so timings are cold. The baseline in
the same run is one bare indexed ``SELECT`` of a claim by id. Budgets (exit 1 when over):
seen_before median <= 20 ms and p95 <= 100 ms on SQLite, p95 <= 50 ms on PostgreSQL.

``--semantic DIR`` turns the optional semantic re-rank on (``WORKBENCH_EMBEDDING_MODEL``,
docs/decisions/0015-semantic-rerank.md): every claim's vector is stored first (the real
claims' encoded, the spliced ones' derived from them: :func:`claim_vectors`), and the
budget is a median of 60 ms.

    python benchmarks/seen_before.py [--claims 100000] [--postgres URL] [--semantic DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import time

import numpy as np
from matching_eval import (
    EVAL_DATA,
    bulk_load,
    claim_row,
    drop_database,
    load_clef,
    read_tsv,
    temporary_database,
)
from sqlalchemy import text

from workbench import db, embeddings, matching, nearest_claims, search
from workbench.errors import InvalidInput

_AMOUNT = re.compile(r"\$(\d[\d.,]*) (million|billion|trillion)\b")
_SHORT = {"million": "m", "billion": "bn", "trillion": "tn"}


def base_claims() -> list[tuple[str, str]]:
    """(statement, claimant) from LIAR (quoting off, statement = 3rd column) and CLEF."""
    rows = []
    for path in sorted((EVAL_DATA / "claims" / "liar").glob("*.tsv")):
        for row in read_tsv(path, quoting=csv.QUOTE_NONE):
            if len(row) > 4 and row[2].strip():
                rows.append((row[2].strip(), row[4].replace("-", " ")))
    claims, _tweets, _qrels = load_clef("train")
    rows += [(" ".join(claim.split()), "") for claim, _title in claims.values()]
    return rows


def corpus(size: int, rng: random.Random) -> list[tuple[str, str, tuple[int, ...]]]:
    """``size`` claims: every base claim once, then spliced halves of two random ones; with
    each, the base claims it was made of (for :func:`claim_vectors`)."""
    base = base_claims()
    rows = [(statement, who, (i,)) for i, (statement, who) in enumerate(base[:size])]
    while len(rows) < size:
        i, j = rng.randrange(len(base)), rng.randrange(len(base))
        (a, who), (b, _) = base[i], base[j]
        left, right = a.split(), b.split()
        rows.append((" ".join(left[: len(left) // 2] + right[len(right) // 2 :]), who, (i, j)))
    return rows


def claim_vectors(
    model: embeddings.Encoder, rows: list[tuple[str, str, tuple[int, ...]]]
) -> list[bytes]:
    """Packed vectors of every claim: the base claims encoded (about 8 ms of CPU each), a
    spliced claim's as the normalised sum of its two base claims' vectors, so 100,000
    claims take minutes, not a quarter of an hour (the look-up's cost does not depend on
    what the stored vectors say)."""
    base = [statement for statement, _who, sources in rows if len(sources) == 1]
    encoded = model.encode(base)
    vectors = np.stack([encoded[list(sources)].sum(axis=0) for _s, _w, sources in rows])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return embeddings.pack(vectors)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def perturb(statement: str, rng: random.Random) -> str:
    """A reworded duplicate: amounts respelled, plus two of typo / drop / swap / prefix."""
    text = _AMOUNT.sub(lambda m: f"{m[1]}{_SHORT[m[2]]} dollars", statement)
    words = text.split()
    for operation in rng.sample(["typo", "drop", "swap", "says"], 2):
        if operation == "typo":
            i = rng.randrange(len(words))
            words[i] = typo(words[i], rng)
        elif operation == "drop" and len(words) > 6:
            del words[rng.randrange(len(words))]
        elif operation == "swap" and len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif operation == "says":
            words = words[1:] if words[0] == "Says" else ["Says", *words]
    return " ".join(words)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(name: str, times: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--semantic", metavar="DIR", help="re-rank with the model in DIR")
    args = parser.parse_args()
    if args.semantic:
        os.environ["WORKBENCH_EMBEDDING_MODEL"] = args.semantic
        if embeddings.problem():
            raise SystemExit(embeddings.problem())
    rng = random.Random(args.seed)
    made = corpus(args.claims, rng)
    texts = [(statement, who) for statement, who, _sources in made]
    url, engine = temporary_database(args.postgres)
    print(f"{engine.dialect.name}: {len(texts):,} claims")

    started = time.perf_counter()
    rows = [claim_row(i + 1, statement, who) for i, (statement, who) in enumerate(texts)]
    docs = [
        {"id": i + 1, "doc": search.claim_document(statement, statement, who, (), "")}
        for i, (statement, who) in enumerate(texts)
    ]
    built = time.perf_counter() - started
    loaded = bulk_load(engine, rows, docs)
    print(
        f"documents built in {built:.1f} s; claims + documents inserted and indexed in "
        f"{loaded:.1f} s"
    )
    model = embeddings.encoder()
    if model is not None:
        started = time.perf_counter()
        blobs = claim_vectors(model, made)
        with db.write_session(engine) as session:
            embeddings.store(session, model.name, enumerate(blobs, start=1))
        print(f"claim vectors encoded and stored in {time.perf_counter() - started:.1f} s")

    targets = rng.sample(range(min(args.claims, len(base_claims()))), args.lookups)
    by_text: dict[str, set[int]] = {}
    for i, (statement, _who) in enumerate(texts):
        by_text.setdefault(statement, set()).add(i + 1)
    times, hits, shown, scores, baseline = [], 0, 0, [], []
    with db.read_session(engine) as session:
        begin = time.perf_counter()
        matching.seen_before(session, perturb(texts[targets[0]][0], rng), limit=5)
        print(f"first seen_before after start: {(time.perf_counter() - begin) * 1000:.1f} ms")
        # The server's start reads the term counts and the vectors in the background;
        # the timed look-ups below are those of a server that has done so.
        search.warm_vocabulary(engine)
        search.wait_vocabulary(engine)
        if model is not None:
            nearest_claims.warm(engine)
            nearest_claims.wait(engine)
        for target in targets:
            statement = texts[target][0]
            query = perturb(statement, rng)
            matching.prepare.cache_clear()
            begin = time.perf_counter()
            try:
                matches = [m for m in matching.seen_before(session, query, limit=5) if m.shown]
            except InvalidInput:
                matches = []
            times.append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            session.execute(text("SELECT statement FROM claim WHERE id = :id"), {"id": target + 1})
            baseline.append((time.perf_counter() - begin) * 1000)
            found = [m for m in matches if m.claim_id in by_text[statement]]
            hits += bool(found)
            shown += bool(matches)
            scores += [m.score for m in found]
        print(
            summary(f"seen_before x{len(targets)}", times)
            + f" (load average {os.getloadavg()[0]:.1f})"
        )
        ratio = statistics.median(times) / statistics.median(baseline)
        print(
            summary("baseline: SELECT one claim by id", baseline)
            + f"; seen_before's median is {ratio:.0f}x"
        )
        print(
            f"  recall@5 of shown matches on perturbed duplicates: "
            f"{hits / len(targets):.3f}; lookups showing any match: "
            f"{shown / len(targets):.3f}; median score of the found original: "
            f"{statistics.median(scores) if scores else float('nan'):.1f}"
        )

        search_times, search_hits = [], 0
        for target in rng.sample(range(args.claims), args.lookups):
            words = [w for w in texts[target][0].split() if len(w) > 4 and w.isalpha()]
            if len(words) < 3:
                words = texts[target][0].split()
            picked = rng.sample(words, min(3, len(words)))
            picked[0] = typo(picked[0], rng)
            begin = time.perf_counter()
            ids = search.search_claim_ids(session, " ".join(picked), limit=20)
            search_times.append((time.perf_counter() - begin) * 1000)
            search_hits += target + 1 in ids
        print(summary(f"search_claim_ids x{args.lookups} (3 words, 1 typo)", search_times))
        print(f"  the claim among the first 20 results: {search_hits / args.lookups:.3f}")
    drop_database(url, args.postgres)
    if model is not None:
        over = statistics.median(times) > 60
    elif args.postgres:
        over = percentile(times, 0.95) > 50
    else:
        over = statistics.median(times) > 20 or percentile(times, 0.95) > 100
    if over:
        print("over budget")
        sys.exit(1)


if __name__ == "__main__":
    main()
