"""A claim's history from the audit trail: who changed what, when, from what to what."""

from __future__ import annotations

import streamlit as st

from workbench.claim_panel import HistoryRow


def history_panel(rows: list[HistoryRow]) -> None:
    if not rows:
        st.caption("No history yet.")
        return
    st.dataframe(
        [
            {
                "when (UTC)": f"{row.at:%Y-%m-%d %H:%M}",
                "who": row.actor,
                "what": row.what,
                "field": row.field,
                "before": row.before,
                "after": row.after,
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
    )
