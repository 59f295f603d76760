"""How every ``workbench`` command prints its result: JSON for scripts, a sentence for people.
Its own module so the command groups (``cli_admin``, ``cli_reports``, …) and ``cli``, which
registers them, all depend on it rather than on each other."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from typing import Any


def _json_default(value: Any) -> Any:
    """Dates as ISO 8601; anything else JSON cannot hold (paths, say) as its text."""
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def emit(args: argparse.Namespace, data: Any, human: str) -> None:
    """Print ``data`` as JSON with --json, else the human-readable text."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))
    else:
        print(human)
