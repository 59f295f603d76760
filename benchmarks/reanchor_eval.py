"""How often re-anchoring claims onto a new article version is right, automatic, or wrong.

Real articles (the single articles and the Wikinews and 10kGNAD corpora of
../shared/eval-data/articles) are revised a few times each by `version_edits.Editor` at a
realistic rate (by default 1-4 edits per version: a changed word or figure, a replaced,
deleted, inserted or repeated sentence, a moved paragraph), with a few claims placed on
each version before it is revised. Every claim is then placed on the next version by
`anchor.reanchor` (all claims at once, with the old body) and, as the baseline, by
`anchor.anchor` per claim (stored quote and context only, "exact" applied).

Printed per method: claims; wrongly moved (must be 0); unchanged claims whose quote occurs
once in the new version, moved automatically (the bar is 98%); unchanged claims on repeated
text moved; changed or deleted claims moved (must be 0); needs review; unplaced; edited
claims proposed where their text now is. Exits 1 when `reanchor` misses a bar.

    python benchmarks/reanchor_eval.py [--seed N] [--versions N] [--claims N] [--german N]
                                       [--edits N]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from eval_data import EVAL_DATA
from version_edits import Editor, Piece, TrueSpan, body_of, pick_claims, pieces_of, span_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.anchor import ClaimSpan, anchor, make_selector, reanchor  # noqa: E402

ARTICLES = EVAL_DATA / "articles"
UNIQUE_MOVED_BAR = 98.0

# (state, start, end) of each claim, in order.
Places = list[tuple[str, int | None, int | None]]


def read_articles(german: int) -> Iterator[tuple[str, str]]:
    """(language, body) of every single article, both Wikinews years and the first
    `german` 10kGNAD articles."""
    with (ARTICLES / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield row["lang"], (ARTICLES / row["file"]).read_text(encoding="utf-8")
    for year in (2019, 2020):
        path = ARTICLES / "corpus" / f"wikinews_en_{year}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield "en", row["text"]
    path = ARTICLES / "corpus" / "10kGNAD_de_test.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for index, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'")):
            if index >= german:
                break
            yield "de", row[1]


def with_reanchor(old_body: str, new_body: str, claims: Sequence[ClaimSpan]) -> Places:
    return [(p.state, p.start, p.end) for p in reanchor(old_body, new_body, claims)]


def with_anchor(old_body: str, new_body: str, claims: Sequence[ClaimSpan]) -> Places:
    """The baseline: each claim alone, found by its stored selector near its old offset;
    "exact" is applied as a move."""
    states = {"exact": "moved", "fuzzy": "needs_review", "unplaced": "unplaced"}
    found = [anchor(new_body, claim.selector, hint_start=claim.start) for claim in claims]
    return [(states[result.status], result.start, result.end) for result in found]


METHODS: dict[str, Callable[[str, str, Sequence[ClaimSpan]], Places]] = {
    "reanchor": with_reanchor,
    "anchor() per claim": with_anchor,
}


def score(
    tally: Counter[str],
    new_pieces: Sequence[Piece],
    new_body: str,
    claims: Sequence[ClaimSpan],
    truths: Sequence[TrueSpan],
    places: Places,
) -> None:
    """Count one version pair's outcomes into `tally`."""
    for claim, truth, (state, start, end) in zip(claims, truths, places, strict=True):
        where = span_in(new_pieces, truth)
        intact = truth.intact and where is not None
        tally["claims"] += 1
        tally[state] += 1
        if state == "moved" and (not intact or (start, end) != where):
            tally["wrongly moved"] += 1
        if not intact:
            tally["changed or deleted"] += 1
            tally["changed or deleted, moved"] += state == "moved"
            if where is not None:
                tally["edited"] += 1
                tally["edited, proposed in place"] += (
                    state == "needs_review"
                    and start is not None
                    and end is not None
                    and start < where[1]
                    and where[0] < end
                )
            continue
        kind = "unique" if _count(new_body, claim.selector.quote) == 1 else "repeated"
        tally[f"unchanged {kind}"] += 1
        tally[f"unchanged {kind}, moved"] += state == "moved" and (start, end) == where


def _count(body: str, quote: str) -> int:
    found, position = 0, body.find(quote)
    while position != -1:
        found, position = found + 1, body.find(quote, position + 1)
    return found


def evaluate(args: argparse.Namespace) -> tuple[dict[str, Counter[str]], dict[str, float], int]:
    """Run every method on the same version pairs: tallies, seconds spent, pairs."""
    rng = random.Random(args.seed)
    articles = [
        (language, pieces_of(body, language)) for language, body in read_articles(args.german)
    ]
    tallies = {name: Counter[str]() for name in METHODS}
    seconds = dict.fromkeys(METHODS, 0.0)
    pairs = 0
    for index, (_, pieces) in enumerate(articles):
        donors = [p.sentence for p in articles[(index + 1) % len(articles)][1] if p.sentence]
        editor = Editor(rng, donors)
        for _ in range(args.versions):
            truths = pick_claims(pieces, rng, args.claims)
            old_body = body_of(pieces)
            claims = [
                ClaimSpan(number, *span, make_selector(old_body, *span))
                for number, span in enumerate(span_in(pieces, t) for t in truths)
            ]
            new_pieces, new_truths = editor.revise(pieces, truths, rng.randint(1, args.edits))
            new_body = body_of(new_pieces)
            pairs += 1
            for name, method in METHODS.items():
                started = time.perf_counter()
                places = method(old_body, new_body, claims)
                seconds[name] += time.perf_counter() - started
                score(tallies[name], new_pieces, new_body, claims, new_truths, places)
            pieces = new_pieces
    return tallies, seconds, pairs


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% of {whole:,}" if whole else "-"


def report(tallies: dict[str, Counter[str]], seconds: dict[str, float]) -> None:
    rows = [
        ("claims", lambda t: f"{t['claims']:,}"),
        ("wrongly moved (must be 0)", lambda t: f"{t['wrongly moved']:,}"),
        (
            "unchanged, unique: moved",
            lambda t: _percent(t["unchanged unique, moved"], t["unchanged unique"]),
        ),
        (
            "unchanged, repeated: moved",
            lambda t: _percent(t["unchanged repeated, moved"], t["unchanged repeated"]),
        ),
        (
            "changed/deleted moved (must be 0)",
            lambda t: f"{t['changed or deleted, moved']:,} of {t['changed or deleted']:,}",
        ),
        ("needs review", lambda t: f"{t['needs_review']:,}"),
        ("unplaced", lambda t: f"{t['unplaced']:,}"),
        (
            "edited: proposed where it is",
            lambda t: _percent(t["edited, proposed in place"], t["edited"]),
        ),
    ]
    names = list(tallies)
    print(f"{'':36}" + "".join(f"{name:>24}" for name in names))
    for label, cell in rows:
        print(f"{label:36}" + "".join(f"{cell(tallies[name]):>24}" for name in names))
    print(f"{'time (s)':36}" + "".join(f"{seconds[name]:>24.2f}" for name in names))


def missed_bars(tally: Counter[str]) -> list[str]:
    unique = tally["unchanged unique"]
    moved = 100 * tally["unchanged unique, moved"] / unique if unique else 100.0
    return [
        bar
        for bar, missed in [
            ("a claim was moved to a wrong place", tally["wrongly moved"] > 0),
            ("a changed or deleted claim was moved", tally["changed or deleted, moved"] > 0),
            (
                f"unchanged unique claims moved {moved:.1f}% < {UNIQUE_MOVED_BAR}%",
                moved < UNIQUE_MOVED_BAR,
            ),
        ]
        if missed
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--versions", type=int, default=3, help="revisions per article")
    parser.add_argument("--claims", type=int, default=5, help="claims per version")
    parser.add_argument("--german", type=int, default=300, help="10kGNAD articles to use")
    parser.add_argument("--edits", type=int, default=4, help="most edits per version")
    args = parser.parse_args()
    if not (ARTICLES / "SOURCES.tsv").is_file():
        print(
            f"articles not found in {ARTICLES} (set WORKBENCH_EVAL_DATA); skipped", file=sys.stderr
        )
        return 2
    tallies, seconds, pairs = evaluate(args)
    print(
        f"reanchor_eval: {pairs:,} version pairs, seed {args.seed}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    report(tallies, seconds)
    missed = missed_bars(tallies["reanchor"])
    for bar in missed:
        print(f"FAILED: {bar}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
