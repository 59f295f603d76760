"""Fixture page for test_span_selector_browser.py.

It mounts the span selector and prints the validated values Python received,
so the browser test can compare them with offsets computed in Python from the
same ``BODY``. The page only renders under ``streamlit run`` (which runs it as
``__main__``), so the test can import the constants without drawing anything.
"""

import streamlit as st

from workbench.ui.components.span_selector import Highlight, span_selector

# Astral emoji and a flag before the words the test selects (UTF-16 drift),
# claim-linked highlights, an Arabic (RTL) paragraph and markup that must stay text.
BODY = (
    "Hi 😀 🇺🇦 there, the minister said unemployment fell 5%.\n"
    "\n"
    "قال الوزير إن البطالة انخفضت\n"
    '<img src=x onerror="window.__pwned = 1"> <script>window.__pwned = 2</script>'
)
CLAIM_TEXT = "unemployment fell 5%"
CLAIM_START = BODY.index(CLAIM_TEXT)
ARABIC_CLAIM_START = BODY.index("الوزير")
HIGHLIGHTS = [
    Highlight(CLAIM_START, CLAIM_START + len(CLAIM_TEXT), "#ffe08a", "Claim 7", 7),
    Highlight(ARABIC_CLAIM_START, ARABIC_CLAIM_START + len("الوزير"), "#a0d8ff", "Claim 8", 8),
]


def _show(label: str, value: object) -> None:
    """One line per value, in a form the browser test can match exactly."""
    st.text(f"{label}={value}")


def main() -> None:
    """Draw the page; a clicked claim becomes the selected (outlined) claim."""
    st.session_state.setdefault("selected_claim", None)
    selection, clicked = span_selector(
        BODY, HIGHLIGHTS, key="article", selected_claim_id=st.session_state.selected_claim
    )
    if clicked is not None:
        st.session_state.selected_claim = clicked
        st.rerun()
    _show(
        "selection",
        "none" if selection is None else f"{selection.start}:{selection.end}:{selection.text}",
    )
    _show("selected_claim", st.session_state.selected_claim)
    if st.button("Save claim") and selection is not None:
        _show("saved", f"{selection.start}:{selection.end}")


if __name__ == "__main__":
    main()
