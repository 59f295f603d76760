"""The sidebar's line of My work counts, for every signed-in person on every page.

It is read once per full run of the page (one cheap statement, ``my_work.counts_of``, for
the person the entry page has just signed in), so it follows every click; the My work
page itself also refreshes its counts while it is open (``workbench/ui/pages/my_work.py``).
"""

from __future__ import annotations

import streamlit as st

from workbench.identity import Person
from workbench.my_work import counts_of
from workbench.ui import routes


def sidebar_counts(person: Person) -> None:
    """A link to My work saying what waits there (counts only: no stored text)."""
    counts = counts_of(person)
    with st.container(key="sidebar_my_work"):
        routes.link(routes.MY_WORK, f"My work · {counts.summary}", icon=":material/inbox:")
