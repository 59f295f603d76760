"""A claim's discussion: the thread, a box to add a comment, and the author's Edit and
Delete. Stored text is drawn only through ``safe.md`` (mentions highlighted around the
escaped pieces) or ``st.text``, so a comment can never become a link or an image.

Every write is a widget callback through ``ui.context.perform`` (docs/reruns.md) whose
refusal is kept next to its form, and the typed text stays in its box when refused. The
one write in the body is marking the reader's mentions seen when the thread is drawn:
it only sets a timestamp that is still unset, so a run cut short by the next click loses
nothing that the next drawing of the thread does not write again.
"""

from __future__ import annotations

import streamlit as st

from workbench import comments
from workbench.comments import CommentView, Thread, load_thread, split_mentions
from workbench.errors import StaleEdit
from workbench.ui import routes
from workbench.ui.context import credentials, perform, show_refusal
from workbench.ui.safe import md


def rendered(body: str, names: tuple[str, ...]) -> str:
    """``body`` as escaped Markdown, line breaks kept, each ``@name`` of ``names`` in
    bold blue. Whitespace runs become one space, as ``safe.md`` makes them."""

    def word(text: str) -> str:
        return "".join(
            f":blue[**{md(piece)}**]" if mention else md(piece)
            for piece, mention in split_mentions(text, names)
        )

    return "  \n".join(" ".join(word(w) for w in line.split()) for line in body.splitlines())


def comments_panel(claim_id: int) -> None:
    """The thread of ``claim_id`` as the signed-in person reads it."""
    thread = load_thread(credentials(), claim_id)
    if thread.unseen:
        perform(comments.mark_mentions_seen, list(thread.unseen))
    if not thread.comments:
        st.caption(
            "No comments yet. Ask a colleague something here; write @ and their "
            "account name to have it show in their My work."
        )
    for comment in thread.comments:
        with st.container(border=True, key=f"comment_{comment.id}"):
            _comment(thread, comment)
    _new_comment(claim_id)


def _comment(thread: Thread, comment: CommentView) -> None:
    edited = " · edited" if comment.edited_at is not None else ""
    new = " · :blue-badge[new for you]" if comment.new_for_reader else ""
    st.caption(f"**{md(comment.author)}** · {comment.created_at:%Y-%m-%d %H:%M} UTC{edited}{new}")
    if comment.deleted:
        st.caption("Comment deleted.")
        return
    editing = st.session_state.get(routes.comment_edit_key(comment.id))
    if editing is not None and thread.may_edit(comment):
        _edit_form(comment, editing)
        return
    st.markdown(rendered(comment.body, comment.mentioned))
    show_refusal(routes.refusal_key(f"comment_{comment.id}"))
    buttons = st.container(horizontal=True)
    if thread.may_edit(comment):
        buttons.button(
            "Edit",
            key=f"comment_edit_open_{comment.id}",
            type="tertiary",
            on_click=_open_editor,
            args=(comment,),
        )
    if thread.may_delete(comment):
        with buttons.popover("Delete", type="tertiary"):
            st.write("Delete this comment? The thread will show that a comment was deleted.")
            st.button(
                "Delete it",
                key=f"comment_delete_{comment.id}",
                type="primary",
                on_click=_delete,
                args=(comment.id, comment.version),
            )


def _body_key(comment_id: int) -> str:
    return f"comment_edit_body_{comment_id}"


def _open_editor(comment: CommentView) -> None:
    """Open the edit box with the stored text, remembering the version it started from."""
    st.session_state[_body_key(comment.id)] = comment.body
    st.session_state[routes.comment_edit_key(comment.id)] = comment.version


def _close_editor(comment_id: int) -> None:
    for key in (
        routes.comment_edit_key(comment_id),
        _body_key(comment_id),
        routes.refusal_key(f"comment_edit_form_{comment_id}"),
    ):
        st.session_state.pop(key, None)


def _edit_form(comment: CommentView, base_version: int) -> None:
    """The author's edit box. When someone changed the comment since the box opened,
    the stored text is shown above it: saving then replaces what the author has seen."""
    form = f"comment_edit_form_{comment.id}"
    show_refusal(routes.refusal_key(form))
    if base_version != comment.version:
        st.warning(
            "Someone changed this comment while you were editing it. The stored text "
            "is below; saving replaces it with yours."
        )
        st.text(comment.body)
    with st.form(form, border=False):
        st.text_area("Edit your comment", key=_body_key(comment.id), max_chars=comments.MAX_BODY)
        save, cancel = st.columns(2)
        save.form_submit_button(
            "Save comment",
            type="primary",
            on_click=_save_edit,
            args=(comment.id, comment.version, form),
        )
        cancel.form_submit_button("Cancel", on_click=_close_editor, args=(comment.id,))


def _save_edit(comment_id: int, version: int, form: str) -> None:
    """on_click of "Save comment"; a refusal keeps the box open with the typed text."""
    where = routes.refusal_key(form)
    st.session_state.pop(where, None)
    try:
        saved = perform(
            comments.edit_comment,
            comment_id,
            st.session_state[_body_key(comment_id)],
            version,
            reraise=(StaleEdit,),
            where=where,
        )
    except StaleEdit:
        st.session_state[where] = (
            "Someone saved this comment a moment before you. Your "
            "text is still in the box; save again to replace theirs.",
            None,
        )
        return
    if saved is not None:
        _close_editor(comment_id)


def _delete(comment_id: int, version: int) -> None:
    where = routes.refusal_key(f"comment_{comment_id}")
    st.session_state.pop(where, None)
    perform(comments.delete_comment, comment_id, version, where=where)


def _new_comment(claim_id: int) -> None:
    form = f"comment_new_{claim_id}"
    show_refusal(routes.refusal_key(form))
    with st.form(form, border=False):
        st.text_area(
            "Add a comment",
            key=f"{form}_body",
            max_chars=comments.MAX_BODY,
            placeholder="@name, could you check the second source?",
            help="Write @ and a colleague's account name to have the comment show "
            "in their My work.",
        )
        st.form_submit_button("Add comment", type="primary", on_click=_add, args=(claim_id, form))


def _add(claim_id: int, form: str) -> None:
    """on_click of "Add comment": the box empties only when the comment was stored."""
    where, body = routes.refusal_key(form), f"{form}_body"
    st.session_state.pop(where, None)
    if perform(comments.add_comment, claim_id, st.session_state[body], where=where):
        st.session_state[body] = ""
