"""Writing report files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from workbench.errors import WorkbenchError


def replace_file(path: Path | str, chunks: Iterable[str]) -> None:
    """Write ``chunks`` (UTF-8) to a hidden file beside ``path`` that replaces it only when
    complete: a full disk or a crash never leaves a truncated report that looks finished,
    nor destroys the previous one. Raises WorkbenchError with the system's reason (no
    traceback) when the file cannot be written."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise WorkbenchError(
            f"Cannot write {target}: {error.strerror or error}. Nothing was written."
        ) from error
