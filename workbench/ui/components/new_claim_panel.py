"""Creating a claim from the reviewer's mouse selection, with the "Seen before?" panel."""

from __future__ import annotations

import streamlit as st

from workbench import claims, loaders
from workbench.models import ClaimType
from workbench.text.anchor import snap_to_words
from workbench.text.checkworthiness import score_sentence
from workbench.ui import routes
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import checked, perform
from workbench.ui.safe import md
from workbench.workspace import suggested_type


def _seen_before_panel(text: str) -> int | None:
    """Earlier look-alike claims; returns the one the reviewer marks this claim as repeating."""
    matches = loaders.seen_before(text)
    st.markdown("**Seen before?**")
    if not matches:
        st.caption("No earlier claim looks like this one.")
        return None
    for match in matches:
        verdict = match.rating_label or match.state.replace("_", " ")
        st.text(f"#{match.claim_id} · {match.score:.0f}% · {verdict}\n{match.statement}")
        if match.article_id is not None:
            routes.link(routes.ANNOTATE, f"Open claim #{match.claim_id}",
                        query=routes.annotate_query(match.article_id, match.claim_id))
    options = [None, *(m.claim_id for m in matches)]
    return st.selectbox("Mark the new claim as a repeat of", options, key="annotate_repeat_of",
                        format_func=lambda v: "— not a repeat —" if v is None else f"claim #{v}")


def new_claim_panel(article_id: int, body: str, language: str,
                    selection: SpanSelection) -> None:
    start, end = snap_to_words(body, selection.start, selection.end)
    quote = body[start:end]
    _score, reasons = score_sentence(quote, language)
    st.markdown("**New claim from your selection**")
    st.text(quote)
    st.caption(f"Characters {start}–{end} (whole words)."
               + (f" Check-worthy because: {md('; '.join(reasons))}." if reasons else ""))
    repeat_of = _seen_before_panel(quote)
    with st.form("annotate_new_claim", border=False):
        statement = st.text_area("Claim statement (the claim in your words)", value=quote,
                                 key="annotate_new_statement", max_chars=2000)
        claimant = st.text_input("Claimant (who said it)", key="annotate_new_claimant")
        types = list(ClaimType)
        claim_type = st.selectbox("Type", types, key="annotate_new_type",
                                  index=types.index(suggested_type(reasons)))
        submitted = st.form_submit_button("Create claim", type="primary")
    if submitted:
        draft = checked(claims.ClaimDraft, article_id=article_id, start=start, end=end,
                        statement=statement, claimant=claimant, claim_type=claim_type,
                        repeat_of_id=repeat_of)
        claim = perform(claims.create_claim, draft) if draft is not None else None
        if claim is not None:
            st.session_state[routes.CLEAR_SELECTION] = True
            st.query_params[routes.CLAIM] = str(claim.id)
            st.rerun()
