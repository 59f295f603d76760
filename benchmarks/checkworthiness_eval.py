"""Measure claim suggestion against held-out check-worthiness labels.

Why: the ranker must beat the obvious "has a number" rule and the cue rules it replaced,
and the only honest way to know is held-out data. Training reads only the files named
*train*; this script scores only the evaluation sets: the CLEF-2019 task 1 test
transcripts and ClaimBuster 2.5xNCS (all of it, and the part whose sentences appear in no
training file, since ~1,000 of its debate sentences do).

Targets (issue 11): CLEF-2019 test MAP >= 0.15; ClaimBuster F1 at the article cut-off
>= 0.75 and R-precision >= 0.75; the seed article's three claims in the top 5; a
transcript suggests tens of sentences per 1,000, not ~100. Exits 1 when the learned
ranker misses one.

Run: ``python benchmarks/checkworthiness_eval.py`` (set ``WORKBENCH_EVAL_DATA`` to use
another copy of ``shared/eval-data``).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.checkworthiness import (  # noqa: E402
    CueRanker,
    Ranker,
    cue_flags,
    default_ranker,
    suggest_claims,
)
from workbench.text.model_training import (  # noqa: E402
    HELD_OUT_FILES,
    TRAINING_FILES,
    f1_at,
    held_out_figures,
    r_precision,
    read_examples,
)

# The numbers-only baseline (docs/decisions/0008-check-worthiness-suggestions.md): a digit
# or a spelled-out number.
_BASELINE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|forty|fifty|hundred|thousand|million|billion|trillion|percent|dollars?)\b",
    re.I,
)
SEED_ARTICLE = (
    Path(__file__).resolve().parents[1] / "workbench" / "sample_data" / "seed-article.txt"
)
SEED_CLAIMS = ("$6.2 billion", "€800 billion", "Iraq in 2003")
TARGETS = {"clef2019_test_MAP": 0.15, "claimbuster_F1": 0.75, "claimbuster_R-precision": 0.75}


def numbers_only(text: str) -> float:
    """The baseline as a score: 1 with a number, else 0 (ties keep text order)."""
    return float(bool(_BASELINE.search(text)))


def scorer(ranker: Ranker) -> Callable[[str], float]:
    return lambda text: ranker.score(text, cue_flags(text)[0])


def unseen_claimbuster(folder: Path, score: Callable[[str], float], cutoff: float) -> str:
    """F1 and R-precision on the ClaimBuster sentences that no training file contains."""
    seen = {e.text for data in TRAINING_FILES for e in read_examples(folder, data)}
    rows = [e for e in read_examples(folder, HELD_OUT_FILES[1]) if e.text not in seen]
    scores = [score(e.text) for e in rows]
    labels = [e.label for e in rows]
    return (
        f"F1 {f1_at(scores, labels, cutoff):.3f}, R-precision "
        f"{r_precision(scores, labels):.3f} ({len(rows):,} sentences)"
    )


def transcript_share(folder: Path, ranker: Ranker) -> str:
    """Suggestions per 1,000 sentences when the CLEF test debates are pasted as
    transcripts (``SPEAKER: text`` lines), genre guessed from the speaker turns."""
    debates: dict[str, list[str]] = defaultdict(list)
    for data_row in read_examples(folder, HELD_OUT_FILES[0]):
        debates[data_row.group].append(data_row.text)
    sentences = suggested = 0
    for lines in debates.values():
        body = "\n".join(f"SPEAKER: {line}" for line in lines)
        sentences += len(lines)
        suggested += len(suggest_claims(body, ranker=ranker))
    return f"{1000 * suggested / sentences:.0f} suggested per 1,000 sentences"


def seed_top_five(ranker: Ranker) -> bool:
    top = [
        s.quote
        for s in suggest_claims(
            SEED_ARTICLE.read_text(encoding="utf-8"), limit=5, genre="article", ranker=ranker
        )
    ]
    return all(any(claim in quote for quote in top) for claim in SEED_CLAIMS)


def main() -> int:
    """Print the three rankers side by side; 1 if a target is missed, 2 without data."""
    folder = EVAL_DATA / "checkworthiness"
    if not folder.is_dir():
        print(f"eval data not found at {EVAL_DATA} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    learned = default_ranker()
    if learned.warning:
        print(f"warning: {learned.warning}", file=sys.stderr)
    rules = {
        "numbers-only": (numbers_only, 1.0),
        "cue rules": (scorer(CueRanker()), None),
        "learned": (scorer(learned), learned.cutoff("article")),
    }
    results = {}
    for name, (score, cutoff) in rules.items():
        cutoff = CueRanker().cutoff("article") if cutoff is None else cutoff
        results[name] = held_out_figures(folder, score, cutoff)
        results[name]["unseen"] = unseen_claimbuster(folder, score, cutoff)
    figures = list(results["numbers-only"])[:-1]
    print(f"{'figure':<28}" + "".join(f"{name[:24]:>26}" for name in results))
    for figure in figures:
        print(f"{figure:<28}" + "".join(f"{r[figure]:>26.3f}" for r in results.values()))
    for name, result in results.items():
        print(f"ClaimBuster unseen by training, {name}: {result['unseen']}")
    for name, ranker in (("cue rules", CueRanker()), ("learned", learned)):
        print(
            f"transcripts, {name}: {transcript_share(folder, ranker)}; "
            f"seed claims in top 5: {seed_top_five(ranker)}"
        )
    missed = [
        f"{figure} {results['learned'][figure]:.3f} < {target}"
        for figure, target in TARGETS.items()
        if results["learned"][figure] < target
    ]
    if not seed_top_five(learned):
        missed.append("seed claims not all in the top 5")
    print("targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
