"""The Annotate page's suggested claims as one element: a card per suggestion, each with
Accept and Not check-worthy.

Why not Streamlit elements: each card was a bordered container, a text, a caption, a row
and two buttons, about sixty elements for ten suggestions, and every accept redraws them
(each its own message, widget registration, React subtree and Markdown parse). Showing 3
instead of 10 cut the page's long tasks per accept by about 60 ms (issue 9). Here the
suggestions travel as data and ``suggestion_cards.js`` builds plain cards.

Trust boundary: quotes and reasons are written with ``textContent`` only. A choice comes
back as the ``chosen`` trigger with the sentence's offsets, and
``span_selector.parse_suggestion_choice`` accepts it only for a suggestion this run
listed, so the callback always gets the server's own ``Suggestion``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

import streamlit as st

from workbench.text.checkworthiness import Suggestion
from workbench.ui.components.page_component import register
from workbench.ui.components.span_selector import parse_suggestion_choice

__all__ = ["suggestion_cards"]

# Static markup only: the cards are filled in by the JS from ``data``.
_HTML = '<ol class="wb-suggestions" data-testid="wb-suggestions"></ol>'
_COMPONENT = register("wb_suggestion_cards", "suggestion_cards", _HTML)


def _chosen(
    key: str,
    listed: tuple[Suggestion, ...],
    on_choose: Callable[[Suggestion, bool], None],
) -> None:
    state = st.session_state.get(key)
    choice = parse_suggestion_choice(
        state.get("chosen") if isinstance(state, Mapping) else None, listed
    )
    if choice is not None:
        on_choose(*choice)


def suggestion_cards(
    suggestions: Sequence[Suggestion],
    why: Callable[[Suggestion], str],
    *,
    marked: int,
    key: str,
    on_choose: Callable[[Suggestion, bool], None],
) -> None:
    """The cards, the one at ``marked`` outlined; a click calls ``on_choose(suggestion,
    accept)`` before the next run (a callback: a click made while a run is busy is kept)."""
    _COMPONENT(
        key=key,
        data={
            "cards": [[s.start, s.end, s.quote, why(s)] for s in suggestions],
            "marked": marked,
        },
        height="content",
        on_chosen_change=partial(_chosen, key, tuple(suggestions), on_choose),
    )
