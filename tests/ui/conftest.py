"""AppTest helpers: run the real app.py against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench import auth, db
from workbench.models import User
from workbench.ui.context import TOKEN_KEY

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix()
               for p in (ROOT / "workbench" / "ui" / "pages").glob("*.py"))


def signed_in(user: User | None) -> dict[str, str]:
    """Session state that signs ``user`` in (AppTest cannot send the session cookie)."""
    if user is None:
        return {}
    with db.write_session() as session:
        return {TOKEN_KEY: auth.create_session(session, session.get(User, user.id))}


def open_page(page: str | None = None, query: dict[str, str] | None = None,
              timeout: float = 30, user: User | None = None) -> AppTest:
    """Run app.py as ``user``, optionally switch to ``page`` with query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in signed_in(user).items():
        at.session_state[key] = value
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
