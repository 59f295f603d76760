"""Annotate: one article with its claims pinned to exact spans.

The URL carries the article and the selected claim (``?article=…&claim=…``) so a
reload or a shared link opens the same view.
"""

import streamlit as st

from workbench import db
from workbench.errors import NotFound
from workbench.ui.components.claim_editor import claim_editor
from workbench.ui.components.corrections_panel import corrections_panel
from workbench.ui.components.evidence_panel import evidence_panel
from workbench.ui.components.history_panel import history_panel
from workbench.ui.components.new_claim_panel import new_claim_panel
from workbench.ui.components.span_selector import Highlight, clear_selection, span_selector
from workbench.ui.components.suggestions_panel import suggestions_panel
from workbench.ui.components.verdict_panel import propose_form, verdict_status
from workbench.ui.safe import md
from workbench.workspace import load_workspace


def _query_int(name: str) -> int | None:
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def _select_claim(claim_id: int) -> None:
    # A button, not st.page_link: a link to the same page does not update the URL's query.
    st.query_params["claim"] = str(claim_id)


article_id = _query_int("article")
if article_id is None:
    st.title("Annotate")
    st.info("Choose an article on the Articles page to start annotating.")
    st.page_link("workbench/ui/pages/articles.py", label="Go to Articles", icon="📰")
    st.stop()

try:
    with db.read_session() as session:
        workspace = load_workspace(session, article_id)
except NotFound as error:
    st.error(str(error))
    st.stop()

article = workspace.article
claim_id = _query_int("claim")
marks = {mark.claim.id: mark for mark in workspace.marks}
if claim_id not in marks:
    claim_id = None

st.header(article.title, anchor=False)
st.caption(" · ".join(md(part) for part in (article.outlet, article.author,
                                            str(article.published or ""), article.language)
                      if part))
if article.url:
    st.link_button("Open the original", article.url)

viewer_key = f"annotate_article_{article.id}"
if st.session_state.pop("annotate_clear_selection", False):
    clear_selection(viewer_key)

text_column, panel_column = st.columns([3, 2], gap="large")
with text_column:
    highlights = [Highlight(m.claim.start, m.claim.end, m.colour, m.label, m.claim.id)
                  for m in workspace.marks if m.claim.start is not None]
    selection, clicked = span_selector(article.body, highlights, key=viewer_key,
                                       selected_claim_id=claim_id, height=720)
    if clicked is not None and clicked != claim_id:
        st.query_params["claim"] = str(clicked)
        st.rerun()

with panel_column:
    spans = {(m.claim.start, m.claim.end) for m in workspace.marks}
    if selection is not None and (selection.start, selection.end) not in spans:
        with st.container(border=True, key="annotate_new_claim_panel"):
            new_claim_panel(article.id, article.body, article.language, selection)
    if claim_id is not None:
        mark = marks[claim_id]
        with st.container(border=True, key="annotate_claim_panel"):
            st.markdown(f"**Claim #{claim_id}** · {mark.claim.state.replace('_', ' ')}"
                        + (f" · {md(mark.rating)}" if mark.rating else ""))
            st.text(mark.claim.quote)
            if st.button("Close claim", key="annotate_close_claim"):
                del st.query_params["claim"]
                st.rerun()
            verdict_status(mark.claim)
            details, evidence, verdict, corrections, history = st.tabs(
                ["Details", f"Evidence ({mark.evidence_count})", "Verdict", "Corrections",
                 "History"])
            with details:
                claim_editor(mark.claim, selection)
            with evidence, st.container(key=f"annotate_evidence_{claim_id}"):
                evidence_panel(mark.claim)
            with verdict, st.container(key=f"annotate_verdict_box_{claim_id}"):
                propose_form(mark.claim)
            with corrections:
                corrections_panel(claim_id, key_prefix="annotate_corrections")
            with history:
                history_panel(claim_id)
    st.subheader("Suggested claims", anchor=False)
    suggestions_panel(article.id, workspace.suggestions)
    st.subheader(f"Claims in this article ({len(workspace.marks)})", anchor=False)
    for mark in workspace.marks:
        st.button(f"{md(mark.label)} — {md(mark.claim.statement[:120])}", type="tertiary",
                  key=f"annotate_open_{mark.claim.id}", on_click=_select_claim,
                  args=(mark.claim.id,))
