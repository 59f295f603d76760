"""Shared fixtures for the text-processing tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def seed_article() -> str:
    """The sample article shipped with the package."""
    return (REPO / "workbench" / "sample_data" / "seed-article.txt").read_text(encoding="utf-8")
