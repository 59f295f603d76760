"""Time ``suggest_claims`` on a long article (budget 50 ms) and a 30,000-word transcript
(budget 300 ms), with the learned ranker and, as the baseline in the same run, the cue rules.

Why: suggestions are computed when an article opens in the UI, so the whole pipeline
(segmenting, cues, scoring) has to feel instant; the model is parsed once per process
(its load time is printed separately and not part of the budget).

The article is the 6,962-word Wikinews interview; the transcript is the CLEF-2019 test
debates written as ``SPEAKER: sentence`` lines, cut at 30,000 words.

Run: ``python benchmarks/suggest_speed.py [RUNS]``; exits 1 over a budget (p95).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.checkworthiness import CueRanker, Ranker, suggest_claims  # noqa: E402
from workbench.text.checkworthiness_model import shipped_ranker  # noqa: E402
from workbench.text.model_training import HELD_OUT_FILES, read_examples  # noqa: E402

ARTICLE = "articles/en-wikinews-2020-10-22-wayne-tseng-interview-LONG.txt"
TRANSCRIPT_WORDS = 30_000
BUDGETS_MS = {"article": 50.0, "transcript": 300.0}


def transcript(root: Path) -> str:
    """CLEF-2019 test sentences as speaker turns, up to ``TRANSCRIPT_WORDS`` words."""
    lines, words = [], 0
    for example in read_examples(root / "checkworthiness", HELD_OUT_FILES[0]):
        if words >= TRANSCRIPT_WORDS:
            break
        lines.append(f"SPEAKER: {example.text}")
        words += len(example.text.split()) + 1
    return "\n".join(lines)


def timings(body: str, ranker: Ranker, runs: int) -> tuple[float, float, float, int]:
    """Median and p95 wall-clock ms over ``runs`` after one warm-up, the median CPU ms of
    this process (less disturbed by a busy machine), and the suggestion count."""
    count = len(suggest_claims(body, ranker=ranker))
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        suggest_claims(body, ranker=ranker)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    samples.sort()
    return (
        statistics.median(samples),
        samples[round(0.95 * (len(samples) - 1))],
        statistics.median(cpu),
        count,
    )


def main() -> int:
    """Print both texts' timings with both rankers; 1 over a budget, 2 without data."""
    path = EVAL_DATA / ARTICLE
    if not path.is_file():
        print(f"article not found: {path} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    started = time.perf_counter()
    learned = shipped_ranker()
    print(f"model load (once per process): {(time.perf_counter() - started) * 1000:.0f} ms")
    if learned is None:
        print("the shipped model is unusable", file=sys.stderr)
        return 1
    texts = {"article": path.read_text(encoding="utf-8"), "transcript": transcript(EVAL_DATA)}
    over = []
    for name, body in texts.items():
        median, p95, cpu, count = timings(body, learned, runs)
        base_median, _, base_cpu, base_count = timings(body, CueRanker(), runs)
        print(
            f"{name}: {len(body.split()):,} words; learned {count} suggestions, median "
            f"{median:.1f} ms (CPU {cpu:.1f}), p95 {p95:.1f} ms (budget "
            f"{BUDGETS_MS[name]:.0f}); cue rules {base_count} suggestions, median "
            f"{base_median:.1f} ms (CPU {base_cpu:.1f}); ratio {median / base_median:.2f}"
        )
        if p95 > BUDGETS_MS[name]:
            over.append(name)
    print(f"load average {os.getloadavg()[0]:.2f} over {runs} runs")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
