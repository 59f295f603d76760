"""The CSV claim report's download button, on the Dashboard and the Reports page.

The file is built only when clicked (``data`` is a callable), with the filters the
page shows, so it has exactly the claims the dashboard counts.
"""

from __future__ import annotations

import streamlit as st

from workbench import db
from workbench.filters import ClaimFilters
from workbench.reports.csv_export import csv_bytes
from workbench.ui.context import acting_user


def _report(filters: ClaimFilters, bom: bool) -> bytes:
    """Built at click time, as whoever is signed in then (the service checks the role)."""
    with db.read_session() as session:
        actor = acting_user(session)
    return csv_bytes(actor, filters=filters, bom=bom)


def csv_download(filters: ClaimFilters, *, key: str) -> None:
    """A BOM checkbox and the download button for the CSV report of ``filters``."""
    bom = st.checkbox("Add a BOM (for Excel)", key=f"{key}_bom")
    st.download_button("Download the CSV report", data=lambda: _report(filters, bom),
                       file_name="claims.csv", mime="text/csv", key=f"{key}_csv_download",
                       on_click="ignore", icon="⬇️",
                       help="One row per claim matching the filters above, every column")
