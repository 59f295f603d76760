"""Claims a new version of the article left for a person: confirm a proposed place in one
click, or place a claim on words selected in the current version.

A claim needing review is drawn at its proposed span (dashed) but stays unconfirmed until
a reviewer says so; an unplaced claim is not drawn at all and keeps its quote and verdict
(``workbench/article_versions.py``). Placing always goes through ``confirm_anchor``, which
records the current version the new offsets point into.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench.article_versions import confirm_anchor
from workbench.claim_panel import ClaimPanel
from workbench.models import AnchorStatus
from workbench.text.anchor import snap_to_words
from workbench.ui.components.annotate_fragments import flash, rerun_annotate
from workbench.ui.components.span_selector import SpanSelection
from workbench.ui.context import perform
from workbench.ui.safe import md
from workbench.workspace import ArticleView, ClaimMark, Workspace


def _place(claim_id: int, version: int, span: tuple[int, int] | None = None) -> None:
    """on_click: anchor the claim on ``span`` of the current version (its proposed place
    when None)."""
    start, end = span if span is not None else (None, None)
    if perform(confirm_anchor, claim_id, version, start, end) is not None:
        flash(f"Claim #{claim_id} is placed in the current version.")
        rerun_annotate()  # the highlight, the panel and the lists all change


def _proposed_words(body: str, mark: ClaimMark) -> str:
    start, end = mark.claim.proposed or (0, 0)
    return body[start:end]


def unsettled_claims(workspace: Workspace, on_open: Callable[[int], None]) -> None:
    """The claim list's section for claims needing a person after a new version."""
    current = workspace.article.current_version
    for mark in workspace.unplaced:
        with st.container(border=True, key=f"annotate_unplaced_{mark.claim.id}"):
            st.warning(
                f"Claim #{mark.claim.id} was not found in version {current}: its quote "
                "and verdict are kept. Open it and select its words in the article to "
                "place it.",
                icon="⚠️",
            )
            st.text(mark.claim.quote)
            st.button(
                "Open",
                key=f"annotate_unplaced_open_{mark.claim.id}",
                on_click=on_open,
                args=(mark.claim.id,),
            )
    if not workspace.needs_review:
        return
    st.subheader(f"Needs review ({len(workspace.needs_review)})", anchor=False)
    st.caption(
        f"Version {current} may hold these claims elsewhere or more than once: the "
        "dashed place in the article is a proposal until you confirm it."
    )
    for mark in workspace.needs_review:
        with st.container(border=True, key=f"annotate_review_{mark.claim.id}"):
            st.markdown(f"**{md(mark.label)}** — {md(mark.claim.statement[:120])}")
            words = _proposed_words(workspace.article.body, mark)
            st.text(f"Proposed: {words}" if words else "No place proposed: select its words.")
            confirm, open_ = st.columns(2)
            confirm.button(
                "Confirm proposed place",
                key=f"annotate_confirm_{mark.claim.id}",
                type="primary",
                disabled=not words,
                on_click=_place,
                args=(mark.claim.id, mark.claim.version),
            )
            open_.button(
                "Open",
                key=f"annotate_review_open_{mark.claim.id}",
                on_click=on_open,
                args=(mark.claim.id,),
            )


def anchor_status(panel: ClaimPanel, article: ArticleView, selection: SpanSelection | None) -> None:
    """In the selected claim's panel: where it stands in the current version, and the
    buttons that place it (on the proposed span, or on the selected words, completed to
    whole words as a new claim's are)."""
    current_version = article.current_version
    if panel.anchor_status == AnchorStatus.needs_review:
        st.info(
            f"Needs review: version {current_version} holds this claim's words "
            "elsewhere or more than once (dashed in the article).",
            icon="🔎",
        )
        if panel.proposed is not None:
            st.button(
                "Confirm proposed place",
                key=f"annotate_panel_confirm_{panel.claim_id}",
                type="primary",
                on_click=_place,
                args=(panel.claim_id, panel.version),
            )
    elif panel.anchor_status == AnchorStatus.unplaced:
        st.warning(
            f"Not found in version {current_version}: its quote and verdict are kept. "
            "Select its words in the article to place it.",
            icon="⚠️",
        )
    else:
        return
    if selection is not None:
        span = snap_to_words(article.body, selection.start, selection.end)
        st.button(
            f"Place it on the selected words ({span[0]}–{span[1]})",
            key=f"annotate_place_{panel.claim_id}",
            on_click=_place,
            args=(panel.claim_id, panel.version, span),
        )


def is_unsettled(panel: ClaimPanel) -> bool:
    """Whether the claim waits for a person to place it in the current version."""
    return panel.anchor_status in (AnchorStatus.needs_review, AnchorStatus.unplaced)
