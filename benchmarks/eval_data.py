"""Where the benchmarks find the third-party evaluation data (never copied into the repo)."""

import os
from pathlib import Path

#: ``WORKBENCH_EVAL_DATA``, else ``../shared/eval-data`` beside the checkout.
EVAL_DATA = Path(
    os.environ.get(
        "WORKBENCH_EVAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "eval-data"
    )
)
