"""Comment threads: who may write, edit and delete, version checks, the body's rules, and
``@name`` mentions (active accounts only, e-mail addresses are not mentions)."""

import pytest
from sqlmodel import col, select

from tests.conftest import make_user, new_claim
from workbench import comments, db, users
from workbench.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit, WorkflowError
from workbench.models import AuditEvent, ClaimComment, CommentMention, Role


@pytest.fixture
def claim(engine, reviewer, article):
    return new_claim(engine, reviewer, article)


def add(engine, user, claim_id, body):
    with db.write_session(engine) as session:
        return comments.add_comment(session, user, claim_id, body)


def mentions_of(engine, comment_id):
    """user name -> seen (True/False) for the comment's mention rows."""
    with db.read_session(engine) as session:
        rows = session.exec(select(CommentMention).where(CommentMention.comment_id == comment_id))
        return {users.get_user(session, row.user_id).name: row.seen_at is not None for row in rows}


def events(engine, comment_id):
    with db.read_session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(AuditEvent.entity == "comment", AuditEvent.entity_id == comment_id)
                .order_by(col(AuditEvent.id))
            )
        )


def test_a_comment_is_stored_cleaned_and_audited_with_its_mentions(engine, reviewer, editor, claim):
    comment = add(engine, editor, claim.id, "  @RITA please check\x00 the figure.\r\nThanks  ")
    assert comment.body == "@RITA please check the figure.\nThanks"
    assert mentions_of(engine, comment.id) == {"rita": False}
    [event] = events(engine, comment.id)
    assert (event.action, event.claim_id, event.actor_name) == ("create", claim.id, "eddie")
    assert event.changes == {"body": [None, comment.body], "mentions": [None, ["rita"]]}


@pytest.mark.parametrize("body", ["", "   \n\t ", "\x00\x01"])
def test_an_empty_comment_is_refused(engine, reviewer, claim, body):
    with pytest.raises(InvalidInput, match="empty"):
        add(engine, reviewer, claim.id, body)


def test_a_huge_comment_is_refused_and_nothing_is_stored(engine, reviewer, claim):
    with pytest.raises(InvalidInput, match="too long"):
        add(engine, reviewer, claim.id, "x" * (comments.MAX_BODY + 1))
    assert add(engine, reviewer, claim.id, "y" * comments.MAX_BODY).body == "y" * comments.MAX_BODY
    with db.read_session(engine) as session:
        assert len(session.exec(select(ClaimComment)).all()) == 1


def test_hostile_text_is_stored_as_typed(engine, reviewer, claim):
    body = "![x](http://attacker.example/p.png) <script>alert(1)</script> [link](javascript:x)"
    assert add(engine, reviewer, claim.id, body).body == body


def test_comments_need_a_desk_account_and_a_claim(engine, reviewer, claim):
    with db.write_session(engine) as session:
        switched_off = users.set_active(
            session, users.builtin_user(session, users.CLI_USER), reviewer.id, False
        )
    with pytest.raises(PermissionDenied):
        add(engine, switched_off, claim.id, "hello")
    editor = make_user(engine, "ed", Role.editor)
    with pytest.raises(NotFound):
        add(engine, editor, 999_999, "hello")


def test_unknown_inactive_own_and_email_names_are_not_mentions(engine, reviewer, editor, claim):
    gone = make_user(engine, "gone", Role.reviewer)
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), gone.id, False)
    body = (
        "@nobody @gone @eddie mail rita@example.org or x.@rita, not @cli, @local; "
        "but @rita. and (@erin-later)"
    )
    make_user(engine, "erin", Role.editor)
    comment = add(engine, editor, claim.id, body)
    assert mentions_of(engine, comment.id) == {"rita": False, "erin": False}
    with db.read_session(engine) as session:
        assert [
            u.name for u in comments.mentioned_users(session, "write to rita@example.org")
        ] == []


def test_a_dotted_name_wins_over_its_shorter_reading(engine, reviewer, editor, claim):
    make_user(engine, "rita.b", Role.reviewer)
    comment = add(engine, editor, claim.id, "@rita.b and @rita.")
    assert mentions_of(engine, comment.id) == {"rita": False, "rita.b": False}
    assert comments.split_mentions("@rita.b and @rita.", ["rita", "rita.b"]) == [
        ("@rita.b", True),
        (" and ", False),
        ("@rita", True),
        (".", False),
    ]


def test_only_the_author_edits_and_mentions_follow_the_text(engine, reviewer, editor, claim):
    make_user(engine, "erin", Role.editor)
    comment = add(engine, reviewer, claim.id, "@eddie and @erin, have a look")
    with db.write_session(engine) as session:
        comments.mark_mentions_seen(session, editor, [comment.id])
    with pytest.raises(PermissionDenied, match="Only the person who wrote"):
        with db.write_session(engine) as session:
            comments.edit_comment(session, editor, comment.id, "changed", comment.version)
    with db.write_session(engine) as session:
        edited = comments.edit_comment(
            session, reviewer, comment.id, "@eddie and @rita only", comment.version
        )
    assert (edited.version, edited.edited_at is not None) == (2, True)
    # eddie keeps having seen it; erin is no longer mentioned; rita is the author.
    assert mentions_of(engine, comment.id) == {"eddie": True}
    event = events(engine, comment.id)[-1]
    assert event.action == "update"
    assert event.changes == {
        "body": ["@eddie and @erin, have a look", "@eddie and @rita only"],
        "mentions": [["eddie", "erin"], ["eddie"]],
    }


def test_a_stale_edit_or_delete_is_refused_and_keeps_the_text(engine, reviewer, editor, claim):
    comment = add(engine, reviewer, claim.id, "first")
    with db.write_session(engine) as session:
        comments.edit_comment(session, reviewer, comment.id, "second", comment.version)
    with pytest.raises(StaleEdit) as stale:
        with db.write_session(engine) as session:
            comments.edit_comment(session, reviewer, comment.id, "third", comment.version)
    assert stale.value.current == {"body": "second"}
    assert stale.value.attempted == {"body": "third"}
    with pytest.raises(StaleEdit):
        with db.write_session(engine) as session:
            comments.delete_comment(session, editor, comment.id, comment.version)
    with db.read_session(engine) as session:
        stored = session.get(ClaimComment, comment.id)
        assert (stored.body, stored.version, stored.deleted_at) == ("second", 2, None)


def test_delete_by_author_or_editor_only_keeps_the_row(engine, reviewer, editor, claim):
    other = make_user(engine, "rob", Role.reviewer)
    comment = add(engine, reviewer, claim.id, "@eddie see this")
    with pytest.raises(PermissionDenied, match="or an editor"):
        with db.write_session(engine) as session:
            comments.delete_comment(session, other, comment.id, comment.version)
    with db.write_session(engine) as session:
        comments.delete_comment(session, editor, comment.id, comment.version)
    with db.read_session(engine) as session:
        stored = session.get(ClaimComment, comment.id)
        assert stored.body == "@eddie see this" and stored.deleted_at is not None
        view = comments.thread(session, claim.id, reviewer).comments[0]
    assert (view.deleted, view.body, view.mentioned) == (True, "", ())
    assert mentions_of(engine, comment.id) == {}
    assert events(engine, comment.id)[-1].action == "delete"
    with pytest.raises(WorkflowError, match="deleted"):
        with db.write_session(engine) as session:
            comments.edit_comment(session, reviewer, comment.id, "back", stored.version)


def test_thread_shows_authors_mentions_and_what_is_new_for_the_reader(
    engine, reviewer, editor, claim
):
    first = add(engine, editor, claim.id, "@rita please check")
    add(engine, reviewer, claim.id, "Done, @eddie")
    with db.read_session(engine) as session:
        shown = comments.thread(session, claim.id, reviewer)
    assert [(c.author, c.mentioned, c.new_for_reader) for c in shown.comments] == [
        ("eddie", ("rita",), True),
        ("rita", ("eddie",), False),
    ]
    assert shown.unseen == (first.id,)
    assert shown.may_edit(shown.comments[1]) and not shown.may_edit(shown.comments[0])
    assert not shown.may_delete(shown.comments[0])
    with db.write_session(engine) as session:
        assert comments.mark_mentions_seen(session, reviewer, list(shown.unseen)) == 1
        assert comments.mark_mentions_seen(session, reviewer, list(shown.unseen)) == 0
    with db.read_session(engine) as session:
        assert comments.thread(session, claim.id, reviewer).unseen == ()
    seen = events(engine, first.id)[-1]
    assert (seen.action, seen.claim_id, seen.actor_name) == ("seen", None, "rita")
