"""AppTest for the dashboard: friendly empty state, only the open tab's charts on a
filled database, filters and the open tab read from the URL, the claim list behind a
clicked bar (from any tab), and figures that follow a change without the page counting
them in its own run."""

from __future__ import annotations

import threading

from tests.ui.conftest import open_ui
from workbench import dashboard as dash
from workbench import db, verdicts

PAGE = "workbench/ui/pages/dashboard.py"


def test_empty_database_shows_empty_state(app_db, tmp_path):
    at = open_ui(PAGE, tmp_path)
    assert not at.exception, at.exception
    assert any("No claims yet" in info.value for info in at.info)


#: The charts each tab draws (their keys' dimensions); the first tab opens by default.
TAB_CHARTS = {
    "Verdicts": ["rating"],
    "States": ["state"],
    "Over time": ["week", "time"],
    "Outlets": ["outlet", "repeated"],
    "Claimants and tags": ["claimant", "tag"],
    "Reviewers": ["reviewer"],
}


def charts_drawn(at) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each tab's drawn charts, by dimension."""
    return {
        tab.label: [chart.key.removeprefix("dash_chart_") for chart in tab.get("plotly_chart")]
        for tab in at.tabs
    }


def only_open(tab: str) -> dict[str, list[str]]:
    return {label: charts if label == tab else [] for label, charts in TAB_CHARTS.items()}


def test_filled_database_draws_the_first_tabs_charts_only(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, user=editor)
    assert not at.exception, at.exception
    assert claims_shown(at) == "4"
    assert charts_drawn(at) == only_open("Verdicts")
    assert len(at.get("plotly_chart")) == 1  # none outside the tabs either
    verdicts = at.get("plotly_chart")[0].proto.spec
    assert '"#1b7f3b"' in verdicts and '"#cc0000"' in verdicts  # the scale's colours
    assert at.get("download_button") and at.dataframe[-1].value["open claims"].sum() > 0


def test_switching_tabs_draws_that_tabs_charts(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, user=editor)
    for tab in ("States", "Over time", "Outlets", "Claimants and tags", "Reviewers", "Verdicts"):
        at.session_state["dash_tab"] = tab
        at.run()
        assert not at.exception, at.exception
        assert charts_drawn(at) == only_open(tab)
        assert len(at.get("plotly_chart")) <= 2  # a filter click redraws two charts at most
        assert claims_shown(at) == "4"  # the metrics stay above every tab
    at = open_ui(PAGE, tmp_path, {"dash_tab": "Reviewers"}, user=editor)
    assert charts_drawn(at) == only_open("Reviewers")  # a link opens its tab


def test_drill_down_from_a_chart_in_another_tab(desk, tmp_path, editor):
    """A bar clicked in a tab that is not the first: its claims over that tab, which a
    reload (the URL with both parameters) opens again, and which stays open afterwards."""
    at = open_ui(PAGE, tmp_path, user=editor)
    at.session_state["dash_tab"] = "Claimants and tags"
    at.session_state["dash_drill"] = ("tag", "eu", "eu")
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["dash_drill"] == "tag:eu"
    reloaded = open_ui(
        PAGE, tmp_path, {"dash_tab": "Claimants and tags", "dash_drill": "tag:eu"}, user=editor
    )
    for page in (at, reloaded):
        assert any(s.value == "Claims: tag = eu" for s in page.subheader)
        assert sorted(page.dataframe[-1].value["id"]) == sorted(
            desk.claim_ids[i] for i in (0, 1, 3)
        )
        assert charts_drawn(page) == only_open("Claimants and tags")
    reloaded.button(key="dash_clear").click().run()
    assert not reloaded.exception, reloaded.exception
    assert not any(s.value.startswith("Claims:") for s in reloaded.subheader)
    assert charts_drawn(reloaded) == only_open("Claimants and tags")


def test_filters_come_from_the_url(desk, tmp_path, editor):
    at = open_ui(PAGE, tmp_path, {"dash_outlet": "Daily Other"}, user=editor)
    assert not at.exception, at.exception
    assert at.selectbox(key="dash_outlet").value == "Daily Other"
    assert claims_shown(at) == "1"
    at = open_ui(
        PAGE, tmp_path, {"dash_tag": "nothing-like-this", "dash_states": "dismissed"}, user=editor
    )
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


def test_figures_follow_a_change_counted_in_the_background(
    desk, tmp_path, editor, second_editor, monkeypatch
):
    """After an approval the next run shows the figures it has at once, says they are
    being updated, and leaves the recount to the background worker (held here until the
    test lets it go); a later run shows the new count. No TTL: nothing else expires."""
    at = open_ui(PAGE, tmp_path, user=editor)
    assert published_shown(at) == "2"
    go_ahead, counted = threading.Event(), threading.Event()
    count = dash.dashboard

    def held_in_the_background(session, actor, filters):  # type: ignore[no-untyped-def]
        if threading.current_thread().name.startswith("dashboard"):
            assert go_ahead.wait(20), "the test never let the recount finish"
            counted.set()
        return count(session, actor, filters)

    monkeypatch.setattr(dash, "dashboard", held_in_the_background)
    with db.write_session() as session:
        pending = verdicts.get_verdict(session, desk.verdict_ids[2])
        verdicts.approve_verdict(
            session, second_editor, pending.id, pending.version, confirm_few_sources=True
        )
    at.run()
    assert not at.exception, at.exception
    assert published_shown(at) == "2"  # shown at once: the recount is still held
    assert any("Updating the figures" in caption.value for caption in at.caption)
    go_ahead.set()
    assert counted.wait(20)
    for _ in range(100):  # the worker stores its result right after counting
        at.run()
        if published_shown(at) == "3":
            break
        counted.wait(0.05)
    assert published_shown(at) == "3"
    assert not any("Updating the figures" in caption.value for caption in at.caption)


def published_shown(at) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.metric if m.label == "Published verdicts")


def claims_shown(at) -> str:  # type: ignore[no-untyped-def]
    """The headline "Claims" metric."""
    return next(m.value for m in at.metric if m.label == "Claims")


def test_a_new_tag_is_offered_on_the_next_run(desk, tmp_path, editor):
    """The filter choices follow a save at once (a 30 s cache made a new tag wait)."""
    from workbench import claims

    at = open_ui(PAGE, tmp_path, user=editor)
    assert "brand-new" not in at.selectbox(key="dash_tag").options
    with db.write_session() as session:
        claim = claims.get_claim(session, desk.claim_ids[3])
        claims.update_claim(session, editor, claim.id, claim.version, tags=["brand-new"])
    at.run()
    assert not at.exception, at.exception
    assert "brand-new" in at.selectbox(key="dash_tag").options
