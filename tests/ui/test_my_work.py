"""The My work page (AppTest through app.py): the four lists and their counts, the
editor's return comment, hostile text shown as text, "Mark as seen", the landing page of
a signed-in person and the sidebar's counts."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from tests.hostile_data import payload, seed_hostile
from tests.ui.conftest import open_page
from workbench import claims, comments, db, ratings, users, verdicts
from workbench.models import CommentMention
from workbench.ui import routes
from workbench.ui.safe import md, md_lines

PAGE = routes.MY_WORK.path


def markdown(at) -> list[str]:  # type: ignore[no-untyped-def]
    """The Markdown source of the elements that render it, page links included."""
    found = [
        e.value
        for kind in ("markdown", "caption", "title", "subheader", "warning", "info")
        for e in getattr(at, kind)
    ]
    return found + [e.proto.label for e in at.get("page_link")]


def live_line(at) -> str:  # type: ignore[no-untyped-def]
    return next(c.value for c in at.caption if "assigned ·" in c.value)


@pytest.fixture
def returned_work(app_db, engine, reviewer, editor, article):
    """rita's claim, proposed and returned by eddie with a comment; eddie mentions rita."""
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            claim.id,
            claims.get_claim(session, claim.id).version,
            rating_id=ratings.find_rating(session, "False").id,
            rationale="The Council's release gives another figure.",
        )
    with db.write_session(engine) as session:
        verdicts.return_verdict(
            session,
            editor,
            verdict.id,
            verdict.version,
            comment="Cite the Council's release, please.",
        )
        mention = comments.add_comment(session, editor, claim.id, "@rita please check")
    return claim, mention


def test_lists_counts_and_the_editors_comment(returned_work, reviewer, article):
    claim, _mention = returned_work
    at = open_page(PAGE, user=reviewer)
    assert not at.exception, at.exception
    assert live_line(at).startswith(
        "1 assigned · 1 returned · 0 waiting for review · 1 new mention"
    )
    [warning] = at.warning
    assert "eddie returned your verdict" in warning.value
    assert md_lines("Cite the Council's release, please.") in warning.value
    links = [link for link in at.get("page_link") if f"Claim #{claim.id}" in link.proto.label]
    assert len(links) == 3  # assigned, returned, mentioned
    assert {link.proto.page for link in links} == {routes.ANNOTATE.url_path}
    assert "None of your proposals is waiting for review." in markdown(at)
    assert "@rita please check" in [t.value for t in at.text]


def test_mark_as_seen_updates_the_count(returned_work, engine, reviewer):
    _claim, mention = returned_work
    at = open_page(PAGE, user=reviewer)
    at.button(key=f"my_work_seen_{mention.id}").click().run()
    assert not at.exception and not at.error
    assert live_line(at).endswith("0 new mentions") or "0 new mentions ·" in live_line(at)
    assert not [b for b in at.button if b.key == f"my_work_seen_{mention.id}"]
    with db.read_session(engine) as session:
        row = session.exec(select(CommentMention)).one()
        assert row.seen_at is not None


def test_empty_lists_say_so_in_words(app_db, editor):
    at = open_page(PAGE, user=editor)
    assert not at.exception, at.exception
    shown = markdown(at)
    for sentence in (
        "Nothing assigned to you right now.",
        "No verdict of yours was sent back.",
        "None of your proposals is waiting for review.",
        "Nobody has mentioned you in a comment yet.",
    ):
        assert sentence in shown
    assert live_line(at).startswith(
        "0 assigned · 0 returned · 0 waiting for review · 0 new mentions"
    )


def test_hostile_text_is_shown_as_text(app_db, engine):
    ids = seed_hostile(engine)
    with db.write_session(engine) as session:
        rita, eddie = users.find_user(session, "rita"), users.find_user(session, "eddie")
        comments.add_comment(session, eddie, ids.returned_claim, f"@rita {payload('mention')}")
    at = open_page(PAGE, user=rita)
    assert not at.exception, at.exception
    shown = markdown(at)
    joined = " ".join(shown)
    assert re.findall(r"(?<!\\)!\[|(?<!\\)\]\((?!\./)|(?<!\\)<[A-Za-z/]", joined) == []
    assert md(payload("title")) in joined  # the article title, escaped
    assert md_lines(payload("comment")) in joined  # the editor's return comment
    excerpt = f"@rita {payload('mention')}"[:100]
    assert any(t.value.startswith(excerpt) for t in at.text)  # the excerpt, plain text


def test_a_signed_in_person_lands_on_my_work_with_counts_in_the_sidebar(returned_work, reviewer):
    at = open_page(user=reviewer)
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["My work"]
    [link] = [
        link for link in at.sidebar.get("page_link") if link.proto.label.startswith("My work ·")
    ]
    assert link.proto.label == (
        "My work · 1 assigned · 1 returned · 0 waiting for review · 1 new mention"
    )
    at.switch_page(routes.START.path).run()  # the start page is still there
    assert [t.value for t in at.title] == ["Claim workbench"]


def sidebar_line(at) -> str:  # type: ignore[no-untyped-def]
    [link] = [
        link for link in at.sidebar.get("page_link") if link.proto.label.startswith("My work ·")
    ]
    return link.proto.label


def test_the_sidebar_counts_are_read_again_after_a_while_not_on_every_page(
    app_db, engine, reviewer, editor, article, monkeypatch
):
    """A colleague's assignment shows in the sidebar once the counts are older than
    FRESH_SECONDS (the My work page itself shows it at once); until then page runs reuse
    them instead of reading them again."""
    from workbench import assignments
    from workbench.ui.components import work_counts

    claim = new_claim(engine, editor, article)
    at = open_page(user=reviewer)
    assert sidebar_line(at).startswith("My work · 0 assigned")
    with db.write_session(engine) as session:
        assignments.assign_claim(
            session, editor, claim.id, claims.get_claim(session, claim.id).version, reviewer.id
        )
    at.switch_page(routes.START.path).run()
    assert sidebar_line(at).startswith("My work · 0 assigned")  # read 0 s ago: kept
    monkeypatch.setattr(work_counts, "FRESH_SECONDS", 0.0)
    at.run()
    assert sidebar_line(at).startswith("My work · 1 assigned")
