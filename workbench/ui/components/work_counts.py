"""The sidebar's line of My work counts, for every signed-in person on every page.

Read with one statement (``my_work.counts_of``, for the person the entry page has just
signed in) at most every :data:`FRESH_SECONDS` per browser session, and at once after this
person's own change (``ui.context.perform`` forgets them) or when the My work page sees
new work (``workbench/ui/pages/my_work.py``, which also refreshes its own counts while
open), so switching pages does not pay for the statement every time.
"""

from __future__ import annotations

import time

import streamlit as st

from workbench.identity import Person
from workbench.my_work import WorkCounts, counts_of
from workbench.ui import routes

#: How long the sidebar shows counts without reading them again (others' changes show
#: within this; one's own at once).
FRESH_SECONDS = 15.0


def sidebar_counts(person: Person) -> None:
    """A link to My work saying what waits there (counts only: no stored text)."""
    counts = _fresh_counts(person)
    with st.container(key="sidebar_my_work"):
        routes.link(routes.MY_WORK, f"My work · {counts.summary}", icon=":material/inbox:")


def _fresh_counts(person: Person) -> WorkCounts:
    kept = st.session_state.get(routes.MY_WORK_COUNTS)
    now = time.monotonic()
    if kept is not None and kept[0] == person.id and now - kept[1] < FRESH_SECONDS:
        return kept[2]
    counts = counts_of(person)
    st.session_state[routes.MY_WORK_COUNTS] = (person.id, now, counts)
    return counts
