"""AppTest helpers: run the real app.py against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix()
               for p in (ROOT / "workbench" / "ui" / "pages").glob("*.py"))


def open_page(page: str | None = None, query: dict[str, str] | None = None,
              timeout: float = 30) -> AppTest:
    """Run app.py, optionally switch to ``page`` with query parameters, and return it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
    return at


@pytest.fixture
def app_db(database_url: str) -> str:
    """The migrated test database, which app.py picks up from the environment."""
    from workbench.ui.context import ensure_database

    ensure_database.clear()
    return database_url
