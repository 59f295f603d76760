"""Proposing a verdict for the selected claim, and what happened to earlier ones."""

from __future__ import annotations

import streamlit as st

from workbench import db, ratings, verdicts
from workbench.errors import StaleEdit
from workbench.models import Claim, ClaimState, Rating
from workbench.ui.context import perform


def _rating_label(session, rating_id: int | None) -> str:  # type: ignore[no-untyped-def]
    return ratings.get_rating(session, rating_id).label if rating_id else "—"


def verdict_status(claim: Claim) -> None:
    """The published verdict, a pending one, and an editor's return comment."""
    with db.read_session() as session:
        published = verdicts.current_verdict(session, claim.id)
        pending = verdicts.pending_verdict(session, claim.id)
        returned = verdicts.latest_return_comment(session, claim.id)
        labels = {v.id: _rating_label(session, v.rating_id)
                  for v in (published, pending, returned) if v is not None}
    if returned is not None:
        st.warning(f"Returned by the editor: {returned.review_comment}", icon="↩️")
    if published is not None:
        st.success(f"Published verdict: {labels[published.id]} {published.conclusion}".strip())
        st.text(published.rationale)
    if pending is not None:
        st.info(f"Proposed verdict waiting for an editor: {labels[pending.id]} "
                f"{pending.conclusion}".strip())
        st.text(pending.rationale)


def propose_form(claim: Claim) -> None:
    if claim.state not in (ClaimState.new, ClaimState.researching):
        return
    with db.read_session() as session:
        scale = ratings.default_scale(session)
        options: list[Rating] = ratings.ratings_of(session, scale.id)
    key = f"annotate_verdict_{claim.id}"
    with st.form(key, border=False):
        st.markdown(f"**Propose a verdict** ({scale.name})")
        rating_id = None
        if options:
            rating_id = st.selectbox("Rating", [r.id for r in options], key=f"{key}_rating",
                                     format_func={r.id: r.label for r in options}.get)
        conclusion = st.text_input("One-line conclusion" + ("" if scale.conclusion_only
                                                           else " (optional)"),
                                   key=f"{key}_conclusion", max_chars=300)
        rationale = st.text_area("Rationale (required)", key=f"{key}_rationale", height=140)
        submitted = st.form_submit_button("Propose verdict", type="primary")
    if not submitted:
        return
    try:
        verdict = perform(lambda session, user: verdicts.propose_verdict(
            session, user, claim.id, claim.version, rating_id=rating_id, rationale=rationale,
            conclusion=conclusion), reraise=(StaleEdit,))
    except StaleEdit as stale:
        st.error(str(stale))
        st.caption("Your rationale is still in the form; reload the claim to see the other "
                   "change, then propose again.")
        return
    if verdict is not None:
        st.toast("Verdict proposed; an editor will review it.")
        st.rerun()
