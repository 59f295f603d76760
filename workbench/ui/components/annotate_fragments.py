"""The Annotate page's two fragments, named so that callbacks anywhere can rerun them.

A click inside a fragment reruns only that fragment (not ``app.py``, the sign-in check,
the navigation and the rest of the page). A callback whose write changes what the other
fragment shows (a new claim's highlight, a selected claim, a state colour) calls
:func:`rerun_annotate`. Both fragments are rendered on every full run of the page, so
their ids stay registered and a click in them is never dropped as "fragment does not
exist anymore" (see docs/reruns.md).
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

ARTICLE = "annotate_article_view"
PANEL = "annotate_panel"
#: The confirmation of the last write on this article (a toast vanishes after a few
#: seconds, possibly before a slow rerun even shows the result, and a run that shows a
#: one-shot message can be interrupted by the next click): the panel shows it as a
#: status line until the next write replaces it.
FLASH = "annotate_flash"


def rerun_annotate() -> None:
    """From a widget callback: rerun the article and the panel, not the whole page."""
    st.rerun([ARTICLE, PANEL])


def flash(message: str) -> None:
    """Confirm a write: the panel shows ``message`` with the time while on this article."""
    st.session_state[FLASH] = (st.query_params.get("article"),
                               f"{message} ({datetime.now(UTC):%H:%M:%S} UTC)")


def last_write(article_id: int) -> str | None:
    """The confirmation of the last write on ``article_id`` in this browser session."""
    article, message = st.session_state.get(FLASH, (None, None))
    return message if article == str(article_id) else None
