"""Sign-in sessions: passwords in, an opaque token out, revocable on the server.

The browser holds ``wb_session`` = ``cookie_value(token)``: the random token signed
with ``settings.secret_key`` (itsdangerous), so a tampered or forged cookie is
dropped before the database is asked. The database keeps only the token's SHA-256
digest (``UserSession.id``); every request looks the digest up, so sign-out, a
password change and deactivation end a session at the browser's next request.

Guessing is slowed by :mod:`workbench.throttle`: failed sign-ins are counted in the
database per attempted name and per client address, so restarts and replicas share
the count; after a few failures each try must wait longer, after 10 the name is locked
for 15 minutes (``workbench user unlock`` ends it). Every refusal has one message and
costs one argon2 verification (a dummy hash for unknown names), so neither the text nor
the timing tells an unknown name from a wrong password or a locked one.

A correct password stored with older hash parameters is re-hashed with today's on
sign-in (pwdlib's ``verify_and_update``), in the same transaction as the new session,
with an audit event.

No Streamlit import here: the web routes, the pages and the tests share it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from workbench import audit, db, throttle, users
from workbench.errors import AuthenticationFailed
from workbench.models import Role, User, UserSession, as_utc, stored_id, utcnow
from workbench.settings import get_settings
from workbench.validation import one_line, shorten, strip_controls

COOKIE_NAME = "wb_session"
COOKIE_SALT = "workbench-session"
SIGN_IN_FAILED = (
    "Wrong user name or password. After several wrong tries the desk makes "
    "you wait before the next one, and after many it locks the name for 15 "
    "minutes (an admin can unlock it)."
)
TOUCH_INTERVAL = timedelta(minutes=1)


class SignInFailed(AuthenticationFailed):
    """Always the same message; ``delay`` is how long the caller should wait before answering."""

    def __init__(self, delay: float) -> None:
        super().__init__(SIGN_IN_FAILED)
        self.delay = delay


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(session: Session, user: User) -> str:
    """Open a session for ``user`` and return its token (the only copy; store it in a cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            id=_digest(token),
            user_id=stored_id(user),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=get_settings().session_hours),
        )
    )
    session.flush()
    return token


def sign_in(
    name: str, password: str, *, address: str | None = None, engine: Engine | None = None
) -> tuple[str, User]:
    """Check a password and open a session; returns ``(token, user)``.

    Raises :class:`SignInFailed` with one message for an unknown name, a wrong
    password, a switched-off account, a built-in account, and a name or ``address``
    (the client's IP) that must still wait or is locked; each costs one argon2
    verification. Runs its own transactions (default engine unless ``engine``): a
    failure must be stored although the sign-in fails, and the argon2 work runs
    outside any transaction so SQLite's write lock is never held during it.
    """
    engine = engine or db.get_engine()
    keys = throttle.keys_for(name, address)
    with db.read_session(engine) as session:
        user = users.find_user(session, name.strip()) if name.strip() else None
        stored = user.password_hash if user is not None and user.active else None
        wait = throttle.seconds_to_wait(session, keys)
    correct, new_hash = users.verify_and_update_password(password, stored)
    if wait > 0:
        raise SignInFailed(wait)  # not counted: a lock ends when it says it ends
    if not correct or user is None:
        raise SignInFailed(throttle.record_failure(engine, keys))
    with db.write_session(engine) as session:
        user = session.get(User, user.id)
        if user is None or not user.active or user.password_hash != stored:
            raise SignInFailed(0.0)  # changed or switched off while we checked
        if new_hash:
            user.password_hash = new_hash
            session.add(user)
            audit.record(
                session,
                user,
                entity="user",
                entity_id=stored_id(user),
                action="rehash",
                changes={"password_hash": ["(older parameters)", "(upgraded)"]},
            )
        throttle.forget(session, keys[0])
        token = create_session(session, user)
        audit.record(
            session,
            user,
            entity="user",
            entity_id=stored_id(user),
            action="sign_in",
            changes={"method": "password"},
        )
    return token, user


def active_session(session: Session, token: str) -> UserSession | None:
    """The unexpired, unrevoked session row for ``token``, or None."""
    return session.exec(
        select(UserSession).where(
            col(UserSession.id) == _digest(token),
            col(UserSession.revoked_at).is_(None),
            UserSession.expires_at > utcnow(),
        )
    ).first()


def touch_due(record: UserSession) -> bool:
    """True when ``last_seen_at`` is older than a minute (we write it at most that often)."""
    return as_utc(record.last_seen_at) < utcnow() - TOUCH_INTERVAL


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
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == _digest(token), col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


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
    return (
        session.exec(select(User.id).where(col(User.name).not_in(builtin)).limit(1)).first()
        is not None
    )


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
    provider. A switched-off account is refused with AuthenticationFailed. The
    provider's claims are text from outside like any other: control characters go
    (PostgreSQL refuses NUL) and the display name is one line of at most 120 characters.
    """
    subject, email, name = strip_controls(subject), one_line(email), one_line(name)
    user = session.exec(select(User).where(User.external_subject == subject)).first()
    if user is None:
        user = User(
            name=_account_name(session, email, name, subject),
            display_name=shorten(name or email or "New reviewer", 120),
            role=Role.reviewer,
            password_hash=None,
            external_subject=subject,
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            user,
            entity="user",
            entity_id=stored_id(user),
            action="create",
            changes={"name": [None, user.name], "role": [None, user.role], "via": "single sign-on"},
        )
    if not user.active:
        raise AuthenticationFailed("This account is switched off. Ask an admin to restore it.")
    return user
