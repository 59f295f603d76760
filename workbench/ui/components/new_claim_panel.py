"""Creating a claim from the reviewer's mouse selection, with the "Seen before?" panel."""

from __future__ import annotations

import streamlit as st

from workbench import claims, loaders
from workbench.errors import InvalidInput
from workbench.matching import Match, Tier
from workbench.models import ClaimType
from workbench.text.anchor import snap_to_words
from workbench.text.checkworthiness import score_sentence
from workbench.ui import routes
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import checked, perform
from workbench.ui.safe import md, web_url
from workbench.workspace import suggested_type

_TIER_TITLES = {Tier.same: "Same claim", Tier.possible: "Possibly checked before"}


def _show_match(match: Match) -> None:
    """One earlier claim: its verdict (or state), date, score, statement and links."""
    verdict = match.rating_label or match.state.replace("_", " ")
    st.markdown(f"**#{match.claim_id} · {md(verdict)}** · {match.checked_on} · "
                f"{match.score:.0f}% alike")
    st.text(match.statement)
    url = web_url(match.url)
    if url:
        st.link_button("Open the article", url, key=f"annotate_seen_url_{match.claim_id}")
    if match.article_id is not None:
        routes.link(routes.ANNOTATE, f"Open claim #{match.claim_id}",
                    query=routes.annotate_query(match.article_id, match.claim_id))


def _seen_before_panel(text: str) -> int | None:
    """Earlier claims in two tiers; returns the one the reviewer marks this claim as repeating."""
    st.markdown("**Seen before?**")
    try:
        matches = loaders.seen_before(text)
    except InvalidInput as error:
        st.caption(md(str(error)))
        return None
    if not matches:
        st.caption("No earlier claim looks like this one.")
        return None
    for tier, title in _TIER_TITLES.items():
        in_tier = [m for m in matches if m.tier is tier]
        if in_tier:
            st.markdown(f"*{title}*")
        for match in in_tier:
            _show_match(match)
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
