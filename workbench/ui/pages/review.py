"""Review queue: editors approve proposed verdicts or return them with a comment,
approve several at once, and propose corrections of published verdicts.

The services enforce every rule (two-person rule, evidence, roles); this page only
shows their refusals next to the item they concern.
"""

from __future__ import annotations

import streamlit as st

from workbench import loaders, review, verdicts
from workbench.errors import (
    NeedsConfirmation,
    PermissionDenied,
    StaleEdit,
    WorkbenchError,
    WorkflowError,
)
from workbench.permissions import EDITORS
from workbench.ui import routes
from workbench.ui.components.corrections_panel import corrections_panel
from workbench.ui.context import credentials, perform
from workbench.ui.safe import md, web_url
from workbench.ui.wording import counted

st.title("Review queue")
try:
    # The pagination widget's value from the last click, read before it is drawn: the
    # page's count and its verdicts come from one read.
    desk = loaders.review_page(credentials(), st.session_state.get(routes.REVIEW_PAGE, 1))
except PermissionDenied as signed_out:
    st.error(str(signed_out))
    st.stop()
user = desk.person
if user.role not in EDITORS:
    st.info("Only editors review verdicts. Your proposals appear here for them.")
    st.stop()

pending_confirm: dict[int, str] = st.session_state.setdefault(routes.REVIEW_CONFIRM, {})
outcomes: dict[int, str] = st.session_state.setdefault(routes.REVIEW_OUTCOMES, {})
refusals: dict[int, str] = st.session_state.setdefault(routes.REVIEW_REFUSALS, {})


def _open_link(item: review.QueueItem) -> str:
    if item.article_id is None:
        return ""
    return f"[Open in Annotate]({routes.annotate_url(item.article_id, item.claim_id)})"


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
        done = perform(
            verdicts.approve_verdict,
            vid,
            item.verdict_version,
            confirm_few_sources=confirm,
            reraise=(WorkbenchError,),
        )
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
    comment = st.session_state.get(routes.review_comment_key(vid), "")
    try:
        done = perform(
            verdicts.return_verdict,
            vid,
            item.verdict_version,
            comment=comment,
            reraise=(WorkbenchError,),
        )
    except WorkbenchError as error:
        _settle(vid, error)
        return
    if done is not None:
        outcomes[vid] = f"Verdict #{vid} returned to the reviewer."


def _evidence(item: review.QueueItem) -> None:
    """Each source as plain text with its links. Not a table: twenty cards of interactive
    tables took about 450 of the 900 ms that opening this page took in Chromium at
    100,000 claims (``benchmarks/ui_latency.py``)."""
    if not item.evidence:
        st.warning("No evidence attached: this verdict cannot be approved yet.")
        return
    for e in item.evidence:
        independent = "independent" if e.independent else "not independent"
        excerpt = f"\n“{e.excerpt}”" if e.excerpt else ""
        st.text(f"{e.stance} · {independent} · {e.title or e.url}{excerpt}")
        for label, url in (("Source", web_url(e.url)), ("Archived copy", web_url(e.archive_url))):
            if url:
                st.page_link(url, label=label, icon=":material/open_in_new:")


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
        st.markdown(
            f"**{kind} #{vid}** on claim #{item.claim_id} · "
            f"**{md(item.rating or item.conclusion or '—')}** · by {md(item.author)} · "
            f"{item.proposed_at:%Y-%m-%d %H:%M} UTC  {_open_link(item)}"
        )
        st.checkbox("Select for bulk approval", key=routes.review_pick_key(vid))
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
        st.caption(f"Evidence · {counted(item.independent_sources, 'independent source')}")
        _evidence(item)
        if item.author_id == user.id:
            st.caption("You proposed this verdict: a second editor must approve it.")
        if vid in refusals:
            st.error(md(refusals.pop(vid)), icon="🚫")
        approve_col, return_col = st.columns(2)
        with approve_col:
            if vid in pending_confirm:
                st.warning(md(pending_confirm[vid]))
                st.button(
                    "Approve anyway",
                    key=f"review_confirm_{vid}",
                    type="primary",
                    on_click=_approve,
                    args=(item, True),
                )
                st.button("Cancel", key=f"review_cancel_{vid}", on_click=_cancel, args=(vid,))
            else:
                st.button(
                    "Approve",
                    key=f"review_approve_{vid}",
                    type="primary",
                    on_click=_approve,
                    args=(item, False),
                )
        with return_col:
            st.text_area(
                "Comment for the reviewer (required to return)",
                key=routes.review_comment_key(vid),
                height=80,
            )
            st.button(
                "Return with comment", key=f"review_return_{vid}", on_click=_return, args=(item,)
            )


def _bulk(items: list[review.QueueItem]) -> None:
    chosen = [i for i in items if st.session_state.get(routes.review_pick_key(i.verdict_id))]
    bulk = st.session_state.get(routes.REVIEW_BULK_CONFIRM)
    left, right = st.columns([1, 3])
    go = left.button(f"Approve selected ({len(chosen)})", key="review_bulk", disabled=not chosen)
    if bulk and right.button("Approve those anyway", key="review_bulk_anyway", type="primary"):
        go = True
    if not go:
        return
    report = review.bulk_approve(
        user.id, [(i.verdict_id, i.verdict_version) for i in chosen], confirm_few_sources=bool(bulk)
    )
    st.session_state[routes.REVIEW_BULK_CONFIRM] = bool(report.needs_confirmation)
    st.session_state[routes.REVIEW_BULK_REPORT] = report
    for item in chosen:
        if item.verdict_id in report.approved:
            st.session_state.pop(routes.review_pick_key(item.verdict_id), None)
    st.rerun()


def _show_report() -> None:
    report: review.BulkReport | None = st.session_state.pop(routes.REVIEW_BULK_REPORT, None)
    if report is None:
        return
    if report.approved:
        st.success(
            f"Approved {len(report.approved)}: " + ", ".join(f"#{v}" for v in report.approved)
        )
    for vid, message in report.needs_confirmation.items():
        st.warning(f"#{vid}: {md(message)}")
    for vid, message in report.failed.items():
        st.error(f"#{vid} not approved: {md(message)}", icon="🚫")


def _corrections() -> None:
    st.subheader("Correct a published verdict", anchor=False)
    claim_id = st.number_input(
        "Claim #", min_value=1, step=1, value=None, key="review_correct_claim"
    )
    if claim_id is None:
        return
    claim = loaders.correction_target(int(claim_id))
    if claim is None or claim.published_rationale is None:
        st.info("That claim has no published verdict to correct.")
        if claim is not None:
            corrections_panel(claim.claim_id, claim.corrections, key_prefix="review_corrections")
        return
    st.text(claim.text)
    st.caption("Published rationale")
    st.text(claim.published_rationale)
    corrections_panel(claim.claim_id, claim.corrections, key_prefix="review_corrections")
    options = claim.rating_choices
    with st.form(f"review_correct_form_{claim.claim_id}", border=False):
        by_label = {r.label: r.id for r in options}  # labels are unique within a scale
        label = (
            st.selectbox("New rating", list(by_label), key="review_correct_rating")
            if options
            else None
        )
        rating_id = by_label.get(label) if label else None
        conclusion = st.text_input(
            "One-line conclusion (optional)", max_chars=300, key="review_correct_conclusion"
        )
        rationale = st.text_area("Rationale", key="review_correct_rationale")
        reason = st.text_area(
            "Reason for the correction (shown publicly)", key="review_correct_reason"
        )
        submitted = st.form_submit_button("Propose correction", type="primary")
    if submitted:
        try:
            done = perform(
                verdicts.propose_correction,
                claim.claim_id,
                claim.version,
                rating_id=rating_id,
                rationale=rationale,
                reason=reason,
                conclusion=conclusion,
                reraise=(StaleEdit,),
            )
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
if desk.total == 0:
    st.success("Nothing waiting for review.")
else:
    if desk.pages > 1:
        st.pagination(desk.pages, key=routes.REVIEW_PAGE)
    st.caption(
        f"{counted(desk.total, 'proposed verdict')}, oldest first · "
        f"page {desk.page} of {desk.pages}"
    )
    _bulk(desk.queue)
    for queue_item in desk.queue:
        _item(queue_item)
st.divider()
_corrections()
