"""A discussion thread per claim, with ``@name`` mentions that reach the named person's
My work (``workbench/my_work.py``).

Reviewers and editors comment; only a comment's author edits it, and its author or an
editor deletes it. A deleted comment keeps its row (``deleted_at``) so a thread never
silently loses a message someone answered; readers see "comment deleted" and the audit
trail keeps what it said. ``ClaimComment.version`` is not SQLAlchemy's version column,
so edits lock the row and compare the version themselves (:func:`_locked`).

A mention is ``@`` followed by an account name (``users.name``, any case) of an active
account, at the start of a word: ``ada@example.org`` is an e-mail address, not a
mention of ``example.org``. Names may contain ``. _ @ -``, so ``@bob.`` at the end of a
sentence is matched by trying the longest name first and cutting at those characters.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from workbench import audit, db, users
from workbench.claims import get_claim
from workbench.drafts import MAX_COMMENT
from workbench.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit, WorkflowError
from workbench.identity import Credentials, Person, acting_user, person
from workbench.models import ClaimComment, CommentMention, User, stored_id, utcnow
from workbench.permissions import EDITORS, REVIEW_DESK, require
from workbench.validation import clean_text

#: A comment is a few paragraphs (the same bound as an editor's return comment).
MAX_BODY = MAX_COMMENT
#: Not preceded by a word character, ``@``, ``.``, ``+`` or ``-``: that makes an e-mail
#: address (``a@b.c``, ``first.last@x``) no mention.
_MENTION = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9._@-]{0,79})")
#: Where a mentioned name may end inside a longer token (``@bob.`` / ``@bob-thanks``).
_NAME_BREAK = re.compile(r"[._@-]")
_BUILTIN = (users.CLI_USER, users.LOCAL_USER)


def clean_body(body: str | None) -> str:
    """The comment as stored: trimmed, without control characters, required and at most
    :data:`MAX_BODY` characters (the same rules as every other multi-line field)."""
    text = clean_text(body, field="Comment", max_length=MAX_BODY)
    if not text:
        raise InvalidInput("Write something first: the comment is empty.")
    return text


def _prefixes(token: str) -> list[str]:
    """``token`` and its shorter readings cut at ``. _ @ -``, longest first, lower case."""
    cuts = [m.start() for m in _NAME_BREAK.finditer(token)]
    return [token[:end].lower() for end in [len(token), *reversed(cuts)] if end >= 2]


def _resolve(token: str, known: Collection[str]) -> str | None:
    """The longest reading of ``token`` that is in ``known`` (lower-case names)."""
    return next((name for name in _prefixes(token) if name in known), None)


def split_mentions(text: str, names: Collection[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each marked True when it is an ``@name`` of ``names``
    (any case): what the thread highlights. Joining the pieces gives ``text`` back."""
    known = {name.lower() for name in names}
    pieces: list[tuple[str, bool]] = []
    done = 0
    for match in _MENTION.finditer(text):
        name = _resolve(match.group(1), known)
        if name is None:
            continue
        end = match.start(1) + len(name)
        if match.start() > done:
            pieces.append((text[done : match.start()], False))
        pieces.append((text[match.start() : end], True))
        done = end
    if done < len(text):
        pieces.append((text[done:], False))
    return pieces


def mentioned_users(session: Session, text: str) -> list[User]:
    """The active accounts ``text`` mentions, in order of first mention, each once."""
    tokens = [match.group(1) for match in _MENTION.finditer(text)]
    candidates = {name for token in tokens for name in _prefixes(token)}
    if not candidates:
        return []
    found = {
        user.name.lower(): user
        for user in session.exec(
            select(User).where(
                func.lower(User.name).in_(candidates),
                col(User.active).is_(True),
                col(User.name).not_in(_BUILTIN),
            )
        )
    }
    mentioned: dict[int, User] = {}
    for token in tokens:
        name = _resolve(token, found)
        if name is not None:
            mentioned.setdefault(stored_id(found[name]), found[name])
    return list(mentioned.values())


def _sync_mentions(session: Session, comment: ClaimComment) -> tuple[list[str], list[str]]:
    """Make the comment's mention rows match its body: new names get an unseen row,
    names still mentioned keep theirs (and whether they were seen), names no longer
    mentioned lose it. The author is never notified of their own comment. Returns the
    names mentioned before and after, for the audit trail."""
    rows = {
        row.user_id: row
        for row in session.exec(
            select(CommentMention).where(CommentMention.comment_id == comment.id)
        )
    }
    before = _names(session, rows)
    wanted = {
        stored_id(user): user
        for user in mentioned_users(session, comment.body)
        if user.id != comment.author_id
    }
    for user_id in wanted.keys() - rows.keys():
        session.add(CommentMention(comment_id=stored_id(comment), user_id=user_id))
    gone = rows.keys() - wanted.keys()
    if gone:
        session.exec(
            delete(CommentMention).where(
                col(CommentMention.comment_id) == comment.id, col(CommentMention.user_id).in_(gone)
            )
        )
    return before, sorted(user.name for user in wanted.values())


def _names(session: Session, user_ids: Iterable[int]) -> list[str]:
    ids = list(user_ids)
    if not ids:
        return []
    return sorted(session.exec(select(User.name).where(col(User.id).in_(ids))))


def _locked(session: Session, comment_id: int) -> ClaimComment:
    """The comment, its row locked until the transaction ends (PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers), so the version compared is the one
    overwritten."""
    comment = session.exec(
        select(ClaimComment)
        .where(ClaimComment.id == comment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if comment is None:
        raise NotFound(f"There is no comment #{comment_id}.")
    if comment.deleted_at is not None:
        raise WorkflowError("This comment was deleted in the meantime.")
    return comment


def _check_version(comment: ClaimComment, expected_version: int, attempted: str) -> None:
    if comment.version != expected_version:
        raise StaleEdit(
            "Someone changed this comment after you opened it. Your text is kept: reload "
            "the thread to see the stored one, then try again.",
            current={"body": comment.body},
            attempted={"body": attempted},
        )


def add_comment(session: Session, actor: User, claim_id: int, body: str) -> ClaimComment:
    """Add ``body`` to the claim's thread, with a mention row for each person it names."""
    require(actor, REVIEW_DESK, "comment on claims")
    text = clean_body(body)
    get_claim(session, claim_id)
    comment = ClaimComment(claim_id=claim_id, author_id=stored_id(actor), body=text)
    session.add(comment)
    session.flush()
    _before, mentioned = _sync_mentions(session, comment)
    changes: dict[str, list[object]] = {"body": [None, text]}
    if mentioned:
        changes["mentions"] = [None, mentioned]
    audit.record(
        session,
        actor,
        entity="comment",
        entity_id=stored_id(comment),
        action="create",
        claim_id=claim_id,
        changes=changes,
    )
    return comment


def edit_comment(
    session: Session, actor: User, comment_id: int, body: str, expected_version: int
) -> ClaimComment:
    """Replace the author's own comment; mentions follow the new text (see
    :func:`_sync_mentions`)."""
    require(actor, REVIEW_DESK, "edit comments")
    comment = _locked(session, comment_id)
    if comment.author_id != actor.id:
        raise PermissionDenied("Only the person who wrote a comment can edit it.")
    text = clean_body(body)
    _check_version(comment, expected_version, text)
    if text == comment.body:
        return comment
    old = comment.body
    comment.body, comment.edited_at = text, utcnow()
    comment.version += 1
    session.add(comment)
    session.flush()
    before, after = _sync_mentions(session, comment)
    changes: dict[str, list[object]] = {"body": [old, text]}
    if before != after:
        changes["mentions"] = [before, after]
    audit.record(
        session,
        actor,
        entity="comment",
        entity_id=stored_id(comment),
        action="update",
        claim_id=comment.claim_id,
        changes=changes,
    )
    return comment


def delete_comment(
    session: Session, actor: User, comment_id: int, expected_version: int
) -> ClaimComment:
    """Hide a comment from the thread (its author, or any editor); its mentions leave
    the mentioned people's My work, as there is nothing left for them to read."""
    require(actor, REVIEW_DESK, "delete comments")
    comment = _locked(session, comment_id)
    if comment.author_id != actor.id and actor.role not in EDITORS:
        raise PermissionDenied("Only the person who wrote a comment, or an editor, can delete it.")
    _check_version(comment, expected_version, comment.body)
    comment.deleted_at = utcnow()
    comment.version += 1
    session.add(comment)
    session.exec(delete(CommentMention).where(col(CommentMention.comment_id) == comment.id))
    session.flush()
    audit.record(
        session,
        actor,
        entity="comment",
        entity_id=stored_id(comment),
        action="delete",
        claim_id=comment.claim_id,
        changes={"deleted_at": [None, comment.deleted_at]},
    )
    return comment


def mark_mentions_seen(session: Session, actor: User, comment_ids: Sequence[int]) -> int:
    """Mark the actor's unseen mentions in ``comment_ids`` as seen; returns how many.

    Audited without the claim: a read receipt changes nothing in the discussion, and on
    the claim it would show as the claim's last change each time someone read a thread.
    """
    require(actor, REVIEW_DESK, "mark mentions as seen")
    mine = (
        col(CommentMention.user_id) == actor.id,
        col(CommentMention.comment_id).in_(list(comment_ids)),
        col(CommentMention.seen_at).is_(None),
    )
    unseen = list(session.exec(select(CommentMention.comment_id).where(*mine)))
    if not unseen:
        return 0
    now = utcnow()
    session.exec(update(CommentMention).where(*mine).values(seen_at=now))
    for comment_id in unseen:
        audit.record(
            session,
            actor,
            entity="comment",
            entity_id=comment_id,
            action="seen",
            changes={"seen_at": [None, now]},
        )
    return len(unseen)


@dataclass(frozen=True)
class CommentView:
    """One comment as the thread shows it; ``body`` is empty once it was deleted."""

    id: int
    author_id: int
    author: str  # display name, or the account name
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    version: int
    mentioned: tuple[str, ...]  # account names, for highlighting
    new_for_reader: bool  # mentions the reader, who had not seen it


@dataclass(frozen=True)
class Thread:
    """A claim's discussion as one person reads it."""

    reader: Person
    claim_id: int
    comments: tuple[CommentView, ...]

    @property
    def unseen(self) -> tuple[int, ...]:
        """The comments that mention the reader and were not seen yet."""
        return tuple(c.id for c in self.comments if c.new_for_reader)

    def may_edit(self, comment: CommentView) -> bool:
        return not comment.deleted and comment.author_id == self.reader.id

    def may_delete(self, comment: CommentView) -> bool:
        return not comment.deleted and (
            comment.author_id == self.reader.id or self.reader.role in EDITORS
        )


def thread(session: Session, claim_id: int, reader: User) -> Thread:
    """The claim's comments, oldest first, in two queries (comments with authors, then
    every mention of them); raises NotFound for an unknown claim."""
    get_claim(session, claim_id)
    rows = list(
        session.exec(
            select(ClaimComment, User.display_name, User.name)
            .join(User, col(User.id) == ClaimComment.author_id)
            .where(ClaimComment.claim_id == claim_id)
            .order_by(col(ClaimComment.created_at), col(ClaimComment.id))
        )
    )
    mentions: dict[int, list[tuple[str, int, datetime | None]]] = {}
    if rows:
        for comment_id, name, user_id, seen_at in session.exec(
            select(
                CommentMention.comment_id, User.name, CommentMention.user_id, CommentMention.seen_at
            )
            .join(User, col(User.id) == CommentMention.user_id)
            .where(col(CommentMention.comment_id).in_([c.id for c, _d, _n in rows]))
        ):
            mentions.setdefault(comment_id, []).append((name, user_id, seen_at))
    views = []
    for comment, display_name, name in rows:
        named = mentions.get(stored_id(comment), [])
        deleted = comment.deleted_at is not None
        views.append(
            CommentView(
                stored_id(comment),
                comment.author_id,
                display_name or name,
                "" if deleted else comment.body,
                comment.created_at,
                comment.edited_at,
                deleted,
                comment.version,
                tuple(sorted(n for n, _u, _s in named)),
                any(u == reader.id and s is None for _n, u, s in named),
            )
        )
    return Thread(person(reader), claim_id, tuple(views))


def load_thread(credentials: Credentials, claim_id: int) -> Thread:
    """The loader of the comments panel: :func:`thread` as the person behind
    ``credentials``, in one read session."""
    with db.read_session() as session:
        return thread(session, claim_id, acting_user(session, credentials))
