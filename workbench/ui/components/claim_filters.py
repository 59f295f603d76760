"""The dashboard's filter widgets, shared by the Dashboard and Reports pages.

The widgets are bound to the URL under the same keys on both pages (``dash_dates``,
``dash_outlet``, ``dash_tag``, ``dash_reviewer``, ``dash_states``), so a dashboard link
with its query string, opened on the Reports page, selects the same claims, and the
CSV report matches the dashboard's figures (both use :class:`ClaimFilters`).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from workbench.filters import ClaimFilters
from workbench.models import ClaimState


def dashboard_filters(options: dict[str, list[str]]) -> ClaimFilters:
    """Date range, outlet, tag, reviewer (claim creator) and states, read from the URL."""
    row = st.columns([2, 2, 2, 2, 3])
    dates = row[0].date_input(
        "Date range",
        value=[],
        key="dash_dates",
        bind="query-params",
        help="Days the claims were created (UTC), inclusive",
    )
    outlet = row[1].selectbox(
        "Outlet", ["", *options["outlet"]], key="dash_outlet", bind="query-params"
    )
    tag = row[2].selectbox("Tag", ["", *options["tag"]], key="dash_tag", bind="query-params")
    reviewer = row[3].selectbox(
        "Reviewer",
        ["", *options["reviewer"]],
        key="dash_reviewer",
        bind="query-params",
        help="The user who created the claim",
    )
    states = row[4].multiselect(
        "State", [s.value for s in ClaimState], key="dash_states", bind="query-params"
    )
    picked = [
        d for d in (dates if isinstance(dates, tuple | list) else [dates]) if isinstance(d, date)
    ]
    return ClaimFilters(
        start=picked[0] if picked else None,
        end=picked[1] if len(picked) > 1 else None,
        outlet=outlet or "",
        tag=tag or "",
        reviewer=reviewer or "",
        states=tuple(states),
    )
