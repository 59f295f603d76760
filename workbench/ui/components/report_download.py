"""The CSV claim report's download button, on the Dashboard and the Reports page.

The file is built only when clicked (``data`` is a callable), with the filters the
page shows, so it has exactly the claims the dashboard counts.
"""

from __future__ import annotations

import streamlit as st

from workbench import actions
from workbench.filters import ClaimFilters
from workbench.identity import Credentials
from workbench.reports.csv_export import csv_bytes
from workbench.ui.context import credentials


def _report(presented: Credentials, filters: ClaimFilters, bom: bool) -> bytes:
    """Built at click time, as the person the credentials name then.

    Streamlit runs this callable in a worker thread, outside any script run: there
    ``st.context.cookies`` and ``st.session_state`` are empty, so the credentials are
    read while the page is drawn and checked again here, so that a session ended, a
    role taken away or an account switched off since then is still refused.
    """
    return actions.run_as(presented, csv_bytes, filters=filters, bom=bom)


def csv_download(filters: ClaimFilters, *, key: str) -> None:
    """A BOM checkbox and the download button for the CSV report of ``filters``."""
    presented = credentials()
    bom = st.checkbox("Add a BOM (for Excel)", key=f"{key}_bom")
    st.download_button(
        "Download the CSV report",
        data=lambda: _report(presented, filters, bom),
        file_name="claims.csv",
        mime="text/csv",
        key=f"{key}_csv_download",
        on_click="ignore",
        icon="⬇️",
        help="One row per claim matching the filters above, every column",
    )
