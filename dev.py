#!/usr/bin/env python3
"""Set everything up, then start the app or run the tests.

    python3 dev.py start      # the app on http://localhost:8501 (SQLite under db/)
    python3 dev.py test       # the whole test suite (extra arguments go to pytest)
    python3 dev.py bench      # every benchmark in benchmarks/, printing its figures
    python3 dev.py lint       # ruff (lint, format) and mypy, as CI runs them before the tests

Needs only Python 3.11+. The first run creates ``.venv`` and installs the project with
the exact versions in ``constraints.txt`` (``pyproject.toml`` holds only ranges); later runs
reinstall only when ``pyproject.toml`` or ``constraints.txt`` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _fingerprint(extras: str) -> str:
    digest = hashlib.sha256(extras.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment(extras: str) -> None:
    """Create the virtualenv and install the project with ``extras`` if anything changed."""
    if sys.version_info < (3, 11):  # noqa: UP036  (this script may be run by an older python3)
        sys.exit("The workbench needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'app'}"
    fingerprint = _fingerprint(extras)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    print("Installing pinned dependencies (first run takes a minute) …", flush=True)
    pip = [
        PYTHON,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        ROOT / "constraints.txt",
    ]
    # The pip that venv brings (23.x) does not match jusText's `lxml[html_clean]` with lxml's
    # `html-clean` extra and warns; the pinned pip compares extra names normalised.
    subprocess.run([*pip, "pip"], check=True)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    subprocess.run([*pip, "-e", target], check=True)
    stamp.write_text(fingerprint)


def start(args: list[str]) -> int:
    ensure_environment("postgres")
    # A developer's start migrates on purpose; `workbench serve` alone refuses an old database.
    subprocess.run([BIN / "workbench", "db", "upgrade"], check=True, cwd=ROOT)
    # `workbench serve` serves the app with the sign-in routes that set the session cookie
    # (`streamlit run app.py` would leave them out). Extra arguments are Streamlit options,
    # e.g. --server.port 8502.
    return subprocess.call([BIN / "workbench", "serve", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_environment("postgres,semantic,test")
    return subprocess.call([PYTHON, "-m", "pytest", *args], cwd=ROOT)


def lint(_args: list[str]) -> int:
    """The house rules CI checks before the tests: ruff's lint rules and formatting, then mypy
    (whose cache this warms, so ``tests/test_types.py`` takes seconds)."""
    ensure_environment("postgres,semantic,test")
    failures = subprocess.call([BIN / "ruff", "check", "."], cwd=ROOT)
    failures += subprocess.call([BIN / "ruff", "format", "--check", "."], cwd=ROOT)
    failures += subprocess.call([PYTHON, "-m", "mypy"], cwd=ROOT)
    return 1 if failures else 0


#: Each benchmark is a script that prints its figures; ``bench`` runs them in this order.
BENCHMARKS = [
    ["cold_start.py"],
    ["checkworthiness_eval.py"],
    ["suggest_speed.py"],
    ["matching_eval.py"],
    ["seen_before.py"],
    ["save_cost.py"],
    ["export_import.py"],
    ["fetch_bench.py"],
    ["annotate_rerun.py"],
    ["reanchor_eval.py"],
    ["reanchor_bench.py"],
    ["generate.py", "{tmp}/dashboard.sqlite3"],
    ["dashboard_bench.py", "{tmp}/dashboard.sqlite3"],
]


def bench(args: list[str]) -> int:
    """Run every benchmark (several minutes; they need ../shared/eval-data)."""
    import tempfile

    ensure_environment("postgres,semantic,test")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for script, *rest in BENCHMARKS:
            print(f"\n== benchmarks/{script}", flush=True)
            command = [PYTHON, ROOT / "benchmarks" / script, *(a.format(tmp=tmp) for a in rest)]
            failures += (
                subprocess.call(
                    [*command, *args] if script == "dashboard_bench.py" else command, cwd=ROOT
                )
                != 0
            )
    return 1 if failures else 0


def main() -> int:
    commands = {"start": start, "test": test, "bench": bench, "lint": lint}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
