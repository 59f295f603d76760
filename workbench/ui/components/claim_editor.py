"""The selected claim's details: edit them safely, adjust its span, move it in the workflow.

Edits start from a snapshot taken when the claim was opened (``base``). If someone
saved in between, the save is refused, both versions are shown, and the typed text
stays in the form (its widget keys do not change until the user decides).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from workbench import claims, db
from workbench.errors import StaleEdit
from workbench.models import Claim, ClaimState, ClaimType
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import perform


def _base(claim: Claim) -> dict[str, Any]:
    name = f"annotate_base_{claim.id}"
    if name not in st.session_state:
        with db.read_session() as session:
            fields = claims.claim_fields(session, claims.get_claim(session, claim.id))
        generation = st.session_state.get(f"annotate_gen_{claim.id}", 0) + 1
        st.session_state[f"annotate_gen_{claim.id}"] = generation
        st.session_state[name] = {**fields, "generation": generation}
    return st.session_state[name]


def reset_claim_form(claim_id: int) -> None:
    """Forget the snapshot so the form reloads the stored claim."""
    st.session_state.pop(f"annotate_base_{claim_id}", None)
    st.session_state.pop(f"annotate_stale_{claim_id}", None)


def _show_conflict(claim_id: int, base: dict[str, Any]) -> None:
    stale: StaleEdit | None = st.session_state.get(f"annotate_stale_{claim_id}")
    if stale is None:
        return
    st.error(str(stale))
    fields = [f for f in ("statement", "claimant", "claim_date", "claim_type", "tags")
              if f in stale.attempted or f in stale.current]
    st.dataframe(pd.DataFrame({
        "field": fields,
        "saved by the other person": [str(stale.current.get(f, "")) for f in fields],
        "yours (still in the form)": [str(stale.attempted.get(f, "")) for f in fields],
    }), hide_index=True, use_container_width=True)
    keep, discard = st.columns(2)
    if keep.button("Keep my text; I will save over theirs", key=f"annotate_keep_{claim_id}"):
        base["version"] = stale.current["version"]
        st.session_state.pop(f"annotate_stale_{claim_id}")
        st.rerun()
    if discard.button("Discard mine and load theirs", key=f"annotate_discard_{claim_id}"):
        reset_claim_form(claim_id)
        st.rerun()


def _save(claim_id: int, version: int, changes: dict[str, Any]) -> None:
    try:
        saved = perform(lambda session, user: claims.update_claim(
            session, user, claim_id, version, **changes), reraise=(StaleEdit,))
    except StaleEdit as stale:
        st.session_state[f"annotate_stale_{claim_id}"] = stale
        st.rerun()
    if saved is not None:
        reset_claim_form(claim_id)
        st.toast("Claim saved.")
        st.rerun()


def claim_editor(claim: Claim, selection: SpanSelection | None) -> None:
    base = _base(claim)
    key = f"annotate_{claim.id}_g{base['generation']}"
    frozen = claim.state in (ClaimState.in_review, ClaimState.approved)
    _show_conflict(claim.id, base)
    with st.form(f"{key}_form", border=False):
        statement = st.text_area("Claim statement", value=base["statement"], disabled=frozen,
                                 key=f"{key}_statement", max_chars=2000)
        claimant = st.text_input("Claimant", value=base["claimant"], key=f"{key}_claimant",
                                 max_chars=300)
        left, right = st.columns(2)
        claim_date = left.date_input(
            "Claim date", value=pd.to_datetime(base["claim_date"]).date()
            if base["claim_date"] else None, key=f"{key}_date")
        types = list(ClaimType)
        claim_type = right.selectbox("Type", types, index=types.index(base["claim_type"]),
                                     key=f"{key}_type")
        tags = st.multiselect("Tags", options=base["tags"], default=base["tags"],
                              accept_new_options=True, key=f"{key}_tags")
        if st.form_submit_button("Save claim", type="primary"):
            changes: dict[str, Any] = {"claimant": claimant, "claim_date": claim_date,
                                       "claim_type": claim_type, "tags": tags}
            if not frozen:
                changes["statement"] = statement
            _save(claim.id, base["version"], changes)
    if frozen:
        st.caption("The wording and span are frozen while the verdict is in review or published.")
        return
    if selection is not None and (selection.start, selection.end) != (claim.start, claim.end):
        if st.button(f"Move this claim to the selected text ({selection.start}–{selection.end})",
                     key=f"{key}_move_span"):
            _save(claim.id, base["version"], {"start": selection.start, "end": selection.end})
    _workflow_buttons(claim)


def _workflow_buttons(claim: Claim) -> None:
    moves = {ClaimState.researching: "Start research", ClaimState.dismissed: "Not check-worthy",
             ClaimState.new: "Reopen"}
    allowed = claims.MANUAL_MOVES.get(ClaimState(claim.state), set())
    columns = st.columns(max(len(allowed), 1))
    for column, (state, label) in zip(columns, [(s, moves[s]) for s in moves if s in allowed],
                                      strict=False):
        if column.button(label, key=f"annotate_move_{claim.id}_{state}"):
            if perform(lambda session, user, s=state: claims.move_claim(
                    session, user, claim.id, claim.version, s)) is not None:
                reset_claim_form(claim.id)
                st.rerun()
