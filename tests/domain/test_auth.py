"""Sign-in sessions: one message for every failure, slowed guessing, revocation at the
next request, signed cookies."""

import time
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import make_user
from workbench import auth, db, users
from workbench.errors import AuthenticationFailed
from workbench.models import AuditEvent, Role, User, UserSession, utcnow
from workbench.settings import get_settings

PASSWORD = "correct horse 1"  # what tests.conftest.make_user sets


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """A fresh throttle with a clock the test moves by hand."""
    fake = FakeClock()
    monkeypatch.setattr(auth, "throttle", auth.FailureThrottle(clock=fake))
    return fake


def sign_in(engine, name, password=PASSWORD):
    with db.write_session(engine) as session:
        token, user = auth.sign_in(session, name, password)
    return token, user


def user_for(engine, token):
    with db.write_session(engine) as session:
        return auth.user_for_token(session, token)


def failure(engine, name, password="wrong password!"):
    with pytest.raises(auth.SignInFailed) as caught:
        sign_in(engine, name, password)
    return caught.value


def test_sign_in_returns_token_and_stores_only_its_hash(engine, reviewer):
    token, user = sign_in(engine, "rita")
    assert user.id == reviewer.id and len(token) >= 40
    with db.read_session(engine) as session:
        rows = session.exec(select(UserSession)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()
    assert len(rows) == 1 and rows[0].id != token and len(rows[0].id) == 64
    assert token not in rows[0].id
    assert [e.actor_id for e in events] == [reviewer.id]
    assert user_for(engine, token).id == reviewer.id


def test_every_failure_has_the_same_message(engine, reviewer):
    olga = make_user(engine, "olga", Role.editor)
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), olga.id, False)
    messages = {str(failure(engine, "rita")),            # wrong password
                str(failure(engine, "nobody-here")),     # unknown user
                str(failure(engine, "olga", PASSWORD)),  # switched off
                str(failure(engine, "local", "")),       # built-in, no password
                str(failure(engine, "", ""))}
    assert messages == {auth.SIGN_IN_FAILED}
    assert isinstance(failure(engine, "rita"), AuthenticationFailed)


def test_unknown_and_known_names_cost_the_same_hash(engine, reviewer, monkeypatch):
    calls = []
    real = users.verify_password
    monkeypatch.setattr(users, "verify_password",
                        lambda password, stored: calls.append(stored) or real(password, stored))
    failure(engine, "rita")
    failure(engine, "nobody-here")
    assert len(calls) == 2 and calls[1] is None  # None: verify_password hashes its dummy
    started = time.perf_counter()
    failure(engine, "nobody-2")
    unknown = time.perf_counter() - started
    started = time.perf_counter()
    failure(engine, "rita")
    known = time.perf_counter() - started
    assert unknown > known / 3  # the dummy hash is real argon2 work, not a shortcut


def test_delay_grows_with_failures_then_refuses_until_it_passes(engine, reviewer, clock):
    delays = [failure(engine, "rita").delay for _ in range(auth.FREE_ATTEMPTS)]
    assert delays[:-1] == [0.0] * (auth.FREE_ATTEMPTS - 1) and delays[-1] == 1.0
    # Inside the cool-down even the right password is refused, with the same message.
    refused = failure(engine, "rita", PASSWORD)
    assert str(refused) == auth.SIGN_IN_FAILED
    clock.now += 1.1
    assert failure(engine, "rita").delay == 2.0
    clock.now += 2.1
    assert failure(engine, "rita").delay == 4.0
    clock.now += 4.1
    token, _ = sign_in(engine, "rita")  # right password after the wait: in, and reset
    assert token and auth.throttle.delay("rita") == 0.0


def test_delay_is_capped_and_forgotten_after_the_window(engine, clock):
    for _ in range(20):
        auth.throttle.record_failure("mallory")
    assert auth.throttle.delay("mallory") == auth.MAX_DELAY_S
    clock.now += auth.FAILURE_WINDOW_S + 1
    assert auth.throttle.delay("mallory") == 0.0 and auth.throttle.remaining("mallory") == 0.0


def test_unknown_names_are_throttled_like_real_ones(engine, clock):
    for _ in range(auth.FREE_ATTEMPTS):
        failure(engine, "ghost")
    assert auth.throttle.remaining("ghost") > 0


def test_signed_out_session_stops_working_at_the_next_request(engine, reviewer):
    token, _ = sign_in(engine, "rita")
    other, _ = sign_in(engine, "rita")
    with db.write_session(engine) as session:
        auth.sign_out(session, token)
    assert user_for(engine, token) is None
    assert user_for(engine, other).id == reviewer.id  # another browser stays signed in


def test_password_change_revokes_every_session(engine, reviewer):
    token, _ = sign_in(engine, "rita")
    with db.write_session(engine) as session:
        user = session.get(User, reviewer.id)
        users.set_password(session, user, user.id, "a brand new passphrase")
    assert user_for(engine, token) is None
    assert sign_in(engine, "rita", "a brand new passphrase")[1].id == reviewer.id


def test_deactivation_revokes_and_reactivation_does_not_revive(engine, reviewer):
    token, _ = sign_in(engine, "rita")
    with db.write_session(engine) as session:
        admin = users.builtin_user(session, users.CLI_USER)
        users.set_active(session, admin, reviewer.id, False)
    assert user_for(engine, token) is None
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), reviewer.id, True)
    assert user_for(engine, token) is None


def test_expired_session_is_rejected(engine, reviewer):
    token, _ = sign_in(engine, "rita")
    with db.write_session(engine) as session:
        row = session.exec(select(UserSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    assert user_for(engine, token) is None


def test_last_seen_is_written_at_most_once_a_minute(engine, reviewer):
    token, _ = sign_in(engine, "rita")
    with db.write_session(engine) as session:
        row = session.exec(select(UserSession)).one()
        assert not auth.touch_due(row)
        row.last_seen_at = utcnow() - timedelta(minutes=5)
        session.add(row)
    user_for(engine, token)
    with db.read_session(engine) as session:
        row = session.exec(select(UserSession)).one()
        assert not auth.touch_due(row)


def test_cookie_round_trip_and_tampering(engine, monkeypatch):
    value = auth.cookie_value("some-token")
    assert auth.token_from_cookie(value) == "some-token"
    assert value != "some-token"
    tampered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert auth.token_from_cookie(tampered) is None
    assert auth.token_from_cookie("some-token") is None
    assert auth.token_from_cookie("") is None and auth.token_from_cookie(None) is None
    monkeypatch.setenv("WORKBENCH_SECRET_KEY", "another secret key entirely")
    get_settings.cache_clear()
    try:
        assert auth.token_from_cookie(value) is None  # signed with another key
    finally:
        get_settings.cache_clear()


def test_old_cookie_is_rejected_by_age(engine, monkeypatch):
    value = auth.cookie_value("some-token")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 13 * 3600)
    assert auth.token_from_cookie(value) is None


def test_has_accounts_ignores_builtin_users(engine):
    with db.write_session(engine) as session:
        users.builtin_user(session, users.LOCAL_USER)
        users.builtin_user(session, users.CLI_USER)
        assert not auth.has_accounts(session)
    make_user(engine, "rita", Role.reviewer)
    with db.read_session(engine) as session:
        assert auth.has_accounts(session)


def test_external_sign_in_creates_a_reviewer_once(engine):
    with db.write_session(engine) as session:
        first = auth.external_sign_in(session, "https://idp|abc", "ana@example.org", "Ana")
    with db.write_session(engine) as session:
        again = auth.external_sign_in(session, "https://idp|abc", "ana@new.example", "Ana B")
    assert first.id == again.id and first.role == Role.reviewer
    assert first.name == "ana@example.org" and first.password_hash is None


def test_external_sign_in_keeps_names_unique_and_refuses_switched_off(engine):
    make_user(engine, "ana@example.org", Role.editor)
    with db.write_session(engine) as session:
        user = auth.external_sign_in(session, "https://idp|xyz", "ana@example.org", "")
    assert user.name == "ana@example.org-2"
    with db.write_session(engine) as session:
        users.set_active(session, users.builtin_user(session, users.CLI_USER), user.id, False)
    with pytest.raises(AuthenticationFailed), db.write_session(engine) as session:
        auth.external_sign_in(session, "https://idp|xyz", "ana@example.org", "")
    # A password sign-in cannot reach a single sign-on account (it has no password).
    failure(engine, "ana@example.org-2", "")
