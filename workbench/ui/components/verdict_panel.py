"""Proposing a verdict for the selected claim, and what happened to earlier ones."""

from __future__ import annotations

import streamlit as st

from workbench import verdicts
from workbench.claim_panel import ClaimPanel
from workbench.errors import StaleEdit
from workbench.models import ClaimState
from workbench.ui import routes
from workbench.ui.components.annotate_fragments import flash
from workbench.ui.context import perform, show_refusal
from workbench.ui.safe import md, md_lines


def verdict_status(panel: ClaimPanel) -> None:
    """The published verdict, a pending one, and an editor's return comment."""
    returned, published, pending = panel.returned, panel.published, panel.pending
    if returned is not None:
        st.warning(f"Returned by the editor: {md_lines(returned.review_comment)}", icon="↩️")
    if published is not None:
        st.success(f"Published verdict: {md(published.rating)} {md(published.conclusion)}".strip())
        st.text(published.rationale)
    if pending is not None:
        st.info(
            f"Proposed verdict waiting for an editor: {md(pending.rating)} "
            f"{md(pending.conclusion)}".strip()
        )
        st.text(pending.rationale)


def propose_form(panel: ClaimPanel) -> None:
    if panel.state not in (ClaimState.new, ClaimState.researching):
        return
    options = panel.rating_choices
    key = f"annotate_verdict_{panel.claim_id}"
    show_refusal(routes.refusal_key(key))
    with st.form(key, border=False):
        st.markdown(f"**Propose a verdict** ({md(panel.scale_name)})")
        if options:
            st.selectbox(
                "Rating",
                [r.id for r in options],
                key=f"{key}_rating",
                format_func={r.id: r.label for r in options}.__getitem__,
            )
        st.text_input(
            "One-line conclusion" + ("" if panel.conclusion_only else " (optional)"),
            key=f"{key}_conclusion",
            max_chars=300,
        )
        st.text_area("Rationale (required)", key=f"{key}_rationale", height=140)
        st.form_submit_button(
            "Propose verdict",
            type="primary",
            on_click=_propose,
            args=(panel.claim_id, panel.version, key),
        )


def _propose(claim_id: int, version: int, key: str) -> None:
    """on_click of "Propose verdict" (a callback, so a quick next click cannot drop it,
    docs/reruns.md); a refusal is kept above the form, whose text stays."""
    state, where = st.session_state, routes.refusal_key(key)
    state.pop(where, None)
    try:
        verdict = perform(
            verdicts.propose_verdict,
            claim_id,
            version,
            rating_id=state.get(f"{key}_rating"),
            rationale=state[f"{key}_rationale"],
            conclusion=state[f"{key}_conclusion"],
            reraise=(StaleEdit,),
            where=where,
        )
    except StaleEdit as stale:
        state[where] = (
            md(
                f"{stale} Your rationale is still in the form; reload the claim "
                "to see the other change, then propose again."
            ),
            None,
        )
        return
    if verdict is not None:
        flash("Verdict proposed; an editor will review it.")
        st.rerun()  # the whole page: the claim's state and colour changed
