"""Annotate: one article with its claims pinned to exact spans.

The URL carries the article and the selected claim (``?article=…&claim=…``) so a
reload or a shared link opens the same view.

Below the header the page is three fragments (``annotate_fragments``): the article with
its highlights, the panel (the new claim from a selection, the selected claim) and the
claim list (the suggestions and the article's claims). The suggestions are also marked
in the article, where a click on one accepts or dismisses it like the list's buttons.
Selecting a claim reruns the article and the panel; a write reruns what it changed;
never ``app.py`` and the header.
Each fragment reads what it shows through one loader (``workbench.loaders.annotate_article``,
``annotate_panel``, ``workspace``: one read session, plain data). Every write runs in a
callback (see docs/reruns.md for why a click handled in the script body can be lost).

An article that was updated has versions: the header picks the one shown (an older one
is read-only, with the claims whose offsets point into it) and whether the sentences
changed since the previous version are highlighted. Claims are made and placed on the
current version only; those a new version left for a person are listed first in the
claim list (``anchor_panel``).

A newcomer is told how to make a claim until they close the hint (``workbench.hints``,
stored per person). The header's "Keyboard shortcuts" popover lists the keys
(``annotate_shortcuts``): most are Streamlit's own button shortcuts; a selected claim's
span is moved a word at a time inside the article (``span_selector``) and saved like any
other edit, with the version the page showed.
"""

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import streamlit as st

from workbench import claims, hints, loaders
from workbench.article_history import ShownVersion
from workbench.claim_panel import ClaimPanel
from workbench.errors import NotFound
from workbench.ui import routes
from workbench.ui.components import annotate_shortcuts as keys
from workbench.ui.components import suggestions_panel as suggested
from workbench.ui.components.anchor_panel import anchor_status, is_unsettled, unsettled_claims
from workbench.ui.components.annotate_fragments import (
    ARTICLE,
    CLAIM_TABS,
    CLAIMS,
    PANEL,
    flash,
    last_write,
    rerun_annotate,
    rerun_selection,
)
from workbench.ui.components.claim_buttons import ListedClaim, claim_buttons
from workbench.ui.components.claim_editor import claim_editor, reset_claim_form
from workbench.ui.components.comments_panel import comments_panel
from workbench.ui.components.corrections_panel import corrections_panel
from workbench.ui.components.evidence_panel import evidence_panel
from workbench.ui.components.history_panel import history_panel
from workbench.ui.components.new_claim_panel import new_claim_panel
from workbench.ui.components.span_selector import (
    AdjustedSpan,
    Highlight,
    clear_selection,
    span_selector,
    stored_selection,
)
from workbench.ui.components.verdict_panel import propose_form, verdict_status
from workbench.ui.context import credentials, perform, show_refusal
from workbench.ui.query import query_id
from workbench.ui.safe import md, web_url
from workbench.workspace import Workspace

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_tab_container import TabContainer

#: Background of the sentences changed since the previous version (claims drawn over it).
CHANGED_COLOUR = "#fde68a"
#: Session state: why the last span moved from the keyboard was not saved.
SPAN_REFUSED = routes.refusal_key("annotate_span")
FIRST_CLAIM_HINT = (
    "**New here?** Select words in the article to pin a claim to them, or "
    "accept one of the suggested claims on the right. A claim then collects "
    "its sources and, in the end, a verdict."
)
NO_CLAIMS = "No claims yet — select words in the article, or accept a suggestion above."


def _select_claim(claim_id: int) -> None:
    # A button, not st.page_link: a link to the same page does not update the URL's query.
    st.query_params[routes.CLAIM] = str(claim_id)
    st.session_state.pop(SPAN_REFUSED, None)  # it was about another claim
    rerun_selection()  # the article marks the selected claim


def _save_span(versions: dict[int, int], span: AdjustedSpan) -> None:
    """on_adjust of the article: store a claim's span moved from the keyboard, based on the
    version this page showed (a colleague's save in between refuses it)."""
    st.session_state.pop(SPAN_REFUSED, None)
    saved = perform(
        claims.update_claim,
        span.claim_id,
        versions[span.claim_id],
        start=span.start,
        end=span.end,
        where=SPAN_REFUSED,
    )
    if saved is None:
        return  # the article reruns (the trigger's rerun) and draws the stored span
    reset_claim_form(span.claim_id)  # the details form is based on the new version
    st.query_params[routes.CLAIM] = str(span.claim_id)
    flash(
        f"Claim #{span.claim_id} now covers characters {span.start}–{span.end} "
        f"(version {saved.version})."
    )
    rerun_annotate()  # the highlight, the panel's quote and the list all change


def _close_claim() -> None:
    st.query_params.pop(routes.CLAIM, None)
    rerun_selection()


def _selected(workspace: Workspace) -> int | None:
    """The claim the URL selects, if it is one of this article's."""
    claim_id = query_id(routes.CLAIM).value
    return claim_id if any(m.claim.id == claim_id for m in workspace.marks) else None


def _viewer_key(article_id: int, version: ShownVersion | None = None) -> str:
    """The span selector of the current version; an older version gets its own, so a
    selection made in it never reaches the panel (its offsets point into other text)."""
    key = f"annotate_article_{article_id}"
    return key if version is None or not version.read_only else f"{key}_v{version.number}"


def _chosen_version(article_id: int) -> int | None:
    """The version picked in the header (None: the current one)."""
    return st.session_state.get(routes.shown_version_key(article_id))


def _reading_old_version(workspace: Workspace) -> bool:
    chosen = _chosen_version(workspace.article.id)
    return chosen is not None and chosen != workspace.article.current_version


def _highlights(workspace: Workspace, shown: ShownVersion) -> list[Highlight]:
    """Claims at their span in the shown version, proposed places (dashed) in the current
    one, and the sentences changed since the previous version."""
    marks = [
        Highlight(m.claim.start, m.claim.end, m.colour, m.label, m.claim.id)
        for m in workspace.drawn_in(shown.number)
        if m.claim.start is not None and m.claim.end is not None
    ]  # drawn: both set
    if not shown.read_only:
        marks += [
            Highlight(
                *m.claim.proposed, m.colour, f"{m.label} · needs review", m.claim.id, proposed=True
            )
            for m in workspace.needs_review
            if m.claim.proposed is not None
        ]
    marks += [
        Highlight(start, end, CHANGED_COLOUR, f"changed since version {shown.previous}", None)
        for start, end in shown.changed
    ]
    return marks


def _claim_tabs(claim: ClaimPanel) -> Sequence["TabContainer"]:
    """The claim's tabs, of which only the open one is drawn.

    The browser mounts every tab's content (dataframes, date pickers, forms) whether
    shown or not, so drawing the hidden ones made each claim click rebuild about 40
    widgets nobody sees. A tab switch reruns the panel. The Evidence tab's label carries
    the count, and a new label is a new widget, so the open tab is remembered by name and
    handed back as the default.
    """
    labels = [
        f"{name} ({len(claim.evidence)})" if name == "Evidence" else name for name in CLAIM_TABS
    ]
    remembered = st.session_state.get(routes.open_tab_key(claim.claim_id), CLAIM_TABS[0])
    tabs = st.tabs(labels, default=labels[CLAIM_TABS.index(remembered)], on_change="rerun")
    st.session_state[routes.open_tab_key(claim.claim_id)] = next(
        name for name, tab in zip(CLAIM_TABS, tabs, strict=True) if tab.open
    )
    return tabs


@st.fragment(key=ARTICLE)
def article_view(article_id: int) -> None:
    shown_article = loaders.annotate_article(
        article_id,
        _chosen_version(article_id),
        changes=st.session_state.get(routes.SHOW_CHANGES, True),
    )
    workspace, shown = shown_article.workspace, shown_article.shown
    key = _viewer_key(article_id, shown)
    if st.session_state.pop(routes.CLEAR_SELECTION, False):
        clear_selection(_viewer_key(article_id))
    if shown.read_only:
        st.info(
            f"Version {shown.number} of {shown.current}, read-only: claims are made and "
            "placed on the current version.",
            icon="🕰️",
        )
    show_refusal(SPAN_REFUSED)
    versions = {m.claim.id: m.claim.version for m in workspace.marks}
    span_selector(
        shown.body,
        _highlights(workspace, shown),
        key=key,
        selected_claim_id=_selected(workspace),
        height=720,
        on_select=None if shown.read_only else rerun_selection,
        on_click=_select_claim,
        on_adjust=None if shown.read_only else partial(_save_span, versions),
        # The suggestions are sentences of the current version: marked there only.
        suggestions=suggested.shown(workspace.suggestions),
        on_suggestion=None if shown.read_only else partial(suggested.act, article_id),
    )
    if shown.removed:
        with st.expander(f"Removed since version {shown.previous} ({len(shown.removed)})"):
            for sentence in shown.removed:
                st.text(sentence)


def _last_change(claim: ClaimPanel) -> None:
    """Version and last stored change of the claim, read from the database: the lasting
    confirmation of a save, whatever became of the run that stored it."""
    change = claim.last_change
    if change is not None:
        st.caption(
            f"Version {claim.version} · last change: {md(change.what)} by "
            f"{md(change.actor)} at {change.at:%Y-%m-%d %H:%M:%S} UTC"
        )


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
    selection = (
        None
        if _reading_old_version(workspace)
        else stored_selection(_viewer_key(article_id), article.body)
    )
    spans = {(m.claim.start, m.claim.end) for m in workspace.placed}
    if selection is not None and (selection.start, selection.end) not in spans:
        with st.container(border=True, key="annotate_new_claim_panel"):
            new_claim_panel(article.id, article.body, article.language, selection)
    if claim is not None:
        mark = next(m for m in workspace.marks if m.claim.id == claim_id)
        with st.container(border=True, key="annotate_claim_panel"):
            st.markdown(
                f"**Claim #{claim_id}** · {claim.state.replace('_', ' ')}"
                + (f" · {md(mark.rating)}" if mark.rating else "")
            )
            st.text(claim.quote)
            _last_change(claim)
            st.button(
                "Close claim",
                key="annotate_close_claim",
                on_click=_close_claim,
                shortcut=keys.CLOSE.key,
            )
            anchor_status(claim, article, selection)
            verdict_status(claim)
            details, evidence, verdict, corrections, history, discussion = _claim_tabs(claim)
            if details.open:
                with details:
                    # An unsettled claim is placed with the buttons above, which record
                    # the version its new offsets point into.
                    claim_editor(claim, None if is_unsettled(claim) else selection)
            if evidence.open:
                with evidence, st.container(key=f"annotate_evidence_{claim_id}"):
                    evidence_panel(claim)
            if verdict.open:
                with verdict, st.container(key=f"annotate_verdict_box_{claim_id}"):
                    propose_form(claim)
            if corrections.open:
                with corrections:
                    corrections_panel(
                        claim.claim_id, claim.corrections, key_prefix="annotate_corrections"
                    )
            if history.open:
                with history:
                    history_panel(claim.history)
            if discussion.open:
                with discussion, st.container(key=f"annotate_comments_{claim_id}"):
                    comments_panel(claim.claim_id)


@st.fragment(key=CLAIMS)
def claim_list(article_id: int) -> None:
    workspace = loaders.workspace(article_id)
    article = workspace.article
    unsettled_claims(workspace, _select_claim)
    st.subheader("Suggested claims", anchor=False)
    suggested.suggestions_panel(article.id, workspace.suggestions)
    count = len(workspace.marks)
    st.subheader("Claims in this article" + (f" ({count})" if count else ""), anchor=False)
    if not count:
        st.caption(NO_CLAIMS)
    claim_buttons(
        [ListedClaim(m.claim.id, m.label, m.claim.statement[:120]) for m in workspace.marks],
        key="annotate_claims",
        on_open=_select_claim,
    )


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
    header = loaders.workspace(article_id)
except NotFound as error:
    st.error(md(str(error)))
    routes.link(routes.ARTICLES, "Go to Articles", icon="📰")
    st.stop()
article = header.article


def _version_label(number: int | None) -> str:
    if number is None:
        return f"Version {article.current_version} (current)"
    info = header.versions[number - 1]
    return f"Version {number} · {info.created_at:%Y-%m-%d %H:%M}"


def _dismiss_hint() -> None:
    """on_click of the hint's button: closed for good, for this person."""
    perform(hints.dismiss_hint, hints.ANNOTATE_FIRST_CLAIM)


def _first_run_hint() -> None:
    """How to make a claim, until this person closes it."""
    if not hints.load_hints(credentials()).shows(hints.ANNOTATE_FIRST_CLAIM):
        return
    with st.container(key="annotate_first_run_hint"):
        st.info(FIRST_CLAIM_HINT, icon=":material/lightbulb:")
        st.button(
            "Got it, don't show this again",
            key="annotate_dismiss_hint",
            on_click=_dismiss_hint,
            type="tertiary",
        )


def _versions() -> None:
    """Which version is shown, and whether its changes are highlighted."""
    if len(header.versions) == 1:
        st.caption("Version 1, the only one.")
        return
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    chosen = left.selectbox(
        f"Version shown ({len(header.versions)} versions)",
        [None, *range(article.current_version - 1, 0, -1)],
        format_func=_version_label,
        key=routes.shown_version_key(article.id),
    )
    right.toggle(
        "Highlight the changes from the previous version", value=True, key=routes.SHOW_CHANGES
    )
    info = header.versions[(chosen or article.current_version) - 1]
    if info.reason:
        st.caption(f"Why this version: {md(info.reason)}")


st.header(md(article.title), anchor=False)
st.caption(
    " · ".join(
        md(part)
        for part in (article.outlet, article.author, str(article.published or ""), article.language)
        if part
    )
)
original = web_url(article.url)
links = st.columns(3)
if original:
    links[0].link_button("Open the original", original)
with links[1]:
    routes.link(
        routes.ARTICLES,
        "Store a new version",
        query=routes.new_version_query(article.id),
        icon=":material/update:",
    )
with links[2]:
    keys.shortcuts_help()
_versions()
_first_run_hint()

text_column, panel_column = st.columns([3, 2], gap="large")
with text_column:
    article_view(article.id)
with panel_column:
    panel(article.id)
    claim_list(article.id)
