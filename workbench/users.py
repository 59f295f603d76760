"""Accounts and roles.

Two built-in accounts exist without passwords, so they can never sign in:
``cli`` acts for admin commands run on the server, ``local`` acts in the
browser when sign-in is switched off (single-user local use). Both appear by
name in the audit trail.
"""

from __future__ import annotations

import re
from functools import cache

from pwdlib import PasswordHash
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workbench import audit, user_sessions
from workbench.errors import InvalidInput, NotFound
from workbench.models import Role, User, stored_id
from workbench.permissions import ADMINS, require
from workbench.validation import choice, clean_line

CLI_USER = "cli"
LOCAL_USER = "local"
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")

_hasher = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Constant-work check: hashes a dummy when there is no stored hash, so timing
    does not reveal whether the account exists."""
    if not password_hash:
        _hasher.verify(password, _dummy_hash())
        return False
    return _hasher.verify(password, password_hash)


@cache
def _dummy_hash() -> str:
    """Made on first use, not at import: an Argon2 hash costs about half a second, and
    every CLI command imports this module."""
    return hash_password("not-a-real-password-for-timing-only")


def verify_and_update_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """:func:`verify_password`, plus a fresh hash when the stored one was made with older
    or weaker parameters than today's (the caller stores it); ``(ok, None)`` otherwise."""
    if not password_hash:
        return verify_password(password, password_hash), None
    return _hasher.verify_and_update(password, password_hash)


def builtin_user(session: Session, name: str) -> User:
    """The ``cli`` or ``local`` account, created on first use."""
    if name not in (CLI_USER, LOCAL_USER):
        raise ValueError(name)
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        label = "Command line" if name == CLI_USER else "Local user (no sign-in)"
        # Replicas starting together on a new database race to create it: the loser's
        # insert waits on the unique index for the winner's commit, fails, and reads its row.
        try:
            with session.begin_nested():
                user = User(name=name, display_name=label, role=Role.admin, password_hash=None)
                session.add(user)
        except IntegrityError:
            user = session.exec(select(User).where(User.name == name)).one()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    return user


def _changeable(session: Session, user_id: int) -> User:
    """A real account: the built-in ones keep their role, stay active and never get a password
    (changing them would lock the CLI out or let someone sign in as them)."""
    user = get_user(session, user_id)
    if user.name in (CLI_USER, LOCAL_USER):
        raise InvalidInput("Built-in accounts (cli, local) cannot be changed or signed in to.")
    return user


def find_user(session: Session, name: str) -> User | None:
    """The account called exactly ``name``. A name no account can have (control characters,
    spaces, …) matches nothing without a query, so sign-in junk never reaches the database
    (PostgreSQL refuses NUL in a query parameter)."""
    if not _NAME.match(name):
        return None
    return session.exec(select(User).where(User.name == name)).first()


def user_named(session: Session, name: str) -> User:
    """The account called ``name``, whatever its case (names are unique regardless of case,
    see :func:`add_user`), for commands that name an account rather than its id."""
    user = session.exec(select(User).where(func.lower(User.name) == name.strip().lower())).first()
    if user is None:
        raise NotFound(f"There is no user called {name!r}.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.name)))


def add_user(
    session: Session,
    actor: User,
    *,
    name: str,
    role: str,
    password: str | None,
    display_name: str = "",
    external_subject: str | None = None,
) -> User:
    """Create an account; only admins may. Passwords are stored as argon2 hashes."""
    require(actor, ADMINS, "add users")
    name = name.strip()
    if not _NAME.match(name) or name in (CLI_USER, LOCAL_USER):
        raise InvalidInput(
            "User names are 2–80 letters, digits or . _ @ - and cannot be 'cli' or 'local'."
        )
    role = choice(Role, role, field="Role")
    if session.exec(select(User).where(func.lower(User.name) == name.lower())).first():
        raise InvalidInput(f"A user called {name!r} already exists.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(
        name=name,
        role=Role(role),
        display_name=clean_line(display_name, field="Display name", max_length=120) or name,
        password_hash=hash_password(password) if password else None,
        external_subject=external_subject,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=stored_id(user),
        action="create",
        changes={"name": [None, name], "role": [None, role]},
    )
    return user


def set_role(session: Session, actor: User, user_id: int, role: str) -> User:
    require(actor, ADMINS, "change roles")
    role = choice(Role, role, field="Role")
    user = _changeable(session, user_id)
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=stored_id(user),
        action="update",
        changes={"role": [user.role, role]},
    )
    user.role = Role(role)
    session.add(user)
    return user


def set_active(session: Session, actor: User, user_id: int, active: bool) -> User:
    require(actor, ADMINS, "activate or deactivate users")
    user = _changeable(session, user_id)
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=stored_id(user),
        action="update",
        changes={"active": [user.active, active]},
    )
    user.active = active
    session.add(user)
    if not active:
        user_sessions.revoke(session, user_id=user.id)
    return user


def set_password(session: Session, actor: User, user_id: int, password: str) -> User:
    """Admins reset anyone's password; users change their own."""
    if actor.id != user_id:
        require(actor, ADMINS, "change another user's password")
    user = _changeable(session, user_id)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = hash_password(password)
    session.add(user)
    user_sessions.revoke(session, user_id=user.id)
    audit.record(
        session,
        actor,
        entity="user",
        entity_id=stored_id(user),
        action="password",
        changes={"password": ["(hidden)", "(changed)"]},
    )
    return user
