"""Review queue: editors approve proposed verdicts or return them with a comment,
approve several at once, and propose corrections of published verdicts.

The services enforce every rule (two-person rule, evidence, roles); this page only
shows their refusals next to the item they concern.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench import db, ratings, review, verdicts
from workbench.errors import (
    NeedsConfirmation,
    PermissionDenied,
    StaleEdit,
    WorkbenchError,
    WorkflowError,
)
from workbench.models import Claim, ClaimState
from workbench.permissions import EDITORS
from workbench.ui.components.corrections_panel import corrections_panel
from workbench.ui.context import acting_user, perform
from workbench.ui.safe import md, web_url

CONFIRM = "review_confirm"  # verdict id -> warning text awaiting "Approve anyway"
OUTCOMES = "review_outcomes"  # verdict id -> "approved" / "returned", shown in its card's place
REFUSALS = "review_refusals"  # verdict id -> why the service refused, shown once in its card

st.title("Review queue")
try:
    with db.read_session() as session:
        user = acting_user(session)
        if user.role not in EDITORS:
            st.info("Only editors review verdicts. Your proposals appear here for them.")
            st.stop()
        total = review.count_queue(session, user)
except PermissionDenied as signed_out:
    st.error(str(signed_out))
    st.stop()

pending_confirm: dict[int, str] = st.session_state.setdefault(CONFIRM, {})
outcomes: dict[int, str] = st.session_state.setdefault(OUTCOMES, {})
refusals: dict[int, str] = st.session_state.setdefault(REFUSALS, {})


def _open_link(item: review.QueueItem) -> str:
    if item.article_id is None:
        return ""
    return f"[Open in Annotate](./annotate?article={item.article_id}&claim={item.claim_id})"


def _settle(vid: int, error: WorkbenchError) -> None:
    """A refused review, shown in the card (an element a callback displayed itself would
    land at the top of the page in a fragment rerun). When another editor decided first
    (or changed it), the card is replaced: there is nothing left to do on it."""
    if isinstance(error, WorkflowError | StaleEdit):
        outcomes[vid] = str(error)
    else:
        refusals[vid] = str(error)


def _approve(item: review.QueueItem, confirm: bool) -> None:
    """on_click: runs before the script body, so a quick next click cannot drop it."""
    vid = item.verdict_id
    try:
        done = perform(lambda session, actor: verdicts.approve_verdict(
            session, actor, vid, item.verdict_version, confirm_few_sources=confirm),
            reraise=(WorkbenchError,))
    except NeedsConfirmation as warning:
        pending_confirm[vid] = str(warning)
        return
    except PermissionDenied as refused:
        refusals[vid] = f"Not approved: {refused}"
        return
    except WorkbenchError as error:
        _settle(vid, error)
        return
    if done is not None:
        pending_confirm.pop(vid, None)
        outcomes[vid] = f"Verdict #{vid} approved and published."


def _cancel(vid: int) -> None:
    pending_confirm.pop(vid, None)


def _return(item: review.QueueItem) -> None:
    vid = item.verdict_id
    comment = st.session_state.get(f"review_comment_{vid}", "")
    try:
        done = perform(lambda session, actor: verdicts.return_verdict(
            session, actor, vid, item.verdict_version, comment=comment),
            reraise=(WorkbenchError,))
    except WorkbenchError as error:
        _settle(vid, error)
        return
    if done is not None:
        outcomes[vid] = f"Verdict #{vid} returned to the reviewer."


def _evidence(item: review.QueueItem) -> None:
    if not item.evidence:
        st.warning("No evidence attached: this verdict cannot be approved yet.")
        return
    st.dataframe(pd.DataFrame([{
        "stance": e.stance, "source": e.title or e.url, "url": web_url(e.url),
        "archived": web_url(e.archive_url),
        "independent": e.independent, "excerpt": e.excerpt} for e in item.evidence]),
        hide_index=True, width="stretch", key=f"review_evidence_{item.verdict_id}",
        column_config={"url": st.column_config.LinkColumn("url"),
                       "archived": st.column_config.LinkColumn("archived")})


@st.fragment
def _item(item: review.QueueItem) -> None:
    """One card; a click in it reruns only the card, which then shows the outcome in its
    place (the page's count catches up on the next full run)."""
    vid = item.verdict_id
    if vid in outcomes:
        with st.container(border=True, key=f"review_done_{vid}"):
            st.success(outcomes[vid])
        return
    with st.container(border=True, key=f"review_item_{vid}"):
        kind = "Correction" if item.is_correction else "Verdict"
        st.markdown(f"**{kind} #{vid}** on claim #{item.claim_id} · "
                    f"**{md(item.rating or item.conclusion or '—')}** · by {md(item.author)} · "
                    f"{item.proposed_at:%Y-%m-%d %H:%M} UTC  {_open_link(item)}")
        st.checkbox("Select for bulk approval", key=f"review_pick_{vid}")
        st.text(item.statement)
        if item.quote:
            st.caption("Quote in context")
            st.text(f"{item.before}«{item.quote}»{item.after}")
        if item.is_correction:
            st.info("Correction of the published verdict. Reason (shown publicly):")
            st.text(item.correction_reason)
        if item.rating and item.conclusion:
            st.text(f"Conclusion: {item.conclusion}")
        st.caption("Rationale")
        st.text(item.rationale)
        st.caption(f"Evidence · {item.independent_sources} independent source(s)")
        _evidence(item)
        if item.author_id == user.id:
            st.caption("You proposed this verdict: a second editor must approve it.")
        if vid in refusals:
            st.error(md(refusals.pop(vid)), icon="🚫")
        approve_col, return_col = st.columns(2)
        with approve_col:
            if vid in pending_confirm:
                st.warning(md(pending_confirm[vid]))
                st.button("Approve anyway", key=f"review_confirm_{vid}", type="primary",
                          on_click=_approve, args=(item, True))
                st.button("Cancel", key=f"review_cancel_{vid}", on_click=_cancel, args=(vid,))
            else:
                st.button("Approve", key=f"review_approve_{vid}", type="primary",
                          on_click=_approve, args=(item, False))
        with return_col:
            st.text_area("Comment for the reviewer (required to return)",
                         key=f"review_comment_{vid}", height=80)
            st.button("Return with comment", key=f"review_return_{vid}", on_click=_return,
                      args=(item,))


def _bulk(items: list[review.QueueItem]) -> None:
    chosen = [i for i in items if st.session_state.get(f"review_pick_{i.verdict_id}")]
    bulk = st.session_state.get("review_bulk_confirm")
    left, right = st.columns([1, 3])
    go = left.button(f"Approve selected ({len(chosen)})", key="review_bulk",
                     disabled=not chosen)
    if bulk and right.button("Approve those anyway", key="review_bulk_anyway", type="primary"):
        go = True
    if not go:
        return
    report = review.bulk_approve(user.id, [(i.verdict_id, i.verdict_version) for i in chosen],
                                 confirm_few_sources=bool(bulk))
    st.session_state["review_bulk_confirm"] = bool(report.needs_confirmation)
    st.session_state["review_bulk_report"] = report
    for item in chosen:
        if item.verdict_id in report.approved:
            st.session_state.pop(f"review_pick_{item.verdict_id}", None)
    st.rerun()


def _show_report() -> None:
    report: review.BulkReport | None = st.session_state.pop("review_bulk_report", None)
    if report is None:
        return
    if report.approved:
        st.success(f"Approved {len(report.approved)}: "
                   + ", ".join(f"#{v}" for v in report.approved))
    for vid, message in report.needs_confirmation.items():
        st.warning(f"#{vid}: {md(message)}")
    for vid, message in report.failed.items():
        st.error(f"#{vid} not approved: {md(message)}", icon="🚫")


def _corrections() -> None:
    st.subheader("Correct a published verdict", anchor=False)
    claim_id = st.number_input("Claim #", min_value=1, step=1, value=None,
                               key="review_correct_claim")
    if claim_id is None:
        return
    with db.read_session() as session:
        claim = session.get(Claim, int(claim_id))
        published = verdicts.current_verdict(session, int(claim_id)) if claim else None
        scale = ratings.default_scale(session)
        options = ratings.ratings_of(session, scale.id)
    if claim is None or claim.state != ClaimState.approved or published is None:
        st.info("That claim has no published verdict to correct.")
        if claim is not None:
            corrections_panel(claim.id, key_prefix="review_corrections")
        return
    st.text(claim.statement or claim.quote)
    st.caption("Published rationale")
    st.text(published.rationale)
    corrections_panel(claim.id, key_prefix="review_corrections")
    with st.form(f"review_correct_form_{claim.id}", border=False):
        by_label = {r.label: r.id for r in options}  # labels are unique within a scale
        label = st.selectbox("New rating", list(by_label), key="review_correct_rating"
                             ) if options else None
        rating_id = by_label.get(label) if label else None
        conclusion = st.text_input("One-line conclusion (optional)", max_chars=300,
                                   key="review_correct_conclusion")
        rationale = st.text_area("Rationale", key="review_correct_rationale")
        reason = st.text_area("Reason for the correction (shown publicly)",
                              key="review_correct_reason")
        submitted = st.form_submit_button("Propose correction", type="primary")
    if submitted:
        try:
            done = perform(lambda session, actor: verdicts.propose_correction(
                session, actor, claim.id, claim.version, rating_id=rating_id,
                rationale=rationale, reason=reason, conclusion=conclusion),
                reraise=(StaleEdit,))
        except StaleEdit as stale:
            st.error(f"{md(str(stale))} Your text is still in the form.")
            return
        if done is not None:
            st.toast("Correction proposed; a second editor must approve it.")
            st.rerun()


_show_report()
for outcome in outcomes.values():  # a full run lists none of these verdicts any more
    st.success(outcome)
outcomes.clear()
if total == 0:
    st.success("Nothing waiting for review.")
else:
    pages = (total + review.PAGE_SIZE - 1) // review.PAGE_SIZE
    page = st.pagination(pages, key="review_page") if pages > 1 else 1
    with db.read_session() as session:
        queue = review.review_queue(session, user, limit=review.PAGE_SIZE,
                                    offset=(page - 1) * review.PAGE_SIZE)
    st.caption(f"{total:,} proposed verdict(s), oldest first · page {page} of {pages}")
    _bulk(queue)
    for queue_item in queue:
        _item(queue_item)
st.divider()
_corrections()
