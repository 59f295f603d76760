"""Articles: the list with who each article is assigned to, bringing a new one in
(paste, upload or fetch from its web address), storing a new version of one that
changed, and (editors) giving an article to a reviewer."""

import streamlit as st

from workbench import articles, assignments, loaders, web_articles
from workbench.errors import DuplicateArticle, InvalidInput
from workbench.text.extract import (
    MAX_ARTICLE_CHARS,
    MAX_UPLOAD_BYTES,
    ArticleInputError,
    extract_upload,
)
from workbench.ui import routes
from workbench.ui.components.new_version_form import new_version_form
from workbench.ui.context import credentials, perform
from workbench.ui.query import query_id
from workbench.ui.safe import md

PAGE_SIZE = 25
FROM_WEB = "From a web address"
ASSIGNED = "articles_assigned"  # the confirmation of the last assignment, for the next run


def _fetch_and_add() -> None:
    """on_click of "Fetch and add": the fetch runs before the write's transaction opens."""
    st.session_state[routes.ARTICLES_FORM_OPEN] = True
    try:
        page = web_articles.fetch_article(st.session_state.get("articles_fetch_url", ""))
    except InvalidInput as refused:  # no network, not an article, a refused address…
        st.error(md(str(refused)))
        return
    try:
        added = perform(
            web_articles.add_fetched_article,
            page,
            allow_duplicate=st.session_state.get("articles_fetch_duplicate", False),
            reraise=(DuplicateArticle,),
        )
    except DuplicateArticle as duplicate:
        st.session_state[routes.ARTICLES_FETCHED] = duplicate
        return
    if added is not None and added.id is not None:
        st.session_state[routes.ARTICLES_FETCHED] = added.id


def _from_web_address() -> None:
    with st.form("articles_fetch", enter_to_submit=False):
        st.text_input(
            "Web address of the article", key="articles_fetch_url", placeholder="https://…"
        )
        st.checkbox(
            "Add it even if the same text is already stored", key="articles_fetch_duplicate"
        )
        st.form_submit_button("Fetch and add", type="primary", on_click=_fetch_and_add)
    fetched = st.session_state.pop(routes.ARTICLES_FETCHED, None)
    if isinstance(fetched, DuplicateArticle):
        st.warning(md(str(fetched)))
        routes.link(
            routes.ANNOTATE,
            "Open the existing article",
            query=routes.annotate_query(fetched.existing_id),
            icon="📰",
        )
    elif fetched is not None:
        st.session_state[routes.ARTICLES_FORM_OPEN] = False
        routes.switch_to(routes.ANNOTATE, routes.annotate_query(fetched))


def _assign_article(assignees: dict[int, int | None], people: dict[int, str]) -> None:
    """on_click of "Assign article": the article and person chosen, checked against the
    assignee this page showed (another editor may have been quicker)."""
    article_id = st.session_state.get("articles_assign_article")
    chosen = st.session_state.get("articles_assign_to") or None
    if article_id is None:
        return
    if (
        perform(
            assignments.assign_article,
            article_id,
            chosen,
            expected_assignee_id=assignees.get(article_id),
        )
        is not None
    ):
        st.session_state[ASSIGNED] = (
            f"Article #{article_id} is now with "
            f"{people.get(chosen, 'nobody') if chosen is not None else 'nobody'}; its open "
            "claims that were with the previous assignee or nobody went too."
        )


def _assign_form(desk: loaders.ArticleDesk) -> None:
    """Editors: give one of the listed articles to a reviewer (or to nobody)."""
    rows = desk.rows[:PAGE_SIZE]
    people = {p.id: p.display_name or p.name for p in desk.assigning.people}
    titles = {row.id: row.title for row in rows}
    with st.expander("Assign an article to a reviewer"):
        left, right = st.columns(2)
        left.selectbox(
            "Article",
            list(titles),
            key="articles_assign_article",
            format_func=lambda article_id: f"#{article_id} {titles[article_id]}",
        )
        right.selectbox(
            "Give it to",
            [0, *people],
            key="articles_assign_to",
            format_func=lambda user_id: people.get(user_id, "Nobody"),
        )
        st.button(
            "Assign article",
            key="articles_assign",
            on_click=_assign_article,
            args=(desk.assignees, people),
        )
        st.caption(
            "Its open claims that were with the previous assignee, or with nobody, "
            "go to the new one; claims made on it later go to them too."
        )
        done = st.session_state.pop(ASSIGNED, None)
        if done:
            st.success(md(done))


def _paste_or_upload(mode: str | None) -> None:
    upload = None
    if mode == "Upload a file":
        upload = st.file_uploader(
            f"A .txt, .md, .html or .docx file, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
            type=["txt", "md", "html", "htm", "docx"],
            key="articles_upload",
        )
    with st.form("articles_add", clear_on_submit=False, enter_to_submit=False):
        title = st.text_input(
            "Title (from the file if left empty)", key="articles_title", max_chars=500
        )
        body = ""
        if mode != "Upload a file":
            body = st.text_area(
                f"Article text (up to {MAX_ARTICLE_CHARS:,} characters)",
                height=260,
                key="articles_body",
            )
        left, middle, right = st.columns(3)
        outlet = left.text_input("Outlet", key="articles_outlet", max_chars=200)
        author = middle.text_input("Author", key="articles_author", max_chars=300)
        language = right.selectbox(
            "Language", ["en", "de", "uk", "ar", "fr", "es", "ru", "other"], key="articles_language"
        )
        left, right = st.columns([2, 1])
        url = left.text_input("URL", key="articles_url", placeholder="https://…")
        published = right.date_input("Published", value=None, key="articles_published")
        allow_duplicate = st.checkbox(
            "Add it even if the same text is already stored", key="articles_allow_duplicate"
        )
        submitted = st.form_submit_button("Add article", type="primary")

    if submitted:
        st.session_state[routes.ARTICLES_FORM_OPEN] = True
        try:
            extracted_title = None
            if upload is not None:
                extracted = extract_upload(upload.name, upload.getvalue())
                body, extracted_title = extracted.body, extracted.title
                for warning in extracted.warnings:
                    st.warning(md(warning))
            draft = articles.ArticleDraft(
                title=title or extracted_title or "",
                body=body,
                outlet=outlet,
                url=url,
                author=author,
                published=published,
                language=language,
            )
        except ArticleInputError as error:
            st.error(md(str(error)))
        else:
            try:
                added = perform(
                    articles.add_article,
                    draft,
                    allow_duplicate=allow_duplicate,
                    reraise=(DuplicateArticle,),
                )
            except DuplicateArticle as duplicate:
                st.warning(md(str(duplicate)))
                routes.link(
                    routes.ANNOTATE,
                    "Open the existing article",
                    query=routes.annotate_query(duplicate.existing_id),
                    icon="📰",
                )
            else:
                if added is not None and added.id is not None:
                    st.session_state[routes.ARTICLES_FORM_OPEN] = False
                    routes.switch_to(routes.ANNOTATE, routes.annotate_query(added.id))


st.title("Articles")

with st.expander("Add an article", expanded=st.session_state.get(routes.ARTICLES_FORM_OPEN, False)):
    mode = st.segmented_control(
        "Bring it in by",
        ["Paste text", "Upload a file", FROM_WEB],
        default="Paste text",
        key="articles_mode",
    )
    if mode == FROM_WEB:
        _from_web_address()
    else:
        _paste_or_upload(mode)

search = st.text_input(
    "Search titles and outlets", key="articles_search", placeholder="e.g. Ukraine"
)
page = st.session_state.get(routes.ARTICLES_PAGE, 0)
desk = loaders.article_desk(credentials(), search=search, page=page, page_size=PAGE_SIZE)
rows = desk.rows

with st.expander(
    "Store a new version of an article", expanded=query_id(routes.ARTICLE).value is not None
):
    new_version_form({row.id: row.title for row in rows[:PAGE_SIZE]})

if not rows:
    st.info("No articles yet." if not search else "No article matches that search.")
elif desk.assigning.may_assign:
    _assign_form(desk)
for row in rows[:PAGE_SIZE]:
    holder = desk.assignees.get(row.id)
    with_whom = (
        ""
        if holder is None
        else " · with you"
        if holder == desk.assigning.me.id
        else f" · with {md(desk.assigning.name_of(holder) or f'user #{holder}')}"
    )
    label = f"{md(row.title)} — {md(row.outlet) or 'no outlet'} · {row.claims} claims{with_whom}"
    routes.link(routes.ANNOTATE, label, query=routes.annotate_query(row.id))

previous, _, following = st.columns([1, 4, 1])
if page > 0 and previous.button("← Newer", key="articles_prev"):
    st.session_state[routes.ARTICLES_PAGE] = page - 1
    st.rerun()
if len(rows) > PAGE_SIZE and following.button("Older →", key="articles_next"):
    st.session_state[routes.ARTICLES_PAGE] = page + 1
    st.rerun()
