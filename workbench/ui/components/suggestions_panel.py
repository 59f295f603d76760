"""Suggested claims with their reasons: accept or dismiss in one click."""

from __future__ import annotations

import streamlit as st

from workbench.text.checkworthiness import Suggestion
from workbench.ui import routes
from workbench.ui.components.annotate_fragments import flash, rerun_annotate
from workbench.ui.context import perform
from workbench.ui.safe import md
from workbench.workspace import SuggestionTaken, accept_suggestion, dismiss_suggestion

SHOWN = 10


def _act(article_id: int, suggestion: Suggestion, accept: bool) -> None:
    """on_click of Accept / Not check-worthy. A sentence that is already a claim (this page
    was out of date, or a colleague was quicker) opens that claim instead of a second one."""
    action = accept_suggestion if accept else dismiss_suggestion
    try:
        claim = perform(action, article_id, suggestion, reraise=(SuggestionTaken,))
    except SuggestionTaken as taken:
        _open(taken.claim_id, str(taken))
        return
    if claim is None:
        return
    if accept:
        _open(claim.id, f"Claim #{claim.id} created from the suggestion.")
    else:
        rerun_annotate()  # the suggestion goes, the article gains a grey highlight


def _open(claim_id: int, message: str) -> None:
    st.query_params[routes.CLAIM] = str(claim_id)
    flash(message)
    rerun_annotate()  # the article gains a highlight, the panel loses the suggestion


def suggestions_panel(article_id: int, suggestions: list[Suggestion]) -> None:
    if not suggestions:
        st.caption("No open suggestions: every check-worthy sentence has a claim or was dismissed.")
        return
    st.caption(f"{len(suggestions)} sentences look check-worthy; the best {SHOWN} are shown.")
    for rank, suggestion in enumerate(suggestions[:SHOWN]):
        with st.container(border=True, key=f"annotate_suggestion_{rank}"):
            st.text(suggestion.quote)
            st.caption(f"Score {suggestion.score:.2f} · " + md(" · ".join(suggestion.reasons)))
            accept, dismiss = st.columns(2)
            accept.button("Accept", key=f"annotate_accept_{suggestion.start}", type="primary",
                          on_click=_act, args=(article_id, suggestion, True),
                          use_container_width=True)
            dismiss.button("Not check-worthy", key=f"annotate_dismiss_{suggestion.start}",
                           on_click=_act, args=(article_id, suggestion, False),
                           use_container_width=True)
