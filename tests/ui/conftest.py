"""AppTest helpers: run the real app.py against the test database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from tests.conftest import new_claim
from tests.factories import Desk
from workbench import auth, db, users
from workbench.models import User
from workbench.sample import load_sample
from workbench.ui import routes
from workbench.ui.routes import SESSION_TOKEN

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    p.relative_to(ROOT).as_posix() for p in (ROOT / "workbench" / "ui" / "pages").glob("*.py")
)


def signed_in(user: User | None) -> dict[str, str]:
    """Session state that signs ``user`` in (AppTest cannot send the session cookie)."""
    if user is None:
        return {}
    with db.write_session() as session:
        return {SESSION_TOKEN: auth.create_session(session, session.get(User, user.id))}


def _app(script: Path, user: User | None, timeout: float = 30) -> AppTest:
    """``script`` as an AppTest with ``user`` signed in, not run yet."""
    at = AppTest.from_file(str(script), default_timeout=timeout)
    for key, value in signed_in(user).items():
        at.session_state[key] = value
    return at


def open_page(
    page: str | None = None,
    query: dict[str, str] | None = None,
    timeout: float = 30,
    user: User | None = None,
    state: dict[str, object] | None = None,
) -> AppTest:
    """Run app.py as ``user``, optionally switch to ``page`` with query parameters;
    ``state`` is put into the session state before the first run."""
    at = _app(ROOT / "app.py", user, timeout)
    for key, value in (state or {}).items():
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


_ALONE = """
import streamlit as st
from workbench.ui.context import ensure_database

st.set_page_config(layout="wide")
ensure_database()
st.navigation([st.Page({page!r}, default=True)]).run()
"""


def open_ui(
    page: str,
    tmp_path: Path,
    query: dict[str, str] | None = None,
    user: User | None = None,
    *,
    alone: bool = False,
) -> AppTest:
    """Open ``page`` as ``user`` through app.py (which lists it for editors), or with
    ``alone`` (or while ``routes.ROUTES`` does not list it) through a one-page navigation, to test
    the page's own checks. Unlike ``open_page``, the query parameters reach only ``page``."""
    if not alone and any(route.path == page for route in routes.ROUTES):
        at = _app(ROOT / "app.py", user)
        at.run()
        at.switch_page(page)
    else:
        script = tmp_path / "harness.py"
        script.write_text(_ALONE.format(page=str(ROOT / page)))
        at = _app(script, user)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


SPAN_SELECTOR, CLAIM_BUTTONS = "wb_span_selector", "wb_claim_buttons"
SUGGESTION_CARDS = "wb_suggestion_cards"


def page_component(at: AppTest, name: str = SPAN_SELECTOR) -> Any:
    """The last run's custom component ``name`` (AppTest's generic element)."""
    [component] = [c for c in at.get("bidi_component") if c.proto.component_name == name]
    return component


def component_data(at: AppTest, name: str = SPAN_SELECTOR) -> dict:
    """What the last run sent to the page's custom component ``name`` (the article's span
    selector unless said)."""
    return json.loads(page_component(at, name).proto.json)


def drawn_data(at: AppTest, name: str) -> dict | None:
    """Like :func:`component_data`, or None when the last run did not draw ``name`` (a
    fragment run that left it as it was)."""
    drawn = [c for c in at.get("bidi_component") if c.proto.component_name == name]
    return json.loads(drawn[0].proto.json) if drawn else None


def listed_claims(at: AppTest) -> dict[int, str]:
    """The Annotate page's claim list as the last run sent it: id -> "label — statement"."""
    return {
        i: f"{label} — {text}" for i, label, text in component_data(at, CLAIM_BUTTONS)["claims"]
    }


def suggestion_cards(at: AppTest) -> list[list]:
    """The Annotate page's suggestion cards as the last run sent them: [start, end, quote,
    why] each."""
    return component_data(at, SUGGESTION_CARDS)["cards"]


def choose_card(at: AppTest, start: int, end: int, *, accept: bool) -> None:
    """Rerun as if a card's Accept (or Not check-worthy) had been clicked."""
    send_trigger(at, "chosen", {"start": start, "end": end, "accept": accept}, SUGGESTION_CARDS)


def open_listed_claim(at: AppTest, claim_id: int) -> None:
    """Rerun as if the claim's button in the claim list had been clicked."""
    send_trigger(at, "opened", claim_id, CLAIM_BUTTONS)


def send_trigger(at: AppTest, event: str, value: object, name: str = SPAN_SELECTOR) -> None:
    """Rerun as if the browser had called the component's ``setTriggerValue(event, value)``.

    AppTest has no public way to fire a component trigger; this builds the same
    WidgetState the frontend sends (private ``_run``, Streamlit 1.67)."""
    component = page_component(at, name)
    states = at._tree.get_widget_states()
    payload = json.dumps({"event": event, "value": value})
    states.widgets.append(
        WidgetState(
            id=f"$$STREAMLIT_INTERNAL_KEY_{component.proto.id}__events",
            json_trigger_value=payload,
        )
    )
    at._run(states)


@pytest.fixture
def app_db(database_url: str) -> str:
    """The migrated test database, which app.py picks up from the environment."""
    from workbench.ui.context import prepare_once

    prepare_once.clear()
    return database_url


@pytest.fixture
def desk(app_db: str, desk: Desk) -> Desk:
    """``build_desk``'s dataset in the database app.py reads."""
    return desk


@pytest.fixture
def claim(app_db: str, engine):  # type: ignore[no-untyped-def]
    """A claim on the sample article, in single-user mode (no accounts, no sign-in)."""
    with db.write_session(engine) as session:
        local = users.builtin_user(session, users.LOCAL_USER)
        article = load_sample(session, local)
    return new_claim(engine, local, article)


# The local web site of the fetching tests, for pages that fetch (add from a URL, archive).
from tests.web.conftest import site  # noqa: E402, F401  (a fixture)


@pytest.fixture
def local_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the app's fetches reach 127.0.0.1 (the ``site`` fixture), quickly."""
    from workbench.settings import get_settings

    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("WORKBENCH_FETCH_TIMEOUT_SECONDS", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


#: Page tests that also run on PostgreSQL. The others run on SQLite only: pages read through
#: the loaders and write through the services, which tests/domain runs on both databases, so
#: on PostgreSQL a page test repeats those reads at AppTest's cost (121 tests, about three
#: minutes of the suite on two cores). test_pages.py renders every page on both.
BOTH_DATABASES = frozenset({"test_pages.py"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (reported in pytest's "deselected" count) the PostgreSQL variants of the
    page tests outside :data:`BOTH_DATABASES`."""
    here = Path(__file__).parent

    def sqlite_only(item: pytest.Item) -> bool:
        params = getattr(getattr(item, "callspec", None), "params", {})
        return (
            item.path.parent == here
            and item.path.name not in BOTH_DATABASES
            and params.get("database_url") == "postgres"
        )

    dropped = [item for item in items if sqlite_only(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not sqlite_only(item)]
