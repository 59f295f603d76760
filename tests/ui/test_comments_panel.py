"""The comments panel (AppTest on a one-page script that draws it for ``?claim=``): adding
with mentions, refusals that keep the typed text, the author's edit, deletion, hostile
text as text, and mentions marked seen when the thread is drawn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from tests.hostile_data import payload
from tests.ui.conftest import open_ui
from workbench import comments, db
from workbench.models import ClaimComment, CommentMention
from workbench.ui.safe import md

PANEL = """
import streamlit as st
from workbench.ui.components.comments_panel import comments_panel

comments_panel(int(st.query_params["claim"]))
"""


@pytest.fixture
def claim(app_db, engine, reviewer, editor, article):
    return new_claim(engine, reviewer, article)


def panel(tmp_path: Path, claim_id: int, user):  # type: ignore[no-untyped-def]
    page = tmp_path / "comments_page.py"
    page.write_text(PANEL)
    at = open_ui(str(page), tmp_path, {"claim": str(claim_id)}, user, alone=True)
    assert not at.exception, at.exception
    return at


def box(at, claim_id: int):  # type: ignore[no-untyped-def]
    return at.text_area(key=f"comment_new_{claim_id}_body")


def add(at, claim_id: int, text: str):  # type: ignore[no-untyped-def]
    box(at, claim_id).set_value(text)
    at.button(key=f"FormSubmitter:comment_new_{claim_id}-Add comment").click().run()
    assert not at.exception, at.exception
    return at


def stored(engine) -> list[ClaimComment]:
    with db.read_session(engine) as session:
        return list(session.exec(select(ClaimComment).order_by(ClaimComment.id)))


def test_a_comment_with_a_mention_is_added_and_the_box_empties(tmp_path, engine, claim, editor):
    at = add(panel(tmp_path, claim.id, editor), claim.id, "@rita please check the figure")
    [comment] = stored(engine)
    assert comment.body == "@rita please check the figure"
    assert box(at, claim.id).value == ""
    body = [m.value for m in at.markdown if "please check" in m.value]
    assert body == [f":blue[**{md('@rita')}**] please check the figure"]
    assert any("eddie" in c.value for c in at.caption)


def test_a_refused_comment_keeps_the_typed_text(tmp_path, engine, claim, reviewer):
    at = add(panel(tmp_path, claim.id, reviewer), claim.id, "\x00 \x01\n ")
    assert [e.value for e in at.error] == [md("Write something first: the comment is empty.")]
    assert box(at, claim.id).value == "\x00 \x01\n "
    assert stored(engine) == []
    add(at, claim.id, "Now with words")
    assert not at.error and box(at, claim.id).value == ""


def unsafe(shown: str) -> list[str]:
    """Markup in Markdown source that was not escaped: an image, a link, an HTML tag."""
    return re.findall(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<[A-Za-z/]", shown)


def test_hostile_comments_render_as_text(tmp_path, engine, claim, reviewer):
    at = add(panel(tmp_path, claim.id, reviewer), claim.id, payload("comment"))
    shown = " ".join(m.value for m in at.markdown)
    assert md(payload("comment")) in shown
    assert unsafe(shown) == []


def test_the_author_edits_and_others_cannot(tmp_path, engine, claim, reviewer, editor):
    with db.write_session(engine) as session:
        comment = comments.add_comment(session, reviewer, claim.id, "first words")
    others = panel(tmp_path, claim.id, editor)
    assert not [b for b in others.button if b.key == f"comment_edit_open_{comment.id}"]
    at = panel(tmp_path, claim.id, reviewer)
    at.button(key=f"comment_edit_open_{comment.id}").click().run()
    edit = at.text_area(key=f"comment_edit_body_{comment.id}")
    assert edit.value == "first words"
    edit.set_value("better words")
    at.button(key=f"FormSubmitter:comment_edit_form_{comment.id}-Save comment").click().run()
    assert not at.exception and not at.error
    assert [c.body for c in stored(engine)] == ["better words"]
    assert any("edited" in c.value for c in at.caption)
    assert [m.value for m in at.markdown if "words" in m.value] == ["better words"]


def test_a_stale_edit_keeps_the_text_and_shows_the_stored_one(tmp_path, engine, claim, reviewer):
    with db.write_session(engine) as session:
        comment = comments.add_comment(session, reviewer, claim.id, "first words")
    at = panel(tmp_path, claim.id, reviewer)
    at.button(key=f"comment_edit_open_{comment.id}").click().run()
    with db.write_session(engine) as session:  # the same person, in another browser tab
        comments.edit_comment(session, reviewer, comment.id, "from the other tab", 1)
    at.text_area(key=f"comment_edit_body_{comment.id}").set_value("mine")
    submit = f"FormSubmitter:comment_edit_form_{comment.id}-Save comment"
    at.button(key=submit).click().run()
    assert not at.exception
    assert at.text_area(key=f"comment_edit_body_{comment.id}").value == "mine"
    assert "from the other tab" in [t.value for t in at.text]
    assert [c.body for c in stored(engine)] == ["from the other tab"]
    at.button(key=submit).click().run()  # save again: the stored text was shown
    assert [c.body for c in stored(engine)] == ["mine"]


def test_an_editor_deletes_and_the_thread_says_so(tmp_path, engine, claim, reviewer, editor):
    with db.write_session(engine) as session:
        comment = comments.add_comment(session, reviewer, claim.id, "to be removed")
    at = panel(tmp_path, claim.id, editor)
    at.button(key=f"comment_delete_{comment.id}").click().run()
    assert not at.exception and not at.error
    assert stored(engine)[0].deleted_at is not None
    assert "Comment deleted." in [c.value for c in at.caption]
    assert not [m for m in at.markdown if "to be removed" in m.value]


def test_drawing_the_thread_marks_my_mentions_seen(tmp_path, engine, claim, reviewer, editor):
    with db.write_session(engine) as session:
        comments.add_comment(session, editor, claim.id, "@rita look")
    at = panel(tmp_path, claim.id, reviewer)
    assert any("new for you" in c.value for c in at.caption)
    with db.read_session(engine) as session:
        assert session.exec(select(CommentMention)).one().seen_at is not None
    at.run()
    assert not any("new for you" in c.value for c in at.caption)
