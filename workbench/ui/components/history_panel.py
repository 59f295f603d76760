"""A claim's history from the audit trail: who changed what, when, from what to what."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench import audit, db


def history_panel(claim_id: int) -> None:
    with db.read_session() as session:
        events = audit.claim_history(session, claim_id)
    rows = [{"when (UTC)": f"{event.at:%Y-%m-%d %H:%M}", "who": event.actor_name,
             "what": f"{event.entity} {event.action}", "field": field,
             "before": "" if change[0] is None else str(change[0]),
             "after": "" if change[1] is None else str(change[1])}
            for event in events for field, change in (event.changes or {"": [None, None]}).items()]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)
    else:
        st.caption("No history yet.")
