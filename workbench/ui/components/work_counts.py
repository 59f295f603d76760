"""The sidebar's line of My work counts, for every signed-in person on every page.

It is read once per full run of the page (one cheap statement, ``my_work.counts``), so
it follows every click; the My work page itself also refreshes its counts while it is
open (``workbench/ui/pages/my_work.py``).
"""

from __future__ import annotations

import streamlit as st

from workbench.my_work import my_work_counts
from workbench.ui import routes
from workbench.ui.context import credentials


def sidebar_counts() -> None:
    """A link to My work saying what waits there (counts only: no stored text)."""
    counts = my_work_counts(credentials())
    with st.container(key="sidebar_my_work"):
        routes.link(routes.MY_WORK, f"My work · {counts.summary}", icon=":material/inbox:")
