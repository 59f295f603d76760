"""The selected claim's details: edit them safely, adjust its span, move it in the workflow.

Edits start from a snapshot taken when the claim was opened (``base``). If someone
saved in between, the save is refused, both versions are shown, and the typed text
stays in the form (its widget keys do not change until the user decides).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from workbench import assignments, claims, loaders
from workbench.actions import Saved
from workbench.claim_panel import ClaimPanel
from workbench.drafts import MAX_CONTEXT, MAX_STATEMENT
from workbench.errors import StaleEdit
from workbench.models import ClaimState, ClaimType
from workbench.ui import routes
from workbench.ui.components import annotate_shortcuts as keys
from workbench.ui.components.annotate_fragments import flash, rerun_annotate, rerun_claims
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import credentials, perform
from workbench.ui.safe import md


def _form_key(claim_id: int, generation: int) -> str:
    """The prefix of the form's widget keys: a new generation is a fresh form."""
    return f"annotate_{claim_id}_g{generation}"


def _base(panel: ClaimPanel) -> dict[str, Any]:
    """The snapshot the form edits: the stored fields when the claim was opened (or last
    saved), kept while the user types so a colleague's save is detected, not overwritten.

    Streamlit forgets a form's widgets at the end of a run that did not draw them (another
    claim opened, the claim closed, another tab or page), and with them the typed text.
    A snapshot whose form is gone is therefore reloaded from the stored claim: reopening
    a claim shows its stored version, never the one first seen in this browser session.
    """
    name = routes.claim_snapshot_key(panel.claim_id)
    snapshot = st.session_state.get(name)
    if (
        snapshot is None
        or _form_key(panel.claim_id, snapshot["generation"]) + "_claimant" not in st.session_state
    ):
        if snapshot is not None:  # what refused a save of the forgotten text is moot too
            st.session_state.pop(routes.stale_edit_key(panel.claim_id), None)
        generation = st.session_state.get(routes.claim_generation_key(panel.claim_id), 0) + 1
        st.session_state[routes.claim_generation_key(panel.claim_id)] = generation
        st.session_state[name] = snapshot = {**panel.fields, "generation": generation}
    return snapshot


def reset_claim_form(claim_id: int) -> None:
    """Forget the snapshot so the form reloads the stored claim."""
    st.session_state.pop(routes.claim_snapshot_key(claim_id), None)
    st.session_state.pop(routes.stale_edit_key(claim_id), None)


def _show_conflict(claim_id: int) -> None:
    stale: StaleEdit | None = st.session_state.get(routes.stale_edit_key(claim_id))
    if stale is None:
        return
    st.error(md(str(stale)))
    fields = [
        f
        for f in ("statement", "context", "claimant", "claim_date", "claim_type", "tags")
        if f in stale.attempted or f in stale.current
    ]
    st.dataframe(
        {
            "field": fields,
            "saved by the other person": [str(stale.current.get(f, "")) for f in fields],
            "yours (still in the form)": [str(stale.attempted.get(f, "")) for f in fields],
        },
        hide_index=True,
        width="stretch",
    )
    keep, discard = st.columns(2)
    # Callbacks, like every write's button: a click handled in the script body is lost
    # when another click arrives before the body reaches it (docs/reruns.md).
    keep.button(
        "Keep my text; I will save over theirs",
        key=f"annotate_keep_{claim_id}",
        on_click=_keep_mine,
        args=(claim_id, stale.current["version"]),
    )
    discard.button(
        "Discard mine and load theirs",
        key=f"annotate_discard_{claim_id}",
        on_click=reset_claim_form,
        args=(claim_id,),
    )


def _keep_mine(claim_id: int, stored_version: int) -> None:
    """Base the form on the stored version, so the next save replaces the colleague's."""
    st.session_state[routes.claim_snapshot_key(claim_id)]["version"] = stored_version
    st.session_state.pop(routes.stale_edit_key(claim_id), None)


def _save(claim_id: int, version: int, changes: dict[str, Any]) -> bool:
    """Store ``changes`` (in a callback); a stale edit is kept for ``_show_conflict``."""
    try:
        saved = perform(claims.update_claim, claim_id, version, **changes, reraise=(StaleEdit,))
    except StaleEdit as stale:
        st.session_state[routes.stale_edit_key(claim_id)] = stale
        return False
    if saved is None:
        return False
    reset_claim_form(claim_id)
    flash(f"Claim #{claim_id} saved (version {saved.version}).")
    return True


def _save_form(claim_id: int, key: str, version: int, frozen: bool) -> None:
    """on_click of "Save claim": runs before the script body, so a click that follows
    quickly cannot drop the save (docs/reruns.md). The form's values are in the state."""
    state = st.session_state
    changes: dict[str, Any] = {
        "context": state[f"{key}_context"],
        "claimant": state[f"{key}_claimant"],
        "claim_date": state[f"{key}_date"],
        "claim_type": state[f"{key}_type"],
        "tags": state[f"{key}_tags"],
    }
    if not frozen:
        changes["statement"] = state[f"{key}_statement"]
    listed = state.get(routes.claim_snapshot_key(claim_id), {}).get("statement")
    if _save(claim_id, version, changes) and changes.get("statement", listed) != listed:
        rerun_claims()  # the claim list shows the wording; otherwise only the panel reruns


def _move_span(claim_id: int, version: int, start: int, end: int) -> None:
    if _save(claim_id, version, {"start": start, "end": end}):
        rerun_annotate()  # the highlight moves in the article too


def _assigned(claim_id: int, before: int, saved: Saved | None, message: str) -> None:
    """After an assignment: the form's snapshot moves to the new version when it was based
    on the one assigned (the assignee is not a form field, so typed text stays savable)."""
    if saved is None or saved.version is None:
        return
    snapshot = st.session_state.get(routes.claim_snapshot_key(claim_id))
    if snapshot is not None and snapshot["version"] == before:
        snapshot["version"] = saved.version
    flash(message)


def _assign(claim_id: int, version: int, key: str, people: dict[int, str]) -> None:
    """on_click of "Assign"/"Reassign": the editor's choice from the selectbox ``key``."""
    chosen = st.session_state.get(key)
    to = None if chosen in (None, 0) else int(chosen)
    _assigned(
        claim_id,
        version,
        perform(assignments.assign_claim, claim_id, version, to),
        f"Claim #{claim_id} is now with {people.get(to, 'nobody') if to else 'nobody'}.",
    )


def _take(claim_id: int, version: int) -> None:
    _assigned(
        claim_id,
        version,
        perform(assignments.take_claim, claim_id, version),
        f"Claim #{claim_id} is yours now.",
    )


def _assignment(panel: ClaimPanel) -> None:
    """Who works on the claim, and Take / Assign / Reassign as the reader may."""
    who = loaders.assigning(credentials())
    holder = panel.fields.get("assignee_id")
    name = who.name_of(holder) if holder is not None else None
    text = (
        "Not assigned to anyone"
        if holder is None
        else "Assigned to you"
        if holder == who.me.id
        else f"Assigned to {md(name)}"
        if name
        else f"Assigned to user #{holder} (inactive)"
    )
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    if not who.may_assign:
        left.markdown(text)
        if holder is None:
            right.button(
                "Take",
                key=f"annotate_take_{panel.claim_id}",
                on_click=_take,
                args=(panel.claim_id, panel.version),
                help="Assign this claim to yourself",
            )
        return
    people = {p.id: p.display_name or p.name for p in who.people}
    options = [0, *people]
    key = f"annotate_assignee_{panel.claim_id}_v{panel.version}"
    left.selectbox(
        text,
        options,
        key=key,
        index=options.index(holder) if holder in people else 0,
        format_func=lambda user_id: people.get(user_id, "Nobody"),
    )
    right.button(
        "Assign" if holder is None else "Reassign",
        key=f"annotate_assign_{panel.claim_id}",
        on_click=_assign,
        args=(panel.claim_id, panel.version, key, people),
    )


def _day(value: date | str) -> date:
    """The stored claim date as the date input wants it (a loader may give ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def claim_editor(panel: ClaimPanel, selection: SpanSelection | None) -> None:
    _assignment(panel)
    base = _base(panel)
    key = _form_key(panel.claim_id, base["generation"])
    frozen = panel.state in (ClaimState.in_review, ClaimState.approved)
    _show_conflict(panel.claim_id)
    with st.form(f"{key}_form", border=False):
        st.text_area(
            "Claim statement",
            value=base["statement"],
            disabled=frozen,
            key=f"{key}_statement",
            max_chars=MAX_STATEMENT,
        )
        st.text_input(
            "Context",
            value=base["context"],
            key=f"{key}_context",
            max_chars=MAX_CONTEXT,
            help="What the claim is about, in a line (by default the article's title). "
            "“Seen before?” searches it with the claim.",
        )
        st.text_input("Claimant", value=base["claimant"], key=f"{key}_claimant", max_chars=300)
        left, right = st.columns(2)
        left.date_input(
            "Claim date",
            value=_day(base["claim_date"]) if base["claim_date"] else None,
            key=f"{key}_date",
        )
        types = list(ClaimType)
        right.selectbox("Type", types, index=types.index(base["claim_type"]), key=f"{key}_type")
        st.multiselect(
            "Tags",
            options=base["tags"],
            default=base["tags"],
            accept_new_options=True,
            key=f"{key}_tags",
        )
        st.form_submit_button(
            "Save claim",
            type="primary",
            on_click=_save_form,
            shortcut=keys.SAVE.key,
            args=(panel.claim_id, key, base["version"], frozen),
        )
    st.caption(
        f"Showing version {base['version']}. Text typed and not saved is kept only "
        "while this claim stays open; reopening it loads the stored version."
    )
    if frozen:
        st.caption("The wording and span are frozen while the verdict is in review or published.")
        return
    if selection is not None and (selection.start, selection.end) != (panel.start, panel.end):
        st.button(
            f"Move this claim to the selected text ({selection.start}–{selection.end})",
            key=f"{key}_move_span",
            on_click=_move_span,
            args=(panel.claim_id, base["version"], selection.start, selection.end),
        )
    _workflow_buttons(panel)


def _move(claim_id: int, version: int, state: ClaimState) -> None:
    if perform(claims.move_claim, claim_id, version, state) is not None:
        reset_claim_form(claim_id)
        flash(f"Claim #{claim_id} is now {state.replace('_', ' ')}.")
        rerun_annotate()  # its colour in the article changes too


def _workflow_buttons(panel: ClaimPanel) -> None:
    moves = {
        ClaimState.researching: "Start research",
        ClaimState.dismissed: "Not check-worthy",
        ClaimState.new: "Reopen",
    }
    allowed = claims.MANUAL_MOVES.get(ClaimState(panel.state), set())
    columns = st.columns(max(len(allowed), 1))
    for column, (state, label) in zip(
        columns, [(s, moves[s]) for s in moves if s in allowed], strict=False
    ):
        column.button(
            label,
            key=f"annotate_move_{panel.claim_id}_{state}",
            on_click=_move,
            args=(panel.claim_id, panel.version, state),
        )
