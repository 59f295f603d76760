"""Time ``suggest_claims`` on a ~7,000-word article; the budget is 100 ms.

Why: suggestions are computed when an article opens in the UI, so the whole
pipeline (segmenting, extraction, scoring) has to feel instant.

Run: ``python benchmarks/suggest_speed.py [RUNS]``; exits 1 over budget.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.checkworthiness import suggest_claims  # noqa: E402

ARTICLE = "articles/en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
BUDGET_MS = 100.0


def main() -> int:
    """Warm up once, then print median and p95 over the runs."""
    root = EVAL_DATA
    path = root / ARTICLE
    if not path.is_file():
        print(f"article not found: {path} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    body = path.read_text(encoding="utf-8")
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    suggestions = suggest_claims(body)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        suggest_claims(body)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"{path.name}: {len(body.split())} words, {len(suggestions)} suggestions")
    print(f"suggest_claims over {runs} runs: median {median:.1f} ms, p95 {p95:.1f} ms "
          f"(budget {BUDGET_MS:.0f} ms)")
    return 0 if p95 <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
