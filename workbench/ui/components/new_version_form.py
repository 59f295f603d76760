"""The Articles page's "New version" form: an article was corrected after publication, so
its new text is pasted, uploaded or fetched again from its address and stored as the next
version, every claim re-anchored (``workbench/article_versions.py``).

The fetch runs in the callback before the write's transaction opens (a slow site must not
hold the database). The form states the version it was opened on, so a version a
colleague stored meanwhile is not silently overtaken. What the new version did to the
claims (moved, needing review, unplaced) is shown from the article's claims right after
the write, with a link to Annotate where they are settled.
"""

from __future__ import annotations

import streamlit as st

from workbench import article_versions, loaders, web_articles
from workbench.article_history import VersionTarget
from workbench.errors import InvalidInput, NotFound
from workbench.text.extract import MAX_UPLOAD_BYTES, ArticleInputError, extract_upload
from workbench.ui import routes
from workbench.ui.context import perform
from workbench.ui.query import query_id
from workbench.ui.safe import md, web_url

PASTE, UPLOAD, FETCH = "Paste text", "Upload a file", "Fetch again from its address"
_KEY = "articles_version"


def _new_text(mode: str) -> str:
    """The pasted or uploaded text; raises ArticleInputError for an unreadable file."""
    if mode == UPLOAD:
        upload = st.session_state.get(f"{_KEY}_upload")
        if upload is None:
            raise ArticleInputError("Choose the file with the new version first.")
        return extract_upload(upload.name, upload.getvalue()).body
    return st.session_state.get(f"{_KEY}_body", "")


def _store(target: VersionTarget, mode: str) -> None:
    """on_click of "Store new version": fetch or read the text, then store it in one write."""
    reason = st.session_state.get(f"{_KEY}_reason", "")
    try:
        if mode == FETCH:
            page = web_articles.fetch_article(target.url)
            saved = perform(
                web_articles.add_fetched_version,
                target.article_id,
                page,
                expected_version=target.current_version,
                reason=reason,
            )
        else:
            saved = perform(
                article_versions.add_version,
                target.article_id,
                _new_text(mode),
                reason=reason,
                expected_version=target.current_version,
            )
    except (InvalidInput, ArticleInputError) as refused:
        st.error(md(str(refused)))  # no network, not an article, an unreadable file…
        return
    if saved is not None:
        st.session_state[routes.VERSION_STORED] = (target.article_id, target.current_version + 1)
        st.session_state[f"{_KEY}_body"] = ""
        st.session_state[f"{_KEY}_reason"] = ""


def _outcome(target: VersionTarget) -> None:
    """What the version just stored did to the claims, while it is still the current one."""
    stored = st.session_state.get(routes.VERSION_STORED)
    if stored != (target.article_id, target.current_version):
        return
    st.success(
        f"Version {target.current_version} stored: {target.placed} claims moved, "
        f"{target.needs_review} need review, {target.unplaced} unplaced.",
        icon="✅",
    )
    routes.link(
        routes.ANNOTATE,
        "Review the claims in Annotate",
        query=routes.annotate_query(target.article_id),
        icon=":material/ink_highlighter:",
    )


def _choose_article(titles: dict[int, str]) -> int | None:
    """The article to update: the one the link named (``?article=…``), or one listed."""
    named = query_id(routes.ARTICLE).value
    options = list(dict.fromkeys([*([named] if named is not None else []), *titles]))
    if not options:
        return None
    return st.selectbox(
        "Article",
        options,
        key=f"{_KEY}_article",
        format_func=lambda i: f"#{i} {titles.get(i, '')}".strip(),
    )


def new_version_form(titles: dict[int, str]) -> None:
    """``titles``: the articles listed on the page by id (the one a link names is added)."""
    article_id = _choose_article(titles)
    if article_id is None:
        st.caption("No article to update yet.")
        return
    try:
        target = loaders.version_target(article_id)
    except NotFound as error:
        st.error(md(str(error)))
        return
    st.caption(
        f"{md(target.title)} is at version {target.current_version}: "
        f"{target.placed} claims placed in it, {target.needs_review} need review, "
        f"{target.unplaced} unplaced."
    )
    _outcome(target)
    modes = [PASTE, UPLOAD] + ([FETCH] if web_url(target.url) else [])
    mode = st.segmented_control("New text by", modes, default=PASTE, key=f"{_KEY}_mode") or PASTE
    if mode == UPLOAD:
        st.file_uploader(
            f"A .txt, .md, .html or .docx file, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
            type=["txt", "md", "html", "htm", "docx"],
            key=f"{_KEY}_upload",
        )
    with st.form(f"{_KEY}_form", border=False, enter_to_submit=False):
        if mode == PASTE:
            st.text_area("The article's new text", height=220, key=f"{_KEY}_body")
        elif mode == FETCH:
            st.text(target.url)
        st.text_input(
            "Why a new version (optional)",
            key=f"{_KEY}_reason",
            max_chars=article_versions.MAX_REASON,
            placeholder="e.g. the outlet corrected a figure",
        )
        st.form_submit_button(
            "Store new version", type="primary", on_click=_store, args=(target, mode)
        )
