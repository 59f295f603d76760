"""The type checker passes, with the settings in pyproject.toml's ``[tool.mypy]``, so the
README's test command enforces it (``.ci/run`` also runs ``python -m mypy`` on its own,
before the tests, which leaves this run a warm cache).

mypy keeps its cache in ``.mypy_cache/`` at the root: a run after an unchanged one takes
seconds, the first one a minute or two on two cores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]

#: One mistake per setting the project relies on, each on its own line.
PROBE = """\
def half(n: int) -> int:
    return n // 2


half("2")
half(2)  # type: ignore[arg-type]
half("3")  # type: ignore
"""


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_the_package_type_checks() -> None:
    result = _mypy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_the_settings_refuse_errors_and_idle_or_vague_ignores(tmp_path: Path) -> None:
    """The configuration is in force: a wrong argument, an ignore that silences nothing
    and an ignore that names no error code are each reported (files named on the command
    line replace the configured ``files``; every other setting applies)."""
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    result = _mypy(
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "--cache-dir",
        str(tmp_path / "cache"),
        str(probe),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    found = {
        (line.split(":")[1], line.rsplit("[", 1)[-1].rstrip("]"))
        for line in result.stdout.splitlines()
        if line.startswith(str(probe))
    }
    assert found == {("5", "arg-type"), ("6", "unused-ignore"), ("7", "ignore-without-code")}
