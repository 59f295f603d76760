"""The CSV report's deferred download, run the way Streamlit runs it after a click.

Streamlit calls a ``download_button(data=callable)`` in a worker thread, outside the
script run, where the session cookie and session state cannot be read. AppTest never
calls it, so these tests capture the callable and call it from a plain thread.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from tests.ui.conftest import open_ui
from workbench import db
from workbench.errors import PermissionDenied
from workbench.models import Role, User
from workbench.reports.columns import COLUMNS

PAGE = "workbench/ui/pages/dashboard.py"


@pytest.fixture
def deferred(monkeypatch) -> dict[str, Callable[[], object]]:
    """The download callables each run registers, by file name (the last one wins)."""
    found: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def _click(build: Callable[[], object]) -> object:
    """Call ``build`` in a fresh thread with no script run, as Streamlit's handler does."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = build()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            outcome["value"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    return outcome["value"]


def test_editor_downloads_every_column(desk, tmp_path, editor, deferred):
    at = open_ui(PAGE, tmp_path, user=editor)
    assert not at.exception, at.exception
    data = _click(deferred["claims.csv"])
    assert isinstance(data, bytes), data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(desk.claim_ids)
    assert all(len(row) == len(COLUMNS) for row in rows)


def test_role_taken_away_after_drawing_is_refused_at_click(desk, tmp_path, editor, deferred):
    at = open_ui(PAGE, tmp_path, user=editor)
    assert not at.exception, at.exception
    with db.write_session() as session:
        session.get(User, editor.id).role = Role.reviewer
    assert isinstance(_click(deferred["claims.csv"]), PermissionDenied)
