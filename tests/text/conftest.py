"""Shared fixtures for the text-processing tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def eval_data() -> Path:
    """The third-party eval data (research-only licences, so it is not in the repo)."""
    override = os.environ.get("WORKBENCH_EVAL_DATA")
    root = Path(override) if override else REPO.parent / "shared" / "eval-data"
    if not root.is_dir():
        pytest.skip(f"{root} not present (…/shared/eval-data not present)")
    return root


@pytest.fixture(scope="session")
def seed_article() -> str:
    """The sample article shipped with the package."""
    return (REPO / "workbench" / "sample_data" / "seed-article.txt").read_text(encoding="utf-8")
