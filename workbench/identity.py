"""Who acts for a browser request, decided from what the browser presented.

The UI reads the credentials (the ``wb_session`` cookie's token, or the single sign-on
identity that ``st.user`` holds) and hands them over as plain :class:`Credentials`; this
module maps them to an account inside the caller's session, so every read and every
write re-checks them (a revoked session or a switched-off account stops working at the
next click, and a callback never runs as the wrong person).

Nobody signed in means the built-in ``local`` user, but only while sign-in is not
required. It is required as soon as one real account exists (``workbench user add``
switches a desk over), whenever single sign-on is configured, and always outside
``WORKBENCH_ENVIRONMENT=local``. A fresh local install therefore opens straight on the
start page as a single user.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, select

from workbench import auth, db, users
from workbench.errors import PermissionDenied
from workbench.models import Role, User, stored_id
from workbench.settings import get_settings


@dataclass(frozen=True)
class ExternalIdentity:
    """A single sign-on identity: ``subject`` is the issuer-qualified ``sub``."""

    subject: str
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class Credentials:
    """What the browser presented for this request.

    ``single_sign_on`` says whether the desk signs in through OpenID Connect; then only
    ``external`` counts, otherwise only ``token`` (from the cookie, or put in the
    session state by tests, which cannot send cookies).
    """

    token: str | None = None
    single_sign_on: bool = False
    external: ExternalIdentity | None = None


@dataclass(frozen=True)
class Person:
    """The acting account as pages show it (plain data, not the User row)."""

    id: int
    name: str
    display_name: str
    role: Role

    @property
    def is_local(self) -> bool:
        """The built-in single-user account: nobody signs in on this desk yet."""
        return self.name == users.LOCAL_USER


@dataclass(frozen=True)
class Visit:
    """What one script run learns about its visitor, from one read session.

    ``person`` is None when the sign-in page must be shown; ``unregistered`` when a
    single sign-on identity has no account yet (the caller creates it, a write);
    ``touch_due`` when the sign-in session's ``last_seen_at`` should be written.
    """

    person: Person | None
    unregistered: bool = False
    touch_due: bool = False


def person(user: User) -> Person:
    return Person(stored_id(user), user.name, user.display_name, Role(user.role))


def sign_in_required(session: Session, credentials: Credentials) -> bool:
    """See the module docstring for when the desk asks everyone to sign in."""
    return (
        credentials.single_sign_on
        or get_settings().environment != "local"
        or auth.has_accounts(session)
    )


def identify(session: Session, credentials: Credentials) -> User | None:
    """The signed-in, active user behind ``credentials``, without writing anything."""
    if credentials.single_sign_on:
        if credentials.external is None:
            return None
        user = session.exec(
            select(User).where(User.external_subject == credentials.external.subject)
        ).first()
        return user if user is not None and user.active else None
    if not credentials.token:
        return None
    return auth.user_for_token(session, credentials.token, touch=False)


def acting_user(session: Session, credentials: Credentials) -> User:
    """The signed-in user, or the local user while sign-in is not required.

    Raises PermissionDenied when sign-in is required and the session has ended, so a
    write never runs as the wrong person.
    """
    user = identify(session, credentials)
    if user is not None:
        return user
    if sign_in_required(session, credentials):
        raise PermissionDenied("You are signed out. Reload the page and sign in again.")
    local = users.find_user(session, users.LOCAL_USER)
    if local is None:  # only before the database was prepared
        local = users.builtin_user(session, users.LOCAL_USER)
    return local


def visit(credentials: Credentials, engine: Engine | None = None) -> Visit:
    """Who this script run acts for, read in one session (see :class:`Visit`)."""
    with db.read_session(engine) as session:
        user = identify(session, credentials)
        if user is not None:
            record = (
                auth.active_session(session, credentials.token)
                if credentials.token and not credentials.single_sign_on
                else None
            )
            return Visit(person(user), touch_due=record is not None and auth.touch_due(record))
        if credentials.single_sign_on:
            return Visit(None, unregistered=credentials.external is not None)
        if sign_in_required(session, credentials):
            return Visit(None)
        return Visit(person(acting_user(session, credentials)))
