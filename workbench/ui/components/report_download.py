"""The CSV claim report's download button, on the Dashboard and the Reports page.

The file is built only when clicked (``data`` is a callable), with the filters the
page shows, so it has exactly the claims the dashboard counts.
"""

from __future__ import annotations

import streamlit as st

from workbench import db
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.reports.csv_export import csv_bytes
from workbench.ui.context import acting_user


def _report(actor_id: int, filters: ClaimFilters, bom: bool) -> bytes:
    """Built at click time, for the user the page was drawn for.

    Streamlit runs this callable in a worker thread, outside any script run: there
    ``st.context.cookies`` and ``st.session_state`` are empty, so ``acting_user`` would
    see nobody and refuse (the download then never starts). The user is therefore
    identified while the page is drawn, and only re-read here, so that a role taken away
    or an account switched off since then is still refused by the service.
    """
    with db.read_session() as session:
        actor = session.get(User, actor_id)
    return csv_bytes(actor, filters=filters, bom=bom)


def csv_download(filters: ClaimFilters, *, key: str) -> None:
    """A BOM checkbox and the download button for the CSV report of ``filters``."""
    with db.read_session() as session:
        actor_id = acting_user(session).id
    bom = st.checkbox("Add a BOM (for Excel)", key=f"{key}_bom")
    st.download_button("Download the CSV report", data=lambda: _report(actor_id, filters, bom),
                       file_name="claims.csv", mime="text/csv", key=f"{key}_csv_download",
                       on_click="ignore", icon="⬇️",
                       help="One row per claim matching the filters above, every column")
