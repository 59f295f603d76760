"""How the browser writes: a service run as the signed-in person in one transaction.

The pages never open a database session (``tests/test_imports.py`` checks): a widget
callback calls :func:`perform` with the request's :class:`~workbench.identity.Credentials`
and a service from ``workbench/``. The person is identified inside the write
transaction, so a session ended a moment ago refuses the write; what comes back is
plain data (:class:`Saved`), never a row. Domain errors pass through for the page to
show; a database that refuses the write becomes :class:`DatabaseRefused`, whose message
a fact-checker can act on, and is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from workbench import auth, db, embeddings, nearest_claims, search, users
from workbench.identity import Credentials, Person, acting_user, person
from workbench.models import User

P = ParamSpec("P")
T = TypeVar("T")
_LOG = logging.getLogger(__name__)

DATABASE_BUSY = (
    "The database is busy (an import may be running). Your text is kept — try again in a moment."
)
DISK_FULL = (
    "The server's disk is full: nothing was saved. Your text is kept — ask an "
    "admin to free some space, then try again."
)
DATABASE_UNAVAILABLE = (
    "The database cannot be reached right now: nothing was saved. Your "
    "text is kept — try again in a moment."
)
_MESSAGES = {db.Trouble.BUSY: DATABASE_BUSY, db.Trouble.FULL: DISK_FULL}


class DatabaseRefused(Exception):  # noqa: N818 - it is what happened, not a bug
    """The database refused a write (busy, full or away); ``str()`` says so in words,
    without SQL or parameters. Nothing was saved."""


@dataclass(frozen=True)
class Saved:
    """What a page learns from a write: the row the service returned (its id and, for
    rows that have one, the new version), or ``None`` values for a service that returns
    nothing."""

    id: int | None = None
    version: int | None = None


def database_trouble(error: OperationalError) -> str:
    """What to tell the user when the database refused a write: busy, full, or away.

    The unexpected kind is logged in full; the expected ones as one line.
    """
    kind = db.trouble(error)
    if kind is None:
        _LOG.error("database error while saving", exc_info=error)
        return DATABASE_UNAVAILABLE
    (_LOG.error if kind is db.Trouble.FULL else _LOG.warning)(
        "write refused: database %s", kind.value, extra={"trouble": kind.value}
    )
    return _MESSAGES[kind]


def _saved(result: object) -> Saved:
    if isinstance(result, SQLModel):
        return Saved(getattr(result, "id", None), getattr(result, "version", None))
    return Saved()


def perform(
    credentials: Credentials,
    service: Callable[Concatenate[Session, User, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> Saved:
    """Run ``service(session, actor, *args, **kwargs)`` in one write transaction as the
    person behind ``credentials``. Raises the service's domain errors (everything rolled
    back), PermissionDenied when the sign-in has ended, DatabaseRefused when the database
    would not take the write."""
    try:
        with db.write_session() as session:
            return _saved(service(session, acting_user(session, credentials), *args, **kwargs))
    except OperationalError as error:
        raise DatabaseRefused(database_trouble(error)) from error


def run_as(
    credentials: Credentials,
    task: Callable[Concatenate[User, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Call ``task(actor, …)`` for work that opens its own sessions (a report, an import):
    the person is identified in a read session of its own, closed before ``task`` runs."""
    with db.read_session() as session:
        actor = acting_user(session, credentials)
    return task(actor, *args, **kwargs)


def prepare_database() -> None:
    """Create a new database, or check an existing one is at the newest migration (only
    ``workbench db upgrade`` migrates existing data), with the built-in ``local`` account
    the browser acts as while nobody signs in. Raises SchemaOutOfDate otherwise."""
    db.ensure_schema()
    with db.write_session() as session:
        users.builtin_user(session, users.LOCAL_USER)


def warm_search() -> None:
    """Start loading the claim search's vocabulary and, with a sentence model configured,
    the claims' vectors in the background (the server's start calls this), so no one's
    first search or "seen before?" after a restart waits for them."""
    search.warm_vocabulary(db.get_engine())
    if embeddings.encoder() is not None:
        nearest_claims.warm(db.get_engine())


def register_external(credentials: Credentials) -> Person | None:
    """The account of a single sign-on identity, created on its first visit; raises
    AuthenticationFailed for a switched-off account."""
    identity = credentials.external
    if identity is None:
        return None
    with db.write_session() as session:
        return person(
            auth.external_sign_in(session, identity.subject, identity.email, identity.name)
        )


def note_activity(token: str) -> None:
    """Write the sign-in session's ``last_seen_at`` (callers ask at most once a minute, so
    a rerun does not take SQLite's write lock). Skipped, and logged, while the database
    is busy: it is bookkeeping, and must not fail the page."""
    try:
        with db.write_session() as session:
            auth.user_for_token(session, token)
    except OperationalError as error:
        database_trouble(error)


def sign_out(token: str) -> None:
    """End the sign-in session behind ``token`` on the server (a cookie left behind is
    then worthless); a no-op for an unknown token."""
    with db.write_session() as session:
        auth.sign_out(session, token)
