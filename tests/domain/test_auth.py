"""Sign-in sessions: one message for every failure, slowed guessing kept in the database
(shared by restarts and replicas), hash upgrades, revocation at the next request, signed
cookies."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import select

from tests.conftest import make_user
from workbench import auth, db, throttle, users
from workbench.errors import AuthenticationFailed, PermissionDenied
from workbench.models import AuditEvent, Role, SignInThrottle, User, UserSession, utcnow
from workbench.settings import PROJECT_ROOT, get_settings

PASSWORD = "correct horse 1"  # what tests.conftest.make_user sets
LOCK = throttle.POLICIES[throttle.ACCOUNT].lock_after
FREE = throttle.POLICIES[throttle.ACCOUNT].free_attempts
ADDRESS_LOCK = throttle.POLICIES[throttle.ADDRESS].lock_after


class FakeClock:
    """The throttle's clock, moved by hand; starts at the real time (other processes agree)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


def sign_in(engine, name, password=PASSWORD, address=None):
    return auth.sign_in(name, password, address=address, engine=engine)


def user_for(engine, token):
    with db.write_session(engine) as session:
        return auth.user_for_token(session, token)


def failure(engine, name, password="wrong password!", address=None):
    with pytest.raises(auth.SignInFailed) as caught:
        sign_in(engine, name, password, address)
    return caught.value


def fail_many(engine, keys, times):
    """Record failures without the argon2 work (as a burst from elsewhere would)."""
    for _ in range(times):
        throttle.record_failure(engine, keys)


def timed(function, *args) -> float:
    """Seconds one call takes (the minimum of several is robust on a busy machine)."""
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def failures_stored(engine, scope, key):
    with db.read_session(engine) as session:
        row = session.exec(
            select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
        ).first()
    return row.failures if row else 0


def second_replica(url):
    """Another server's engine on the same database (not the cached one)."""
    return db.get_engine.__wrapped__(url)


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
    messages = {
        str(failure(engine, "rita")),  # wrong password
        str(failure(engine, "nobody-here")),  # unknown user
        str(failure(engine, "olga", PASSWORD)),  # switched off
        str(failure(engine, "local", "")),  # built-in, no password
        str(failure(engine, "", "")),
        str(failure(engine, "bad\x00name")),
    }  # PostgreSQL refuses NUL: no DataError
    fail_many(engine, [throttle.account_key("rita")], LOCK)
    messages.add(str(failure(engine, "rita", PASSWORD)))  # locked
    assert messages == {auth.SIGN_IN_FAILED}
    assert isinstance(failure(engine, "rita"), AuthenticationFailed)


def test_unknown_and_known_names_cost_the_same_hash(engine, reviewer, monkeypatch):
    calls = []
    real = users.verify_and_update_password
    monkeypatch.setattr(
        users,
        "verify_and_update_password",
        lambda password, stored: calls.append(stored) or real(password, stored),
    )
    failure(engine, "rita")
    failure(engine, "nobody-here")
    assert len(calls) == 2 and calls[1] is None  # None: the dummy hash is verified
    unknown = min(timed(failure, engine, f"nobody-{n}") for n in range(3))
    known = min(timed(failure, engine, "rita") for _ in range(3))
    assert unknown > known / 3  # the dummy hash is real argon2 work, not a shortcut


def test_delay_grows_with_failures_then_refuses_until_it_passes(engine, reviewer, clock):
    delays = [failure(engine, "rita").delay for _ in range(FREE)]
    assert delays[:-1] == [0.0] * (FREE - 1) and delays[-1] == 1.0
    # Inside the cool-down even the right password is refused, with the same message,
    # and the refusal is not counted.
    refused = failure(engine, "rita", PASSWORD)
    assert str(refused) == auth.SIGN_IN_FAILED and refused.delay == pytest.approx(1.0)
    assert failures_stored(engine, *throttle.account_key("rita")) == FREE
    clock.advance(1.1)
    assert failure(engine, "rita").delay == 2.0
    clock.advance(2.1)
    assert failure(engine, "rita").delay == 4.0
    clock.advance(4.1)
    token, _ = sign_in(engine, "rita")  # right password after the wait: in, and reset
    assert token and failures_stored(engine, *throttle.account_key("rita")) == 0


def test_lock_after_ten_failures_for_fifteen_minutes(engine, reviewer, clock):
    fail_many(engine, [throttle.account_key("rita")], LOCK - 1)
    clock.advance(61)  # past the longest delay
    locked = failure(engine, "rita")
    assert locked.delay == throttle.WINDOW.total_seconds()
    clock.advance(14 * 60)
    assert failure(engine, "rita", PASSWORD).delay == pytest.approx(60)  # still locked
    clock.advance(61)
    assert sign_in(engine, "rita")[1].id == reviewer.id


def test_failures_are_forgotten_after_the_window(engine, clock):
    fail_many(engine, [throttle.account_key("mallory")], 5)
    clock.advance(throttle.WINDOW.total_seconds() + 1)
    with db.read_session(engine) as session:
        assert throttle.seconds_to_wait(session, [throttle.account_key("mallory")]) == 0.0
    assert failure(engine, "mallory").delay == 0.0  # counting starts again at 1
    assert failures_stored(engine, *throttle.account_key("mallory")) == 1


def test_stale_rows_of_sprayed_names_are_deleted(engine, clock):
    for n in range(5):
        fail_many(engine, [throttle.account_key(f"spray-{n}")], 1)
    clock.advance(throttle.WINDOW.total_seconds() + 1)
    fail_many(engine, [throttle.account_key("latest")], 1)
    with db.read_session(engine) as session:
        assert session.exec(select(SignInThrottle.key)).all() == ["latest"]


def test_unknown_names_are_throttled_like_real_ones(engine, clock):
    for _ in range(FREE):
        failure(engine, "ghost")
    with db.read_session(engine) as session:
        assert throttle.seconds_to_wait(session, [throttle.account_key("Ghost ")]) > 0


def test_ipv4_through_a_dual_stack_socket_is_the_same_address():
    assert throttle.keys_for("a", "::ffff:192.0.2.1")[1] == (throttle.ADDRESS, "192.0.2.1")
    assert throttle.keys_for("a", "2001:DB8::1")[1] == (throttle.ADDRESS, "2001:db8::1")
    assert throttle.keys_for("a", "not-an-ip")[1] == (throttle.ADDRESS, "not-an-ip")


def test_name_case_and_spaces_share_one_count(engine, reviewer):
    for name in ("rita", "RITA", " Rita "):
        failure(engine, name)
    assert failures_stored(engine, *throttle.account_key("rita")) == 3


def test_address_is_throttled_across_names_and_success_does_not_clear_it(engine, reviewer, clock):
    address = "203.0.113.7"
    failure(engine, "rita", address=address)
    sign_in(engine, "rita", address=address)  # clears the account, not the address
    assert failures_stored(engine, *throttle.account_key("rita")) == 0
    assert failures_stored(engine, throttle.ADDRESS, address) == 1
    sprayed = ADDRESS_LOCK - 1
    for n in range(sprayed):
        fail_many(engine, [throttle.account_key(f"name-{n}"), (throttle.ADDRESS, address)], 1)
    assert failures_stored(engine, throttle.ADDRESS, address) == sprayed + 1
    clock.advance(61)
    assert failure(engine, "rita", PASSWORD, address=address).delay > 13 * 60  # locked
    assert sign_in(engine, "rita", address="198.51.100.2")[1].id == reviewer.id


def test_lock_survives_a_restart(database_url, engine, reviewer):
    """A new process (nothing in memory) still refuses the right password."""
    fail_many(engine, [throttle.account_key("rita")], LOCK)
    code = (
        "import sys; from workbench import auth\n"
        "try:\n    auth.sign_in('rita', sys.argv[1])\nexcept auth.SignInFailed as e:\n"
        "    print('refused', round(e.delay))\nelse:\n    print('signed in')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, PASSWORD],
        cwd=PROJECT_ROOT,
        env={**os.environ, "WORKBENCH_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    verb, *seconds = result.stdout.split()
    assert verb == "refused" and int(seconds[0]) > 14 * 60


def test_two_replicas_share_the_count(database_url, engine, reviewer, clock):
    other = second_replica(database_url)
    try:
        for n in range(LOCK):
            failure(engine if n % 2 else other, "rita")
            clock.advance(61)
        clock.advance(-61)  # right after the 10th failure
        assert failures_stored(engine, *throttle.account_key("rita")) == LOCK
        assert failure(other, "rita", PASSWORD).delay > 14 * 60
        assert failure(engine, "rita", PASSWORD).delay > 14 * 60
    finally:
        other.dispose()


def test_concurrent_failures_on_two_replicas_all_count(database_url, engine):
    other = second_replica(database_url)
    keys = [throttle.account_key("target"), (throttle.ADDRESS, "192.0.2.1")]
    per_thread, threads = (
        10,
        [
            threading.Thread(target=fail_many, args=(replica, keys, 10))
            for replica in (engine, other, engine, other)
        ],
    )
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.dispose()
    assert failures_stored(engine, *keys[0]) == per_thread * len(threads)
    assert failures_stored(engine, *keys[1]) == per_thread * len(threads)


def test_admin_unlocks_a_name_and_an_address_with_an_audit_event(engine, reviewer, editor):
    fail_many(engine, [throttle.account_key("rita")], LOCK)
    fail_many(engine, [(throttle.ADDRESS, "192.0.2.9")], ADDRESS_LOCK)
    with pytest.raises(PermissionDenied), db.write_session(engine) as session:
        throttle.unlock(session, session.get(User, editor.id), name="rita")
    with db.write_session(engine) as session:
        cleared = throttle.unlock(session, users.builtin_user(session, users.CLI_USER), name="Rita")
        assert [(row.scope, row.failures) for row in cleared] == [(throttle.ACCOUNT, LOCK)]
    assert failure(engine, "rita", PASSWORD, address="192.0.2.9").delay > 14 * 60
    assert sign_in(engine, "rita", address="192.0.2.10")[1].id == reviewer.id
    with db.write_session(engine) as session:
        admin = users.builtin_user(session, users.CLI_USER)
        assert len(throttle.unlock(session, admin, address="192.0.2.9")) == 1
        assert throttle.unlock(session, admin, address="192.0.2.9") == []
    assert sign_in(engine, "rita", address="192.0.2.9")[1].id == reviewer.id
    with db.read_session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "unlock")).all()
    assert [(e.actor_name, e.changes["key"], e.changes["failures"]) for e in events] == [
        ("cli", "rita", [LOCK, 0]),
        ("cli", "192.0.2.9", [ADDRESS_LOCK, 0]),
    ]


# --- hash upgrades ----------------------------------------------------------------------------


def weak_hash(password):
    return Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(password)


def test_old_hash_is_upgraded_on_sign_in_with_an_audit_event(engine, reviewer):
    old = weak_hash(PASSWORD)
    with db.write_session(engine) as session:
        user = session.get(User, reviewer.id)
        user.password_hash = old
        session.add(user)
    failure(engine, "rita")  # a wrong password changes nothing
    with db.read_session(engine) as session:
        assert session.get(User, reviewer.id).password_hash == old
    sign_in(engine, "rita")
    with db.read_session(engine) as session:
        upgraded = session.get(User, reviewer.id).password_hash
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "rehash")).all()
    assert upgraded != old and "m=8192" in old and "m=8192" not in upgraded
    assert users.verify_and_update_password(PASSWORD, upgraded) == (True, None)
    assert [(e.actor_id, e.entity_id) for e in events] == [(reviewer.id, reviewer.id)]
    assert PASSWORD not in str(events[0].changes) and upgraded not in str(events[0].changes)
    sign_in(engine, "rita")  # current parameters: no second upgrade
    with db.read_session(engine) as session:
        assert session.get(User, reviewer.id).password_hash == upgraded


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


def test_external_sign_in_cleans_what_the_identity_provider_sends(engine):
    """Control characters from the provider never reach the database (PostgreSQL refuses
    NUL with a raw DataError) and the display name stays one short line."""
    name = "Eve\x00 \u202eEvil\r\n" + "x" * 300
    with db.write_session(engine) as session:
        user = auth.external_sign_in(session, "https://idp|e\x00ve", "eve\x07@example.org", name)
    with db.write_session(engine) as session:
        again = auth.external_sign_in(session, "https://idp|eve", "eve@example.org", "Eve")
    assert again.id == user.id and user.external_subject == "https://idp|eve"
    assert user.name == "eve@example.org" and len(user.display_name) <= 120
    assert user.display_name.startswith("Eve \u202eEvil x") and "\x00" not in user.display_name


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
