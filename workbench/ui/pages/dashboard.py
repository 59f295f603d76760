"""Dashboards: the desk's verdicts and workload at a glance.

Filters are bound to the URL (``bind="query-params"``), so a filtered view can be
shared as a link (the Reports page reads the same parameters). Figures' data comes from
the summary rows, through one :class:`workbench.dashboard_cache.FigureCache` per
database shared by every session: current figures at once, outdated ones at once too
while a background worker recounts them (the page then polls and reruns when they are
in), so no click waits for a recount. Clicking a bar lists the claims behind it in a
dialog over the charts, each opening in Annotate; the bar is kept in the URL
(``dash_drill=dimension:value``), so a reload or a shared link reopens it. The charts sit
in tabs of at most two and only the open tab's are drawn, because plotly.js redrawing every
chart was most of a filter click in the browser; the open tab is in the URL too
(``dash_tab``), so a drill-down from a chart in another tab reopens over its own tab. Below
the charts, each reviewer's open claims (the whole desk, in every tab), oldest first. The
CSV report of the same claims downloads from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from workbench import dashboard as dash
from workbench import loaders
from workbench.dashboard_cache import FigureCache, figures_of
from workbench.errors import PermissionDenied
from workbench.filters import ClaimFilters
from workbench.permissions import EDITORS
from workbench.settings import get_settings
from workbench.ui import routes
from workbench.ui.components.claim_filters import dashboard_filters
from workbench.ui.components.report_download import csv_download
from workbench.ui.context import credentials
from workbench.ui.safe import md, plotly_text

POLL_SECONDS = 0.5  # how often a page showing outdated figures asks for the new ones
#: Each chart's dimension and the ``Dashboard`` field holding its bars.
DIMENSIONS = {
    "rating": "verdicts",
    "state": "states",
    "week": "weeks",
    "reviewer": "reviewers",
    "time": "time_to_verdict",
    "outlet": "outlets",
    "claimant": "claimants",
    "tag": "tags",
    "repeated": "repeated",
}


@st.cache_resource(show_spinner=False)
def figure_cache(database_url: str) -> FigureCache:
    """The process's figures for one database (keyed on the URL: databases never mix)."""
    return figures_of(database_url)


@st.fragment(run_every=POLL_SECONDS)
def _await_recount(cache: FigureCache, filters: ClaimFilters) -> None:
    """Rerun the page once the background recount of ``filters`` is in."""
    if not cache.refreshing(filters):
        st.rerun()
    st.caption("Updating the figures…")


def _remember(chart_key: str, dimension: str, bars: list[tuple[str, str]]) -> None:
    """on_select callback: keep the clicked bar, in the state and in the URL (a reload or
    a shared link opens the same claims)."""
    points = st.session_state[chart_key]["selection"]["points"]
    if not points:
        _close_drill()
        return
    index = points[0].get("point_index", points[0].get("point_number", 0))
    if 0 <= index < len(bars):
        label, value = bars[index]
        st.session_state[routes.DRILL] = (dimension, value, label)
        st.query_params[routes.DRILL] = f"{dimension}:{value}"


def _close_drill() -> None:
    """Closing the claims dialog (or "Clear selection") forgets the bar, URL included."""
    st.session_state.pop(routes.DRILL, None)
    st.query_params.pop(routes.DRILL, None)


def _chosen_bar(data: dash.Dashboard) -> tuple[str, str, str] | None:
    """The clicked bar: this session's, else the URL's (``dimension:value``), labelled as
    its bar is (the value itself when no bar carries it any more)."""
    chosen = st.session_state.get(routes.DRILL)
    if chosen is None:
        dimension, _, value = st.query_params.get(routes.DRILL, "").partition(":")
        if dimension not in DIMENSIONS or not value:
            return None
        bars = (
            {bar.key: bar.label for bar in getattr(data, DIMENSIONS[dimension])}
            if dimension != "week"
            else {w.start.isoformat(): w.label for w in data.weeks}
        )
        chosen = (dimension, value, bars.get(value, value))
        st.session_state[routes.DRILL] = chosen
    elif st.query_params.get(routes.DRILL) != f"{chosen[0]}:{chosen[1]}":
        st.query_params[routes.DRILL] = f"{chosen[0]}:{chosen[1]}"
    return chosen


def _bar_chart(
    title: str,
    dimension: str,
    labels: list[str],
    values: list[str],
    counts: list[int],
    colours: list[str] | None = None,
    *,
    horizontal: bool = False,
) -> None:
    key = f"dash_chart_{dimension}"
    shown = [plotly_text(label) for label in labels]  # outlets, tags, claimants: user text
    bar = go.Bar(y=shown, x=counts, orientation="h") if horizontal else go.Bar(x=shown, y=counts)
    if colours:
        bar.marker.color = colours
    figure = go.Figure(bar)
    figure.update_layout(
        title=title,
        height=320,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        clickmode="event+select",
        showlegend=False,
    )
    if horizontal:
        figure.update_yaxes(autorange="reversed", type="category")
    else:
        figure.update_xaxes(type="category")
    st.plotly_chart(
        figure,
        key=key,
        on_select=partial(_remember, key, dimension, list(zip(labels, values, strict=True))),
        selection_mode="points",
        config={"displaylogo": False},
    )


def _bars(
    title: str,
    dimension: str,
    bars: list[dash.Bar],
    empty: str,
    *,
    coloured: bool = False,
    horizontal: bool = False,
) -> None:
    if not any(bar.count for bar in bars):
        st.caption(f"{title}: {empty}")
        return
    _bar_chart(
        title,
        dimension,
        [b.label for b in bars],
        [b.key for b in bars],
        [b.count for b in bars],
        [b.colour or "#888888" for b in bars] if coloured else None,
        horizontal=horizontal,
    )


def _weekly(data: dash.Dashboard) -> None:
    weeks = data.weeks
    if not weeks:
        st.caption("Approvals per week: none yet.")
        return
    _bar_chart(
        "Approved verdicts per ISO week",
        "week",
        [w.label for w in weeks],
        [w.start.isoformat() for w in weeks],
        [w.approved for w in weeks],
    )
    st.dataframe(
        [
            {"week": w.label, "approved": w.approved, "mean days to verdict": w.avg_days}
            for w in weeks
        ],
        hide_index=True,
        width="stretch",
        height=150,
        key="dash_weeks_table",
    )


def _unsettled() -> None:
    """Claims new article versions left for a person, across the desk (not filtered)."""
    unsettled = loaders.unsettled_claims()
    if not unsettled.count:
        return
    st.warning(
        f"{unsettled.count:,} claims need review or are unplaced after new article versions.",
        icon="🔎",
    )
    with st.expander("Articles with claims to settle"):
        for article in unsettled.articles:
            routes.link(
                routes.ANNOTATE,
                f"{md(article.title)} — {article.claims} claims",
                query=routes.annotate_query(article.article_id),
            )


def _drill(filters: ClaimFilters, chosen: tuple[str, str, str]) -> None:
    """The claims behind the clicked bar, in a dialog over the charts (opened on every run
    while a bar is chosen, so a rerun or a reload keeps it open)."""
    dimension, value, label = chosen

    @st.dialog("Claims behind the bar", width="large", on_dismiss=_close_drill)
    def claims_dialog() -> None:
        found = loaders.dashboard_claims(credentials(), filters, dimension, value)
        st.subheader(f"Claims: {dimension} = {md(label)}", anchor=False)
        st.button("Clear selection", key="dash_clear", on_click=_close_drill)
        if not found:
            st.info("No claims behind that bar with the current filters.")
            return
        st.dataframe(
            [
                {
                    "open": routes.annotate_url(ref.article_id, ref.id) if ref.article_id else None,
                    "id": ref.id,
                    "statement": ref.statement,
                    "claimant": ref.claimant,
                    "state": ref.state.replace("_", " "),
                    "created": f"{ref.created_at:%Y-%m-%d}",
                }
                for ref in found
            ],
            hide_index=True,
            width="stretch",
            key="dash_claims_table",
            column_config={"open": st.column_config.LinkColumn("open", display_text="open")},
        )

    claims_dialog()


def _workload() -> None:
    """Open claims per reviewer, the one whose oldest open claim waits longest first (the
    whole desk, not filtered: who has too much, whose work is stuck)."""
    rows = loaders.open_claims_per_reviewer(credentials())
    st.subheader("Open claims per reviewer", anchor=False)
    if not rows:
        st.caption("No open claims: nothing new or being researched.")
        return
    now = datetime.now(UTC)
    st.dataframe(
        [
            {
                "reviewer": row.display_name + ("" if row.active else " (inactive)"),
                "open claims": row.open_claims,
                "oldest open claim": _age(now, row.oldest_created_at),
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
        key="dash_workload",
    )


def _age(now: datetime, then: datetime | None) -> str:
    if then is None:
        return ""
    days = (now - (then if then.tzinfo else then.replace(tzinfo=UTC))).days
    return "today" if days < 1 else f"{days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class BarChart:
    """One bar chart of the page: its title, the drill-down dimension, the figure it draws
    (read from the :class:`dash.Dashboard`) and the words shown when it is empty."""

    title: str
    dimension: str
    figure: Callable[[dash.Dashboard], list[dash.Bar]]
    empty: str
    horizontal: bool = False
    coloured: bool = False

    def __call__(self, data: dash.Dashboard) -> None:
        _bars(
            self.title,
            self.dimension,
            self.figure(data),
            self.empty,
            coloured=self.coloured,
            horizontal=self.horizontal,
        )


NO_APPROVALS = "no approved verdicts yet."

#: The charts' tabs in the order an editor reads them (the first opens by default) and the
#: charts each draws side by side. At most two a tab, one in the first: every plotly chart
#: on the page is drawn anew on each filter click (about 75 ms of the browser's time each
#: here), and the first tab is where filters are clicked most.
TABS: dict[str, tuple[Callable[[dash.Dashboard], None], ...]] = {
    "Verdicts": (
        BarChart(
            "Published verdicts",
            "rating",
            lambda d: d.verdicts,
            "no published verdicts yet.",
            coloured=True,
        ),
    ),
    "States": (BarChart("Claims by state", "state", lambda d: d.states, "none."),),
    "Over time": (
        _weekly,
        BarChart(
            "Days from claim to approved verdict", "time", lambda d: d.time_to_verdict, NO_APPROVALS
        ),
    ),
    "Outlets": (
        BarChart(
            "Claims per outlet",
            "outlet",
            lambda d: d.outlets,
            "no claims from articles.",
            horizontal=True,
        ),
        BarChart(
            "Most-repeated claims",
            "repeated",
            lambda d: d.repeated,
            "no claim marked as a repeat.",
            horizontal=True,
        ),
    ),
    "Claimants and tags": (
        BarChart(
            "Claims per claimant",
            "claimant",
            lambda d: d.claimants,
            "no claimants recorded.",
            horizontal=True,
        ),
        BarChart("Claims per tag", "tag", lambda d: d.tags, "no tags yet.", horizontal=True),
    ),
    "Reviewers": (
        BarChart(
            "Approved verdicts per reviewer",
            "reviewer",
            lambda d: d.reviewers,
            NO_APPROVALS,
            horizontal=True,
        ),
    ),
}
TAB_KEY = "dash_tab"  # the open tab's label, in the state and in the URL


def _charts(data: dash.Dashboard) -> None:
    """Only the open tab's charts: the others' are not built at all, so the browser redraws
    at most two charts per click instead of nine. Bound to the URL, so a reload (or a
    drill-down's shared link) opens the same tab; switching tabs reruns the page."""
    tabs = st.tabs(list(TABS), key=TAB_KEY, bind="query-params")
    for tab, charts in zip(tabs, TABS.values(), strict=True):
        if tab.open:
            with tab:
                for column, draw in zip(st.columns(len(charts)), charts, strict=True):
                    with column:
                        draw(data)


st.title("Dashboard")
try:
    desk = loaders.filter_page(credentials(), EDITORS, "see the dashboard")
except PermissionDenied as refused:
    st.error(str(refused))
    st.stop()
user = desk.person
_unsettled()
filters = dashboard_filters(desk.options)
cache = figure_cache(get_settings().database_url)
shown = cache.get(filters, user.id)
data = shown.data
if shown.stale:
    _await_recount(cache, filters)
else:
    st.caption(
        f"Figures as of {datetime.fromtimestamp(shown.counted_at, UTC):%H:%M:%S} UTC; "
        "they follow every change."
    )

if data.total_claims == 0:
    st.info(
        "No claims match these filters yet."
        if not filters.is_empty()
        else "No claims yet: the dashboard fills in as reviewers pin claims and editors "
        "approve verdicts."
    )
    st.stop()
claims_metric, published_metric, review_metric = st.columns(3)
claims_metric.metric("Claims", f"{data.total_claims:,}")
published_metric.metric("Published verdicts", f"{data.in_state('approved'):,}")
review_metric.metric("Waiting for review", f"{data.in_state('in_review'):,}")
with st.expander("CSV report of these claims"):
    csv_download(filters, key="dash")
_charts(data)
_workload()
chosen_bar = _chosen_bar(data)
if chosen_bar is None:
    st.caption("Click a bar to list the claims behind it.")
else:
    _drill(filters, chosen_bar)
