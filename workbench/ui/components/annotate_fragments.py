"""The Annotate page's two fragments, named so that callbacks anywhere can rerun them.

A click inside a fragment reruns only that fragment (not ``app.py``, the sign-in check,
the navigation and the rest of the page). A callback whose write changes what the other
fragment shows (a new claim's highlight, a selected claim, a state colour) calls
:func:`rerun_annotate`. Both fragments are rendered on every full run of the page, so
their ids stay registered and a click in them is never dropped as "fragment does not
exist anymore" (see docs/reruns.md).
"""

from __future__ import annotations

import streamlit as st

ARTICLE = "annotate_article_view"
PANEL = "annotate_panel"
#: A one-line confirmation of the last write, shown once by the panel (a toast vanishes
#: after a few seconds, possibly before a slow rerun even shows the result).
FLASH = "annotate_flash"


def rerun_annotate() -> None:
    """From a widget callback: rerun the article and the panel, not the whole page."""
    st.rerun([ARTICLE, PANEL])


def flash(message: str) -> None:
    """Confirm a write where the panel shows it on its next run."""
    st.session_state[FLASH] = message
