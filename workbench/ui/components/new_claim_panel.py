"""Creating a claim from the reviewer's mouse selection, with the "Seen before?" panel."""

from __future__ import annotations

import streamlit as st

from workbench import claims, embeddings, loaders
from workbench.errors import InvalidInput
from workbench.matching import Match, Tier
from workbench.models import ClaimType
from workbench.text.anchor import snap_to_words
from workbench.text.checkworthiness import readable_reason, score_sentence
from workbench.ui import routes
from workbench.ui.components import annotate_shortcuts as keys
from workbench.ui.components.annotate_fragments import flash, rerun_annotate
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import checked, perform, show_refusal
from workbench.ui.safe import md, web_url
from workbench.workspace import suggested_type

_TIER_TITLES = {Tier.same: "Same claim", Tier.possible: "Possibly checked before"}


def _show_match(match: Match) -> None:
    """One earlier claim: its verdict (or state), date, score, statement, context and links.
    Another fact-checker's review says who rated it what and when ("PolitiFact rated this
    False on 2024-05-02"), with a link to their review."""
    if match.review_url:
        heading = f"**#{match.claim_id} · {md(match.rated())}**"
    else:
        verdict = match.rating_label or match.state.replace("_", " ")
        heading = f"**#{match.claim_id} · {md(verdict)}** · {match.checked_on}"
    st.markdown(f"{heading} · {match.score:.0f}% alike")
    st.text(match.statement)
    if match.context:
        st.caption(md(match.context))
    url = web_url(match.review_url or match.url)
    if url:
        label = "Open their review" if match.review_url else "Open the article"
        st.link_button(label, url, key=f"annotate_seen_url_{match.claim_id}")
    if match.article_id is not None:
        routes.link(
            routes.ANNOTATE,
            f"Open claim #{match.claim_id}",
            query=routes.annotate_query(match.article_id, match.claim_id),
        )


def _seen_before_panel(text: str) -> None:
    """Earlier claims in two tiers, and the choice of the one this claim repeats (read from
    the state by "Create claim")."""
    st.markdown("**Seen before?**")
    notice = embeddings.problem()
    if notice:
        st.warning(md(notice))
    try:
        matches = loaders.seen_before(text)
    except InvalidInput as error:
        st.caption(md(str(error)))
        return
    if not matches:
        st.caption("No earlier claim looks like this one.")
        return
    for tier, title in _TIER_TITLES.items():
        in_tier = [m for m in matches if m.tier is tier]
        if in_tier:
            st.markdown(f"*{title}*")
        for match in in_tier:
            _show_match(match)
    options = [None, *(m.claim_id for m in matches)]
    st.selectbox(
        "Mark the new claim as a repeat of",
        options,
        key="annotate_repeat_of",
        format_func=lambda v: "— not a repeat —" if v is None else f"claim #{v}",
    )


FORM = "annotate_new_claim"


def _create(article_id: int, start: int, end: int) -> None:
    """on_click of "Create claim" (a callback, so a quick next click cannot drop it,
    docs/reruns.md); a refusal is kept above the form, whose text stays."""
    state, where = st.session_state, routes.refusal_key(FORM)
    state.pop(where, None)
    draft = checked(
        claims.ClaimDraft,
        where=where,
        article_id=article_id,
        start=start,
        end=end,
        statement=state["annotate_new_statement"],
        claimant=state["annotate_new_claimant"],
        claim_type=state["annotate_new_type"],
        repeat_of_id=state.get("annotate_repeat_of"),
    )
    claim = perform(claims.create_claim, draft, where=where) if draft is not None else None
    if claim is not None:
        state[routes.CLEAR_SELECTION] = True
        st.query_params[routes.CLAIM] = str(claim.id)
        flash(f"Claim #{claim.id} created from your selection.")
        rerun_annotate()  # the article gains a highlight, the list a line


def new_claim_panel(article_id: int, body: str, language: str, selection: SpanSelection) -> None:
    start, end = snap_to_words(body, selection.start, selection.end)
    quote = body[start:end]
    _score, reasons = score_sentence(quote, language)
    st.markdown("**New claim from your selection**")
    st.text(quote)
    why = "; ".join(readable_reason(reason) for reason in reasons)
    st.caption(
        f"Characters {start}–{end}, completed to whole words."
        + (f" Why it may be worth checking: {md(why)}." if why else "")
    )
    _seen_before_panel(quote)
    show_refusal(routes.refusal_key(FORM))
    with st.form(FORM, border=False):
        st.text_area(
            "Claim statement (the claim in your words)",
            value=quote,
            key="annotate_new_statement",
            max_chars=2000,
        )
        st.text_input("Claimant (who said it)", key="annotate_new_claimant")
        types = list(ClaimType)
        st.selectbox(
            "Type", types, key="annotate_new_type", index=types.index(suggested_type(reasons))
        )
        st.form_submit_button(
            "Create claim",
            type="primary",
            shortcut=keys.NEW_CLAIM.key,
            on_click=_create,
            args=(article_id, start, end),
        )
