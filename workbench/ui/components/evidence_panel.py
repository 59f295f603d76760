"""Evidence for the selected claim: list it, archive its sources, and add a new or
existing source.

"Archive" fetches the source now (in the callback, before the write's transaction opens)
and keeps the workbench's own copy, plus a public archive's where one is configured
(``workbench/source_archive.py``). Evidence whose excerpt the latest copy no longer holds
is flagged: the source changed since it was cited.
"""

from __future__ import annotations

import streamlit as st

from workbench import loaders, sources
from workbench.claim_panel import ClaimPanel, EvidenceView
from workbench.errors import InvalidInput
from workbench.models import ClaimState, SourceKind, Stance
from workbench.source_archive import store_copy, take_copy
from workbench.sources import attach_evidence
from workbench.ui import routes
from workbench.ui.components.annotate_fragments import flash, rerun_annotate
from workbench.ui.context import checked, perform, show_refusal
from workbench.ui.safe import md, web_url

_FORM_FIELDS = (
    "url",
    "title",
    "publisher",
    "kind",
    "published",
    "accessed",
    "archive",
    "stance",
    "excerpt",
    "independent",
)


def _evidence_table(rows: list[EvidenceView]) -> None:
    if not rows:
        st.caption("No evidence yet.")
        return
    st.dataframe(
        [
            {
                "stance": row.stance,
                "source": row.title or row.url,
                "url": web_url(row.url),
                "archived": web_url(row.archive_url),
                "publisher": row.publisher,
                "independent": row.independent,
                "excerpt": row.excerpt,
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "url": st.column_config.LinkColumn("url"),
            "archived": st.column_config.LinkColumn("archived"),
        },
    )


def _archive(source_id: int, url: str) -> None:
    """on_click of "Archive": fetch first, then store the copy in one write."""
    problem = routes.archive_problem_key(source_id)
    try:
        copy = take_copy(url)
    except InvalidInput as refused:  # no network, a refused address, a 404…
        st.session_state[problem] = str(refused)
        return
    st.session_state.pop(problem, None)
    if perform(store_copy, source_id, copy) is not None:
        flash(
            "Source archived"
            + (f"; {copy.public_copy_problem}" if copy.public_copy_problem else ".")
        )


def _archives(panel: ClaimPanel) -> None:
    """Each cited source once: when it was archived, its public copy, the Archive button;
    then the evidence whose source changed since it was cited."""
    cited = {row.source_id: row for row in panel.evidence}
    st.markdown("**Archived copies**")
    for source_id, row in cited.items():
        left, right = st.columns([4, 1], vertical_alignment="center")
        with left:
            st.text(row.title or row.url)
            st.caption(
                f"Archived on {row.archived_at:%Y-%m-%d %H:%M} UTC"
                if row.archived_at
                else "Not archived by the workbench yet."
            )
            problem = st.session_state.get(routes.archive_problem_key(source_id))
            if problem:
                st.error(md(problem))
        public = web_url(row.public_copy_url)
        if public:
            right.link_button("Public copy", public)
        right.button(
            "Archive",
            key=f"annotate_archive_{panel.claim_id}_{source_id}",
            disabled=web_url(row.url) is None,
            on_click=_archive,
            args=(source_id, row.url),
        )
    for row in panel.evidence:
        if row.source_changed:
            st.warning(
                f"Source changed since it was cited: the latest copy of "
                f"{md(row.title or row.url)} no longer holds the excerpt.",
                icon="⚠️",
            )


def _pick_source(claim_id: int) -> int | None:
    query = st.text_input(
        "Find a source already used (URL or title)", key=f"annotate_source_query_{claim_id}"
    )
    if not query:
        return None
    found = loaders.find_sources(query)
    if not found:
        st.caption("No stored source looks like that; add it below.")
        return None
    labels = {
        source.id: f"{source.title or source.url} — {source.url} ({source.score:.0f}%)"
        for source in found
    }
    return st.selectbox(
        "Matching sources",
        [None, *labels],
        key=f"annotate_source_pick_{claim_id}",
        format_func=lambda v: "— add a new source —" if v is None else labels[v],
    )


def _remove_evidence(panel: ClaimPanel) -> None:
    """Take back a source attached by mistake (the audit trail keeps that it was there)."""
    labels = {row.id: f"{row.stance}: {row.title or row.url}" for row in panel.evidence}
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Remove evidence attached by mistake",
        [None, *labels],
        key=routes.evidence_removal_key(panel.claim_id),
        format_func=lambda v: "—" if v is None else labels[v],
    )
    right.button(
        "Remove",
        key=f"annotate_ev_remove_{panel.claim_id}_go",
        disabled=chosen is None,
        on_click=_remove,
        args=(panel.claim_id,),
    )


def _remove(claim_id: int) -> None:
    """on_click of "Remove" (a callback, so a quick next click cannot drop it)."""
    chosen = st.session_state.get(routes.evidence_removal_key(claim_id))
    if chosen is not None and perform(sources.remove_evidence, chosen) is not None:
        st.session_state.pop(routes.evidence_removal_key(claim_id), None)
        flash("Evidence removed.")
        rerun_annotate()  # the tab's count and the claim list change


def evidence_panel(panel: ClaimPanel) -> None:
    _evidence_table(panel.evidence)
    if panel.evidence:
        _archives(panel)
    if panel.state in (ClaimState.approved, ClaimState.dismissed):
        return
    if panel.evidence:
        _remove_evidence(panel)
    st.markdown("**Add evidence**")
    existing = _pick_source(panel.claim_id)
    key = _form_key(panel.claim_id)
    show_refusal(routes.refusal_key(key))
    # Not clear_on_submit: a refused attach (bad URL, busy database) must keep the text.
    with st.form(key, border=False):
        if existing is None:
            st.text_input("Source URL", key=f"{key}_url", placeholder="https://…")
            st.text_input("Title", key=f"{key}_title")
            left, right = st.columns(2)
            left.text_input("Publisher", key=f"{key}_publisher")
            right.selectbox("Kind", [k.value for k in SourceKind], key=f"{key}_kind")
            left.date_input("Published", value=None, key=f"{key}_published")
            right.date_input("Accessed", value="today", key=f"{key}_accessed")
            st.text_input(
                "Archived copy URL", key=f"{key}_archive", placeholder="https://web.archive.org/…"
            )
        # required: clicking the chosen stance again must not unset it
        st.segmented_control(
            "Stance",
            [s.value for s in Stance],
            default="supports",
            required=True,
            key=f"{key}_stance",
        )
        st.text_area("Relevant excerpt", key=f"{key}_excerpt", height=80)
        st.checkbox("Independent of the claimant", value=True, key=f"{key}_independent")
        st.form_submit_button(
            "Attach source", type="primary", on_click=_attach, args=(panel.claim_id, key, existing)
        )


def _attached_key(claim_id: int) -> str:
    return f"annotate_ev_{claim_id}_attached"


def _form_key(claim_id: int) -> str:
    """The form's key: a successful attach moves it to fresh keys, because popping a
    widget's state does not empty what the browser shows (it would even send the old
    text back next time)."""
    count = st.session_state.get(_attached_key(claim_id), 0)
    return f"annotate_ev_{claim_id}" + (f"_{count}" if count else "")


def _attach(claim_id: int, key: str, existing: int | None) -> None:
    """on_click of "Attach source" (a callback, so a quick next click cannot drop it,
    docs/reruns.md). A refusal is kept next to the form and every typed field stays."""
    state, where = st.session_state, routes.refusal_key(key)
    state.pop(where, None)
    draft = (
        None
        if existing is not None
        else checked(
            sources.SourceDraft,
            where=where,
            url=state[f"{key}_url"],
            title=state[f"{key}_title"],
            publisher=state[f"{key}_publisher"],
            kind=state[f"{key}_kind"],
            published=state[f"{key}_published"],
            accessed=state[f"{key}_accessed"],
            archive_url=state[f"{key}_archive"],
        )
    )
    if existing is None and draft is None:
        return
    if (
        perform(
            attach_evidence,
            claim_id,
            source_id=existing,
            draft=draft,
            stance=state[f"{key}_stance"] or "",
            excerpt=state[f"{key}_excerpt"],
            independent=state[f"{key}_independent"],
            where=where,
        )
        is None
    ):
        return
    for field in _FORM_FIELDS:  # the old keys' state is not needed any more
        state.pop(f"{key}_{field}", None)
    state[_attached_key(claim_id)] = state.get(_attached_key(claim_id), 0) + 1
    flash("Evidence attached.")
    rerun_annotate()  # the tab's count, the claim list and the highlight's label change
