"""Fixture page for the body cache checks in test_span_selector_browser.py.

Two articles, one selector per article (keyed as the Annotate page keys them), and a
button that changes only the selected claim, so a rerun sends new data without a new
body. Each body holds a word found nowhere else, so the test can tell from the bytes on
the WebSocket whether that body was sent.
"""

import streamlit as st

from workbench.ui.components.span_selector import Highlight, span_selector

BODIES = {
    "first": "Quixotic first article: the council spent 5% more.",
    "second": "Zanzibarian second article: exports fell in 2024.",
}
MARKERS = {"first": "Quixotic", "second": "Zanzibarian"}


def _highlights(body: str) -> list[Highlight]:
    words = body.split(":", 1)[1]
    start = body.index(words) + 1
    return [
        Highlight(0, start - 2, "#ffe08a", "Claim 1", 1),
        Highlight(start, len(body), "#a0d8ff", "Claim 2", 2),
    ]


def _other_claim() -> None:
    st.session_state.claim = 3 - st.session_state.claim


def main() -> None:
    st.session_state.setdefault("claim", 1)
    name = st.radio("Article", list(BODIES), key="which", horizontal=True)
    st.button("Select the other claim", on_click=_other_claim)
    span_selector(
        BODIES[name],
        _highlights(BODIES[name]),
        key=f"article-{name}",
        selected_claim_id=st.session_state.claim,
    )


if __name__ == "__main__":
    main()
