"""What every page needs: the database ready, the acting user, and error display.

Who is acting, per request (each script run re-checks, so a revoked session or a
switched-off account stops working at the next click):

* OpenID Connect configured (``[auth]`` in ``secrets.toml``): ``st.user``, mapped to a
  User row by issuer and subject (``auth.external_sign_in``).
* Otherwise the ``wb_session`` cookie set by ``POST /auth/login`` (see
  ``workbench.ui.web``), read from ``st.context.cookies``.
* Nobody signed in: the built-in ``local`` user, but only while sign-in is not
  required. It is required as soon as one real account exists (``workbench user
  add`` switches a desk over), whenever OIDC is configured, and always outside
  ``WORKBENCH_ENVIRONMENT=local``. A fresh local install therefore opens straight
  on the start page as a single user.

Tests (AppTest cannot send cookies) put a real session token in
``st.session_state["wb_session_token"]``; it is checked exactly like the cookie's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from streamlit.errors import StreamlitSecretNotFoundError

from workbench import auth, db, users
from workbench.errors import AuthenticationFailed, PermissionDenied, WorkbenchError
from workbench.models import User
from workbench.settings import get_settings
from workbench.ui.safe import md

T = TypeVar("T")
TOKEN_KEY = "wb_session_token"
_LOG = logging.getLogger(__name__)

DATABASE_BUSY = ("The database is busy (an import may be running). Your text is kept — "
                 "try again in a moment.")
DISK_FULL = ("The server's disk is full: nothing was saved. Your text is kept — ask an "
             "admin to free some space, then try again.")
DATABASE_UNAVAILABLE = ("The database cannot be reached right now: nothing was saved. Your "
                        "text is kept — try again in a moment.")
_MESSAGES = {db.Trouble.BUSY: DATABASE_BUSY, db.Trouble.FULL: DISK_FULL}


def database_trouble(error: OperationalError) -> str:
    """What to tell the user when the database refused a write: busy, full, or away.

    The message never shows SQL or parameters; the unexpected kind is logged in full.
    """
    kind = db.trouble(error)
    if kind is None:
        _LOG.error("database error while saving", exc_info=error)
        return DATABASE_UNAVAILABLE
    (_LOG.error if kind is db.Trouble.FULL else _LOG.warning)(
        "write refused: database %s", kind.value, extra={"trouble": kind.value})
    return _MESSAGES[kind]


@st.cache_resource(show_spinner="Preparing the database…")
def ensure_database() -> bool:
    """Create and migrate the configured database once per server process."""
    db.upgrade()
    with db.write_session() as session:
        users.builtin_user(session, users.LOCAL_USER)
    return True


def oidc_settings() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of the secrets when single sign-on is configured."""
    try:
        section = st.secrets.get("auth")
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return None
    return section if section else None


def _oidc_identity() -> tuple[str, str, str] | None:
    """``(issuer|subject, email, name)`` of the ``st.user`` signed in, or None."""
    if not st.user.is_logged_in:
        return None
    info = st.user.to_dict()
    if not info.get("sub"):
        return None
    subject = f"{info.get('iss') or ''}|{info['sub']}"
    return subject, str(info.get("email") or ""), str(info.get("name") or "")


def _session_token() -> str | None:
    token = auth.token_from_cookie(st.context.cookies.get(auth.COOKIE_NAME))
    return token or st.session_state.get(TOKEN_KEY)


def sign_in_required(session: Session) -> bool:
    """See the module docstring for when the desk asks everyone to sign in."""
    return (oidc_settings() is not None or get_settings().environment != "local"
            or auth.has_accounts(session))


def _identify(session: Session) -> User | None:
    """The signed-in user for this request, without writing anything."""
    if oidc_settings() is not None:
        identity = _oidc_identity()
        if identity is None:
            return None
        user = session.exec(select(User).where(User.external_subject == identity[0])).first()
        return user if user is not None and user.active else None
    token = _session_token()
    return auth.user_for_token(session, token, touch=False) if token else None


def _register_oidc_identity() -> User | None:
    """Create (or find) the User row of a single sign-on identity; None if refused."""
    identity = _oidc_identity()
    if identity is None:
        return None
    try:
        with db.write_session() as session:
            return auth.external_sign_in(session, *identity)
    except AuthenticationFailed as error:
        st.error(md(str(error)))
        return None


def _note_activity() -> None:
    """Write the session's ``last_seen_at``, at most once a minute (one cheap read
    otherwise, so a rerun does not take SQLite's write lock). Skipped while the database
    is busy: it is bookkeeping, and must not fail the page."""
    token = _session_token()
    if token is None:
        return
    with db.read_session() as session:
        record = auth.active_session(session, token)
        if record is None or not auth.touch_due(record):
            return
    try:
        with db.write_session() as session:
            auth.user_for_token(session, token)
    except OperationalError as error:
        database_trouble(error)  # logs the unexpected kinds


def current_user() -> User | None:
    """Who this script run acts for, or None when the sign-in page must be shown."""
    with db.read_session() as session:
        user = _identify(session)
    if user is None and oidc_settings() is not None:
        user = _register_oidc_identity()
    elif user is not None and oidc_settings() is None:
        _note_activity()
    if user is not None:
        return user
    with db.read_session() as session:
        return None if sign_in_required(session) else acting_user(session)


def acting_user(session: Session) -> User:
    """The signed-in user, or the local user while sign-in is not required.

    Raises PermissionDenied when sign-in is required and the session has ended
    (``perform`` shows it), so a callback never runs as the wrong person.
    """
    user = _identify(session)
    if user is not None:
        return user
    if sign_in_required(session):
        raise PermissionDenied("You are signed out. Reload the page and sign in again.")
    local = users.find_user(session, users.LOCAL_USER)
    if local is None:  # only before ensure_database() ran
        local = users.builtin_user(session, users.LOCAL_USER)
    return local


def sign_out() -> None:
    """End the session on the server (the cookie left behind is then worthless)."""
    if oidc_settings() is not None:
        st.logout()
        return
    token = _session_token()
    if token:
        with db.write_session() as session:
            auth.sign_out(session, token)
    st.session_state.pop(TOKEN_KEY, None)


def perform(
    action: Callable[[Session, User], T], *, reraise: tuple[type[Exception], ...] = ()
) -> T | None:
    """Run ``action(session, user)`` in one write transaction.

    Domain errors roll everything back and are shown with ``st.error`` (None is
    returned), except those in ``reraise``, which the page handles itself (a stale
    edit, say, where the page shows both versions). So is a database that refuses the
    write (locked by an import, a lock timeout, a full disk): the message says so, and
    the form keeps the typed text as long as the page's form does not clear on submit.
    """
    try:
        with db.write_session() as session:
            return action(session, acting_user(session))
    except reraise:
        raise
    except WorkbenchError as error:
        st.error(md(str(error)))
        return None
    except OperationalError as error:
        st.error(database_trouble(error), icon="⏳")
        return None
