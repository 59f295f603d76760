"""Sign-in sessions: passwords in, an opaque token out, revocable on the server.

The browser holds ``wb_session`` = ``cookie_value(token)``: the random token signed
with ``settings.secret_key`` (itsdangerous), so a tampered or forged cookie is
dropped before the database is asked. The database keeps only the token's SHA-256
digest (``UserSession.id``); every request looks the digest up, so sign-out, a
password change and deactivation end a session at the browser's next request.

Brute force is slowed by :data:`throttle`, an in-process counter of recent failures
per attempted name (known or not, so it reveals nothing). After
``FREE_ATTEMPTS`` failures each further failure doubles a cool-down (capped at
``MAX_DELAY_S``); during the cool-down attempts are refused without looking at
the password, and the web route also waits that long before answering. It lives
in memory: a restart or a second server process starts from zero, which is
acceptable for a newsroom desk behind one process; a multi-instance deployment
should add rate limiting at the reverse proxy.

No Streamlit import here: the web routes, the pages and the tests share it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update
from sqlmodel import Session, select

from workbench import audit, users
from workbench.errors import AuthenticationFailed
from workbench.models import Role, User, UserSession, utcnow
from workbench.settings import get_settings

COOKIE_NAME = "wb_session"
COOKIE_SALT = "workbench-session"
SIGN_IN_FAILED = ("Wrong user name or password. After several wrong tries the desk makes "
                  "you wait a little before the next one.")
TOUCH_INTERVAL = timedelta(minutes=1)
FAILURE_WINDOW_S = 15 * 60
FREE_ATTEMPTS = 3
MAX_DELAY_S = 60.0


class SignInFailed(AuthenticationFailed):
    """Always the same message; ``delay`` is how long the caller should wait before answering."""

    def __init__(self, delay: float) -> None:
        super().__init__(SIGN_IN_FAILED)
        self.delay = delay


class FailureThrottle:
    """Recent failed sign-ins per attempted name, in this process (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW_S]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def delay(self, key: str) -> float:
        """Seconds of cool-down earned by the recent failures for ``key``."""
        with self._lock:
            count = len(self._recent(key, self.clock()))
        if count < FREE_ATTEMPTS:
            return 0.0
        return min(2.0 ** (count - FREE_ATTEMPTS), MAX_DELAY_S)

    def remaining(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        delay = self.delay(key)
        with self._lock:
            now = self.clock()
            recent = self._recent(key, now)
        return max(0.0, recent[-1] + delay - now) if recent and delay else 0.0

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._failures) > 10_000:  # many names sprayed: forget the stale ones
                for stale in [k for k, v in self._failures.items() if now - v[-1] > 60]:
                    del self._failures[stale]
            self._failures.setdefault(key, []).append(now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


throttle = FailureThrottle()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored value is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_session(session: Session, user: User) -> str:
    """Open a session for ``user`` and return its token (the only copy; store it in a cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(UserSession(id=_digest(token), user_id=user.id, created_at=now,
                            last_seen_at=now,
                            expires_at=now + timedelta(hours=get_settings().session_hours)))
    session.flush()
    return token


def sign_in(session: Session, name: str, password: str) -> tuple[str, User]:
    """Check a password and open a session; returns ``(token, user)``.

    Raises :class:`SignInFailed` with one message for an unknown name, a wrong
    password, a switched-off account, a built-in account and a name in cool-down;
    each costs one argon2 verification, so timing does not tell them apart.
    """
    key = name.strip().casefold()
    user = users.find_user(session, name.strip()) if key else None
    usable = bool(user is not None and user.active and user.password_hash)
    correct = users.verify_password(password, user.password_hash if usable else None)
    cooling_down = throttle.remaining(key) > 0
    if not (usable and correct) or cooling_down:
        if not cooling_down:
            throttle.record_failure(key)
        raise SignInFailed(throttle.delay(key))
    assert user is not None
    throttle.reset(key)
    token = create_session(session, user)
    audit.record(session, user, entity="user", entity_id=user.id, action="sign_in",
                 changes={"method": "password"})
    return token, user


def active_session(session: Session, token: str) -> UserSession | None:
    """The unexpired, unrevoked session row for ``token``, or None."""
    return session.exec(select(UserSession).where(
        UserSession.id == _digest(token), UserSession.revoked_at.is_(None),  # type: ignore[union-attr]
        UserSession.expires_at > utcnow())).first()


def touch_due(record: UserSession) -> bool:
    """True when ``last_seen_at`` is older than a minute (we write it at most that often)."""
    return _aware(record.last_seen_at) < utcnow() - TOUCH_INTERVAL


def user_for_token(session: Session, token: str, *, touch: bool = True) -> User | None:
    """The active user behind ``token``; None if it is unknown, expired, revoked or
    the account is switched off. With ``touch`` the session's ``last_seen_at`` is
    updated (at most once a minute) in the caller's transaction."""
    record = active_session(session, token)
    if record is None:
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        return None
    if touch and touch_due(record):
        record.last_seen_at = utcnow()
        session.add(record)
    return user


def sign_out(session: Session, token: str) -> None:
    """Revoke the session behind ``token`` (a no-op for an unknown token)."""
    session.execute(update(UserSession)
                    .where(UserSession.id == _digest(token),  # type: ignore[arg-type]
                           UserSession.revoked_at.is_(None))  # type: ignore[union-attr]
                    .values(revoked_at=utcnow()))


def revoke_sessions(session: Session, user_id: int) -> None:
    """End every session of a user: after a password change or deactivation."""
    session.execute(update(UserSession)
                    .where(UserSession.user_id == user_id,  # type: ignore[arg-type]
                           UserSession.revoked_at.is_(None))  # type: ignore[union-attr]
                    .values(revoked_at=utcnow()))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=COOKIE_SALT)


def cookie_value(token: str) -> str:
    """The signed value to put in the ``wb_session`` cookie."""
    return _serializer().dumps(token)


def token_from_cookie(value: str | None) -> str | None:
    """The token inside a cookie value; None if missing, tampered with or too old."""
    if not value:
        return None
    try:
        token = _serializer().loads(value, max_age=get_settings().session_hours * 3600)
    except BadSignature:  # includes SignatureExpired
        return None
    return token if isinstance(token, str) else None


def has_accounts(session: Session) -> bool:
    """True once any real account exists: from then on the desk requires sign-in."""
    builtin = (users.CLI_USER, users.LOCAL_USER)
    return session.exec(select(User.id).where(User.name.not_in(builtin)).limit(1)  # type: ignore[attr-defined]
                        ).first() is not None


def _account_name(session: Session, email: str, name: str, subject: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._@-]+", "-", email or name or "user").strip("-._@")[:70]
    base = base if len(base) >= 2 else f"user-{base}"
    candidate, n = base, 1
    while candidate in (users.CLI_USER, users.LOCAL_USER) or users.find_user(session, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def external_sign_in(session: Session, subject: str, email: str = "", name: str = "") -> User:
    """The User for an OpenID Connect identity (``subject`` = issuer-qualified ``sub``).

    The first sign-in creates a *reviewer* account (the lowest role; an admin raises
    it on the Users page): who may sign in at all is decided by the identity
    provider. A switched-off account is refused with AuthenticationFailed.
    """
    user = session.exec(select(User).where(User.external_subject == subject)).first()
    if user is None:
        user = User(name=_account_name(session, email, name, subject),
                    display_name=(name or email or "New reviewer")[:120],
                    role=Role.reviewer, password_hash=None, external_subject=subject)
        session.add(user)
        session.flush()
        audit.record(session, user, entity="user", entity_id=user.id, action="create",
                     changes={"name": [None, user.name], "role": [None, user.role],
                              "via": "single sign-on"})
    if not user.active:
        raise AuthenticationFailed("This account is switched off. Ask an admin to restore it.")
    return user
