"""The Annotate page's keyboard shortcuts, named once for the buttons and the help popover.

The buttons take them through Streamlit's own ``shortcut=`` (``st.button``,
``st.form_submit_button``): a single key never fires while the cursor is in a text
field, a select box or a text area (Streamlit's shortcut handler ignores those), while
a shortcut with Ctrl (Cmd on a Mac) does, which is what saving needs. The keys C and R
are Streamlit's own and cannot be used. Moving a claim's edges is handled inside the
article (``span_selector.js``), so its keys are only listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Shortcut:
    key: str  # as ``shortcut=`` takes it
    does: str


NEXT = Shortcut("J", "Next suggestion")
PREVIOUS = Shortcut("K", "Previous suggestion")
ACCEPT = Shortcut("A", "Accept the marked suggestion")
DISMISS = Shortcut("D", "Mark the marked suggestion as not check-worthy")
NEW_CLAIM = Shortcut("N", "Create a claim from the selected words")
SAVE = Shortcut("Ctrl+S", "Save the open claim (works while typing)")
CLOSE = Shortcut("X", "Close the open claim")
#: Handled by the article itself: a claim's span, after clicking the claim.
WIDEN_END = Shortcut("Shift+→ / Shift+←", "Move the claim's end one word right / left")
WIDEN_START = Shortcut("Alt+Shift+← / Alt+Shift+→", "Move the claim's start one word left / right")

ALL = (NEXT, PREVIOUS, ACCEPT, DISMISS, NEW_CLAIM, SAVE, CLOSE, WIDEN_END, WIDEN_START)


def shortcuts_help() -> None:
    """The "Keyboard shortcuts" popover."""
    with st.popover("Keyboard shortcuts", icon=":material/keyboard:"):
        st.markdown(
            "\n".join(
                [
                    "| Key | What it does |",
                    "| --- | --- |",
                    *(f"| `{s.key}` | {s.does} |" for s in ALL),
                ]
            )
        )
        st.caption(
            "Letter keys do nothing while you type in a field. Click a claim in the "
            "article first to move its edges; the new span is saved when you let go "
            "of Shift, completed to whole words."
        )
