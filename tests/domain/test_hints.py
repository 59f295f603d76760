"""First-run hints: closed per person, for good, audited once, refused when unknown or
when the account is switched off."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from workbench import auth, db, hints, users
from workbench.errors import InvalidInput, PermissionDenied
from workbench.identity import Credentials
from workbench.models import AuditEvent, User


def _dismiss(engine: Engine, user: User, hint: str = hints.ANNOTATE_FIRST_CLAIM) -> None:
    with db.write_session(engine) as session:
        hints.dismiss_hint(session, session.get(User, user.id), hint)


def _closed_by(engine: Engine, user: User) -> frozenset[str]:
    with db.read_session(engine) as session:
        return hints.dismissed_hints(session, session.get(User, user.id))


def _hint_events(engine: Engine) -> list[AuditEvent]:
    with db.read_session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(AuditEvent.action == "dismiss_hint")
                .order_by(AuditEvent.id)
            )
        )


def test_a_closed_hint_stays_closed_for_that_person_only(engine, reviewer, editor):
    _dismiss(engine, reviewer)
    assert _closed_by(engine, reviewer) == {hints.ANNOTATE_FIRST_CLAIM}
    assert _closed_by(engine, editor) == frozenset()
    [event] = _hint_events(engine)
    assert (event.actor_id, event.entity, event.entity_id) == (reviewer.id, "user", reviewer.id)
    assert event.changes == {"hint": [None, hints.ANNOTATE_FIRST_CLAIM]}


def test_closing_it_again_changes_nothing(engine, reviewer):
    _dismiss(engine, reviewer)
    _dismiss(engine, reviewer)
    assert _closed_by(engine, reviewer) == {hints.ANNOTATE_FIRST_CLAIM}
    assert len(_hint_events(engine)) == 1


def test_an_unknown_hint_is_refused(engine, reviewer):
    with pytest.raises(InvalidInput, match="no hint called"):
        _dismiss(engine, reviewer, "annotate_nonexistent")
    assert _closed_by(engine, reviewer) == frozenset()
    assert _hint_events(engine) == []


def test_a_switched_off_account_cannot_close_a_hint(engine, reviewer):
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), reviewer.id, False)
    with pytest.raises(PermissionDenied):
        _dismiss(engine, reviewer)
    assert _closed_by(engine, reviewer) == frozenset()


def test_the_loader_reads_the_signed_in_persons_hints(engine, reviewer, editor):
    _dismiss(engine, reviewer)
    with db.write_session(engine) as session:
        token = auth.create_session(session, session.get(User, editor.id))
    assert hints.load_hints(Credentials(token=token)).shows(hints.ANNOTATE_FIRST_CLAIM)
    with db.write_session(engine) as session:
        token = auth.create_session(session, session.get(User, reviewer.id))
    assert not hints.load_hints(Credentials(token=token)).shows(hints.ANNOTATE_FIRST_CLAIM)


def test_single_user_mode_remembers_the_local_users_choice(engine):
    """No accounts: nobody signs in and the built-in local account closes the hint."""
    with db.write_session(engine) as session:
        local = users.builtin_user(session, users.LOCAL_USER)
    assert hints.load_hints(Credentials()).shows(hints.ANNOTATE_FIRST_CLAIM)
    _dismiss(engine, local)
    assert not hints.load_hints(Credentials()).shows(hints.ANNOTATE_FIRST_CLAIM)
