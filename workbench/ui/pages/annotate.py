"""Annotate: one article with its claims pinned to exact spans.

The URL carries the article and the selected claim (``?article=…&claim=…``) so a
reload or a shared link opens the same view.

Below the header the page is three fragments (``annotate_fragments``): the article with
its highlights, the panel (the new claim from a selection, the selected claim) and the
claim list (the suggestions and the article's claims). Selecting a claim reruns the
article and the panel; a write reruns what it changed; never ``app.py`` and the header.
Each fragment reads what it shows through one loader (``workbench.loaders.workspace``,
``annotate_panel``: one read session, plain data). Every write runs in a callback (see
docs/reruns.md for why a click handled in the script body can be lost).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import streamlit as st

from workbench import loaders
from workbench.claim_panel import ClaimPanel
from workbench.errors import NotFound
from workbench.ui import routes
from workbench.ui.components.annotate_fragments import (
    ARTICLE,
    CLAIM_TABS,
    CLAIMS,
    PANEL,
    last_write,
    rerun_selection,
)
from workbench.ui.components.claim_editor import claim_editor
from workbench.ui.components.corrections_panel import corrections_panel
from workbench.ui.components.evidence_panel import evidence_panel
from workbench.ui.components.history_panel import history_panel
from workbench.ui.components.new_claim_panel import new_claim_panel
from workbench.ui.components.span_selector import (
    Highlight,
    clear_selection,
    span_selector,
    stored_selection,
)
from workbench.ui.components.suggestions_panel import suggestions_panel
from workbench.ui.components.verdict_panel import propose_form, verdict_status
from workbench.ui.query import query_id
from workbench.ui.safe import md, web_url
from workbench.workspace import Workspace

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_tab_container import TabContainer


def _select_claim(claim_id: int) -> None:
    # A button, not st.page_link: a link to the same page does not update the URL's query.
    st.query_params[routes.CLAIM] = str(claim_id)
    rerun_selection()  # the article marks the selected claim


def _close_claim() -> None:
    st.query_params.pop(routes.CLAIM, None)
    rerun_selection()


def _selected(workspace: Workspace) -> int | None:
    """The claim the URL selects, if it is one of this article's."""
    claim_id = query_id(routes.CLAIM).value
    return claim_id if any(m.claim.id == claim_id for m in workspace.marks) else None


def _viewer_key(article_id: int) -> str:
    return f"annotate_article_{article_id}"


def _claim_tabs(claim: ClaimPanel) -> Sequence["TabContainer"]:
    """The claim's tabs, of which only the open one is drawn.

    The browser mounts every tab's content (dataframes, date pickers, forms) whether
    shown or not, so drawing the hidden ones made each claim click rebuild about 40
    widgets nobody sees. A tab switch reruns the panel. The Evidence tab's label carries
    the count, and a new label is a new widget, so the open tab is remembered by name and
    handed back as the default.
    """
    labels = [f"{name} ({len(claim.evidence)})" if name == "Evidence" else name
              for name in CLAIM_TABS]
    remembered = st.session_state.get(routes.open_tab_key(claim.claim_id), CLAIM_TABS[0])
    tabs = st.tabs(labels, default=labels[CLAIM_TABS.index(remembered)], on_change="rerun")
    st.session_state[routes.open_tab_key(claim.claim_id)] = next(
        name for name, tab in zip(CLAIM_TABS, tabs, strict=True) if tab.open)
    return tabs


@st.fragment(key=ARTICLE)
def article_view(article_id: int) -> None:
    workspace = loaders.workspace(article_id)
    key = _viewer_key(article_id)
    if st.session_state.pop(routes.CLEAR_SELECTION, False):
        clear_selection(key)
    highlights = [Highlight(m.claim.start, m.claim.end, m.colour, m.label, m.claim.id)
                  for m in workspace.marks if m.claim.start is not None]
    span_selector(workspace.article.body, highlights, key=key,
                  selected_claim_id=_selected(workspace), height=720,
                  on_select=rerun_selection, on_click=_select_claim)


@st.fragment(key=PANEL)
def panel(article_id: int) -> None:
    shown = loaders.annotate_panel(article_id, query_id(routes.CLAIM).value)
    workspace, claim = shown.workspace, shown.claim
    claim_id = claim.claim_id if claim is not None else None
    article = workspace.article
    if query_id(routes.CLAIM).given and claim_id is None:
        st.warning("No such claim in this article: showing the article without it.")
    message = last_write(article_id)
    if message:
        st.success(message, icon="✅")
    selection = stored_selection(_viewer_key(article_id), article.body)
    spans = {(m.claim.start, m.claim.end) for m in workspace.marks}
    if selection is not None and (selection.start, selection.end) not in spans:
        with st.container(border=True, key="annotate_new_claim_panel"):
            new_claim_panel(article.id, article.body, article.language, selection)
    if claim is not None:
        mark = next(m for m in workspace.marks if m.claim.id == claim_id)
        with st.container(border=True, key="annotate_claim_panel"):
            st.markdown(f"**Claim #{claim_id}** · {claim.state.replace('_', ' ')}"
                        + (f" · {md(mark.rating)}" if mark.rating else ""))
            st.text(claim.quote)
            st.button("Close claim", key="annotate_close_claim", on_click=_close_claim)
            verdict_status(claim)
            details, evidence, verdict, corrections, history = _claim_tabs(claim)
            if details.open:
                with details:
                    claim_editor(claim, selection)
            if evidence.open:
                with evidence, st.container(key=f"annotate_evidence_{claim_id}"):
                    evidence_panel(claim)
            if verdict.open:
                with verdict, st.container(key=f"annotate_verdict_box_{claim_id}"):
                    propose_form(claim)
            if corrections.open:
                with corrections:
                    corrections_panel(claim.claim_id, claim.corrections,
                                      key_prefix="annotate_corrections")
            if history.open:
                with history:
                    history_panel(claim.history)


@st.fragment(key=CLAIMS)
def claim_list(article_id: int) -> None:
    workspace = loaders.workspace(article_id)
    article = workspace.article
    st.subheader("Suggested claims", anchor=False)
    suggestions_panel(article.id, workspace.suggestions)
    st.subheader(f"Claims in this article ({len(workspace.marks)})", anchor=False)
    for mark in workspace.marks:
        st.button(f"{md(mark.label)} — {md(mark.claim.statement[:120])}", type="tertiary",
                  key=f"annotate_open_{mark.claim.id}", on_click=_select_claim,
                  args=(mark.claim.id,))


article_param = query_id(routes.ARTICLE)
article_id = article_param.value
if article_id is None:
    st.title("Annotate")
    if article_param.invalid:
        st.error("No such article: the link's article number is not valid.")
    else:
        st.info("Choose an article on the Articles page to start annotating.")
    routes.link(routes.ARTICLES, "Go to Articles", icon="📰")
    st.stop()

try:
    article = loaders.workspace(article_id).article
except NotFound as error:
    st.error(md(str(error)))
    routes.link(routes.ARTICLES, "Go to Articles", icon="📰")
    st.stop()

st.header(md(article.title), anchor=False)
st.caption(" · ".join(md(part) for part in (article.outlet, article.author,
                                            str(article.published or ""), article.language)
                      if part))
original = web_url(article.url)
if original:
    st.link_button("Open the original", original)

text_column, panel_column = st.columns([3, 2], gap="large")
with text_column:
    article_view(article.id)
with panel_column:
    panel(article.id)
    claim_list(article.id)
