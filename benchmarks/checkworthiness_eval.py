"""Measure claim suggestion against held-out check-worthiness labels.

Why: the suggestion rule must beat the obvious "has a number" rule, and the
only honest way to know is held-out data. The weights were fitted on the CLEF
*training* files; this script reads only the evaluation sets: all of
ClaimBuster 2.5xNCS and the CLEF-2019 task 1 test transcripts.

Run: ``python benchmarks/checkworthiness_eval.py`` (set ``WORKBENCH_EVAL_DATA``
to use another copy of ``shared/eval-data``).
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from pathlib import Path

from eval_data import EVAL_DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.text.checkworthiness import SUGGESTED, score_sentence  # noqa: E402

# The numbers-only baseline (docs/decisions/0008-check-worthiness-suggestions.md): a digit
# or a spelled-out number.
_BASELINE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty"
    r"|forty|fifty|hundred|thousand|million|billion|trillion|percent|dollars?)\b",
    re.I,
)


def load_sets(root: Path) -> dict[str, list[tuple[str, int]]]:
    """(text, label) pairs of each evaluation set."""
    folder = root / "checkworthiness"
    sets = {}
    with (folder / "claimbuster_2.5xNCS.csv").open(encoding="utf-8", newline="") as handle:
        sets["ClaimBuster 2.5xNCS"] = [(r["text"], int(r["label"])) for r in csv.DictReader(handle)]
    with (folder / "clef2019_t1_debates_test.csv").open(encoding="utf-8", newline="") as handle:
        sets["CLEF-2019 T1 test"] = [(r["text"], int(r["label"])) for r in csv.DictReader(handle)]
    return sets


def ours(text: str) -> bool:
    """Our rule: the sentence would be suggested."""
    return score_sentence(text, "en")[0] >= SUGGESTED


def baseline(text: str) -> bool:
    """Numbers-only rule."""
    return bool(_BASELINE.search(text))


def report(name: str, rows: list[tuple[str, int]], rule: Callable[[str], bool]) -> str:
    """One line of precision, recall and F1 with the counts behind them."""
    predicted = [rule(text) for text, _ in rows]
    positives = sum(label for _, label in rows)
    tp = sum(1 for p, (_, label) in zip(predicted, rows, strict=True) if p and label)
    flagged = sum(predicted)
    precision = tp / flagged if flagged else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return (f"  {name:<13} P={precision:.3f} R={recall:.3f} F1={f1:.3f}  "
            f"(n={len(rows)}, positives={positives}, flagged={flagged}, true positives={tp})")


def main() -> int:
    """Print the comparison for each evaluation set; 2 if the data is missing."""
    root = EVAL_DATA
    if not (root / "checkworthiness").is_dir():
        print(f"eval data not found at {root} (set WORKBENCH_EVAL_DATA)", file=sys.stderr)
        return 2
    print(f"threshold SUGGESTED={SUGGESTED}")
    for set_name, rows in load_sets(root).items():
        print(set_name)
        print(report("ours", rows, ours))
        print(report("numbers-only", rows, baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
