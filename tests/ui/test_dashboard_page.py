"""AppTest for the dashboard: friendly empty state, charts on a filled database,
filters read from the URL, and the claim list behind a clicked bar."""

from __future__ import annotations

import pytest

from tests.domain.test_review import build_desk
from tests.ui.test_review_page import open_ui

PAGE = "workbench/ui/pages/dashboard.py"


@pytest.fixture
def desk(app_db, engine, reviewer, editor):
    return build_desk(engine, reviewer, editor)


def test_empty_database_shows_empty_state(app_db, tmp_path):
    at = open_ui(PAGE, tmp_path)
    assert not at.exception, at.exception
    assert any("No claims yet" in info.value for info in at.info)


def test_filled_database_draws_charts(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, user=editor)
    assert not at.exception, at.exception
    assert claims_shown(at) == "4"
    charts = at.get("plotly_chart")
    assert len(charts) == 9
    verdicts = charts[0].proto.spec
    assert '"#1b7f3b"' in verdicts and '"#cc0000"' in verdicts  # the scale's colours


def test_filters_come_from_the_url(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, {"dash_outlet": "Daily Other"}, user=editor)
    assert not at.exception, at.exception
    assert at.selectbox(key="dash_outlet").value == "Daily Other"
    assert claims_shown(at) == "1"
    at = open_ui(PAGE, tmp_path, {"dash_tag": "nothing-like-this", "dash_states": "dismissed"},
                 user=editor)
    assert not at.exception, at.exception
    assert any("No claims match" in info.value for info in at.info)


def test_clicked_bar_lists_its_claims(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, user=editor)
    at.session_state["dash_drill"] = ("tag", "eu", "eu")
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[-1].value  # the claim list comes last
    assert sorted(table["id"]) == sorted(desk.claim_ids[i] for i in (0, 1, 3))
    assert table["open"].iloc[0].startswith("./annotate?article=")
    at.button(key="dash_clear").click().run()
    assert not at.exception and "dash_drill" not in at.session_state


def test_reports_page_reads_the_dashboard_filters(desk, tmp_path, editor):
    """The same URL parameters narrow the Reports page; both pages offer the CSV."""
    query = {"dash_outlet": "Daily Other", "dash_states": "new"}
    at = open_ui(PAGE, tmp_path, query, user=editor)
    assert not at.exception, at.exception
    assert claims_shown(at) == "1"
    assert at.get("download_button")
    at = open_ui("workbench/ui/pages/reports.py", tmp_path, query, user=editor)
    assert not at.exception, at.exception
    assert at.selectbox(key="dash_outlet").value == "Daily Other"
    assert at.multiselect(key="dash_states").value == ["new"]
    assert at.get("download_button")


def claims_shown(at) -> str:  # type: ignore[no-untyped-def]
    """The headline "Claims" metric."""
    return next(m.value for m in at.metric if m.label == "Claims")

