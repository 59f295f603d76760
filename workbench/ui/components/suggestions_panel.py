"""Suggested claims with their reasons: accept or dismiss in one click, or from the keyboard.

The same suggestions (:func:`shown`) are marked in the article, where a click on one
accepts or dismisses it through :func:`act` as well (``span_selector``'s
``on_suggestion``).

The cards are one component (``suggestion_cards``), each with its own Accept and Not
check-worthy. One suggestion is *marked* (outlined): "Accept marked" and "Dismiss marked"
above the cards act on it with the A and D shortcuts, and J / K mark the next or previous
one (``annotate_shortcuts``). The mark is a position in the shown list, so after an accept
or a dismissal the next suggestion moves up into it and A accepts that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

from workbench.text.checkworthiness import Suggestion, readable_reason
from workbench.ui import routes
from workbench.ui.components import annotate_shortcuts as keys
from workbench.ui.components.annotate_fragments import flash, rerun_annotate
from workbench.ui.components.suggestion_cards import suggestion_cards
from workbench.ui.context import perform
from workbench.ui.wording import counted
from workbench.workspace import SuggestionTaken, accept_suggestion, dismiss_suggestion

SHOWN = 10
NONE_LEFT = (
    "No suggestions left: every sentence that looked worth checking has a claim "
    "or was marked not check-worthy."
)


def _marked_key(article_id: int) -> str:
    """Session state: the position of the marked suggestion in the shown list."""
    return f"annotate_marked_suggestion_{article_id}"


def shown(suggestions: Sequence[Suggestion]) -> Sequence[Suggestion]:
    """The suggestions listed here and marked in the article: the most check-worthy."""
    return suggestions[:SHOWN]


def act(article_id: int, suggestion: Suggestion, accept: bool) -> None:
    """on_click of Accept / Not check-worthy, here or in the article. A sentence that is
    already a claim (this page was out of date, or a colleague was quicker) opens that
    claim instead of a second one."""
    action = accept_suggestion if accept else dismiss_suggestion
    try:
        claim = perform(action, article_id, suggestion, reraise=(SuggestionTaken,))
    except SuggestionTaken as taken:
        _open(taken.claim_id, str(taken))
        return
    if claim is None:
        return
    if accept:
        assert claim.id is not None  # accept_suggestion returns the claim it created
        _open(claim.id, f"Claim #{claim.id} created from the suggestion.")
    else:
        rerun_annotate()  # the suggestion goes, the article gains a grey highlight


def _open(claim_id: int, message: str) -> None:
    st.query_params[routes.CLAIM] = str(claim_id)
    flash(message)
    rerun_annotate()  # the article gains a highlight, the panel loses the suggestion


def _step(article_id: int, by: int, count: int) -> None:
    """on_click of Next / Previous: move the mark, staying inside the ``count`` shown (the
    click reruns this fragment only)."""
    key = _marked_key(article_id)
    st.session_state[key] = min(max(st.session_state.get(key, 0) + by, 0), count - 1)


def count_line(total: int) -> str:
    """How many sentences look worth checking, and which of them are shown."""
    if total > SHOWN:
        return f"Showing the {SHOWN} most check-worthy of {total} sentences."
    return f"{counted(total, 'sentence looks', 'sentences look')} worth checking."


def _why(suggestion: Suggestion) -> str:
    """The score and the reasons, as plain text (the cards write it with textContent)."""
    reasons = "; ".join(readable_reason(reason) for reason in suggestion.reasons)
    return f"Score {suggestion.score:.2f}" + (f" · why: {reasons}" if reasons else "")


def suggestions_panel(article_id: int, suggestions: Sequence[Suggestion]) -> None:
    if not suggestions:
        st.caption(NONE_LEFT)
        return
    listed = shown(suggestions)
    marked = min(st.session_state.get(_marked_key(article_id), 0), len(listed) - 1)
    st.caption(count_line(len(suggestions)))
    if len(listed) > 1:
        steps = st.container(horizontal=True)
        steps.button(
            "Previous",
            key="annotate_suggestion_previous",
            icon=":material/arrow_upward:",
            shortcut=keys.PREVIOUS.key,
            disabled=marked == 0,
            on_click=_step,
            args=(article_id, -1, len(listed)),
            use_container_width=True,
        )
        steps.button(
            "Next",
            key="annotate_suggestion_next",
            icon=":material/arrow_downward:",
            shortcut=keys.NEXT.key,
            disabled=marked == len(listed) - 1,
            on_click=_step,
            args=(article_id, 1, len(listed)),
            use_container_width=True,
        )
    chosen = listed[marked]
    on_keys = st.container(horizontal=True, key="annotate_marked_actions")
    # Keyed by the sentence: a press on a page that marked another one is dropped.
    for label, name, accept, shortcut, tip in (
        ("Accept marked", "accept", True, keys.ACCEPT, "Make the marked suggestion a claim."),
        ("Dismiss marked", "dismiss", False, keys.DISMISS, "Mark it as not check-worthy."),
    ):
        on_keys.button(
            label,
            key=f"annotate_{name}_{chosen.start}",
            type="primary" if accept else "secondary",
            help=tip,
            on_click=act,
            args=(article_id, chosen, accept),
            shortcut=shortcut.key,
            use_container_width=True,
        )
    suggestion_cards(
        listed,
        _why,
        marked=marked,
        key="annotate_suggestion_cards",
        on_choose=partial(act, article_id),
    )
