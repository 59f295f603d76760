"""Time re-anchoring 60 claims onto a new version of a ~7,000-word article; the budget is 200 ms.

Why: when an editor saves a new version of an article, every claim on it is placed again
before the save returns. The new version is the Wikinews interview (6,953 words) revised by
`version_edits.Editor` (a few sentences changed, a sentence repeated, a paragraph moved);
the claims are whole sentences and phrases of the old version. The baseline, timed in the
same run, is the per-claim search `anchor()` in a loop (no diff, no old body). Also printed:
the word diff alone (`alignment.align`, rapidfuzz Levenshtein opcodes) and, for the record
of why it was chosen, difflib.SequenceMatcher over the same words.

Run: ``python benchmarks/reanchor_bench.py [RUNS]`` (at least 20); exits 1 over budget.
"""

from __future__ import annotations

import difflib
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eval_data import EVAL_DATA
from version_edits import Editor, body_of, pick_claims, pieces_of, span_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.alignment import align, words  # noqa: E402
from workbench.text.anchor import ClaimSpan, anchor, make_selector, reanchor  # noqa: E402

ARTICLE = "articles/en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
DONOR = "articles/en-wikinews-2020-11-02-campaign-trail-october-LONG.txt"
CLAIMS = 60
EDITS = 8
BUDGET_MS = 200.0


def version_pair(body: str, donor: str) -> tuple[str, str, list[ClaimSpan]]:
    """The article, its next version and CLAIMS claims on the article (seeded)."""
    rng = random.Random(14)
    pieces = pieces_of(body)
    truths = pick_claims(pieces, rng, CLAIMS)
    while len(truths) < CLAIMS:
        truths += [t for t in pick_claims(pieces, rng, CLAIMS - len(truths)) if t not in truths]
    new_pieces, _ = Editor(rng, [p.sentence for p in pieces_of(donor) if p.sentence]).revise(
        pieces, truths, EDITS
    )
    old_body = body_of(pieces)
    claims = [
        ClaimSpan(number, *span, make_selector(old_body, *span))
        for number, span in enumerate(span_in(pieces, t) for t in truths)
    ]
    return old_body, body_of(new_pieces), claims


def timings(run: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds of each run after one warm-up, sorted."""
    run()
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        spent.append((time.perf_counter() - started) * 1000)
    return sorted(spent)


def p95(spent: list[float]) -> float:
    return spent[min(len(spent) - 1, round(0.95 * (len(spent) - 1)))]


def main() -> int:
    """Print median and p95 of both, their ratio and the load average."""
    if not (EVAL_DATA / ARTICLE).is_file():
        print(
            f"article not found: {EVAL_DATA / ARTICLE} (set WORKBENCH_EVAL_DATA)", file=sys.stderr
        )
        return 2
    runs = max(20, int(sys.argv[1]) if len(sys.argv) > 1 else 30)
    old_body, new_body, claims = version_pair(
        (EVAL_DATA / ARTICLE).read_text(encoding="utf-8"),
        (EVAL_DATA / DONOR).read_text(encoding="utf-8"),
    )
    states = [p.state for p in reanchor(old_body, new_body, claims)]
    print(
        f"{Path(ARTICLE).name}: {len(old_body.split()):,} words, {len(claims)} claims, "
        f"{EDITS} edits: {states.count('moved')} moved, {states.count('needs_review')} "
        f"to review, {states.count('unplaced')} unplaced"
    )
    ours = timings(lambda: reanchor(old_body, new_body, claims), runs)
    baseline = timings(
        lambda: [anchor(new_body, claim.selector, hint_start=claim.start) for claim in claims], runs
    )
    diff = timings(lambda: align(old_body, new_body), runs)
    sequence_matcher = timings(
        lambda: difflib.SequenceMatcher(None, words(old_body), words(new_body)).get_opcodes(), runs
    )
    for name, spent in (
        ("reanchor", ours),
        ("anchor() per claim", baseline),
        ("of which align()", diff),
        ("SequenceMatcher", sequence_matcher),
    ):
        print(
            f"{name:>20} over {runs} runs: median {statistics.median(spent):.1f} ms, "
            f"p95 {p95(spent):.1f} ms"
        )
    print(
        f"ratio reanchor / baseline (median): "
        f"{statistics.median(ours) / statistics.median(baseline):.2f}; budget "
        f"{BUDGET_MS:.0f} ms p95; load average {os.getloadavg()[0]:.2f}"
    )
    return 0 if p95(ours) <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
