"""The Annotate page's three fragments, named so that callbacks anywhere can rerun them.

A click inside a fragment reruns only that fragment (not ``app.py``, the sign-in check,
the navigation and the rest of the page). A callback whose write changes what other
fragments show (a new claim's highlight, a state colour, a line in the claim list) calls
:func:`rerun_annotate`; a click that only changes what is selected calls
:func:`rerun_selection`, which leaves the suggestions and the claim list as they are. All
three are rendered on every full run of the page, so their ids stay registered and a
click in them is never dropped as "fragment does not exist anymore" (see docs/reruns.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from workbench.ui import routes

ARTICLE = "annotate_article_view"
PANEL = "annotate_panel"
CLAIMS = "annotate_claim_list"
#: The claim panel's tabs by name (the Evidence tab's label adds the count); only the
#: open one is drawn (``routes.open_tab_key`` remembers which).
CLAIM_TABS = ("Details", "Evidence", "Verdict", "Corrections", "History", "Comments")


def rerun_annotate() -> None:
    """From a widget callback after a write: rerun the article, the panel and the claim
    list, not the whole page."""
    st.rerun([ARTICLE, PANEL, CLAIMS])


def rerun_selection() -> None:
    """From a widget callback that changed only the selection (a claim, a span): rerun
    the article (it marks the selected claim) and the panel."""
    st.rerun([ARTICLE, PANEL])


def rerun_claims() -> None:
    """From a widget callback whose write shows in the panel and the claim list only (a
    claim's wording)."""
    st.rerun([PANEL, CLAIMS])


def flash(message: str) -> None:
    """Confirm a write: the panel shows ``message`` with the time while on this article,
    until the next write replaces it (a toast vanishes after a few seconds, possibly
    before a slow rerun even shows the result, and a run that shows a one-shot message
    can be interrupted by the next click)."""
    st.session_state[routes.FLASH] = (
        st.query_params.get(routes.ARTICLE),
        f"{message} ({datetime.now(UTC):%H:%M:%S} UTC)",
    )


def last_write(article_id: int) -> str | None:
    """The confirmation of the last write on ``article_id`` in this browser session."""
    article, message = st.session_state.get(routes.FLASH, (None, None))
    return message if article == str(article_id) else None
