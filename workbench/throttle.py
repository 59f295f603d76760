"""Sign-in throttling kept in the database, so every server process shares it.

Each failed sign-in counts against two keys: the account name that was tried (known or
not, so the throttle reveals nothing about which names exist) and the client address.
A restart or a second replica reads the same rows (``sign_in_throttle``), and the count
is raised by one SQL upsert (``failures = failures + 1``), never read-modify-write, so
two servers failing at the same moment both count.

The numbers, per key:

- **account name**: 3 failures free; then each failure makes the name wait 1 s, 2 s,
  4 s … (at most 60 s) before the next try; the 10th failure locks it for 15 minutes.
- **client address**: 10 failures free, then the same doubling wait; the 50th failure
  locks it for 15 minutes. Higher, because a newsroom behind one NAT shares an address.
- Failures are forgotten 15 minutes after the last one, and on a successful sign-in for
  the account (not for the address: one valid account must not wash an address clean).
- Tries refused during a wait or a lock are not counted, so a lock ends 15 minutes after
  the failure that set it. An admin ends it sooner with ``workbench user unlock``.

Writing a failure is a write transaction: two single-row upserts, nothing else, so on
SQLite it holds the write lock for about a millisecond. Stale rows are removed in a
separate transaction that skips rows another server holds (no deadlock, no waiting).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, delete, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from workbench import audit, db
from workbench.models import SignInThrottle, User, as_utc, utcnow
from workbench.permissions import ADMINS, require
from workbench.sql import table_of
from workbench.validation import one_line

_LOG = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"
WINDOW = timedelta(minutes=15)
MAX_DELAY = timedelta(seconds=60)
MAX_KEY = 255

#: The current time; tests replace it to move time by hand.
clock: Callable[[], datetime] = utcnow

Key = tuple[str, str]


@dataclass(frozen=True)
class Policy:
    free_attempts: int  # failures before the first wait
    lock_after: int  # the failure that locks the key for WINDOW


POLICIES = {
    ACCOUNT: Policy(free_attempts=3, lock_after=10),
    ADDRESS: Policy(free_attempts=10, lock_after=50),
}

#: Each dialect's INSERT, whose ``on_conflict_do_update`` is the upsert.
_UPSERTS: dict[str, Callable[[Any], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def _key(scope: str, value: str) -> Key:
    return scope, one_line(value)[:MAX_KEY]  # PostgreSQL refuses NUL and lone surrogates


def account_key(name: str) -> Key:
    """The key for an attempted account name: case and surrounding spaces do not matter."""
    return _key(ACCOUNT, name.strip().casefold())


def address_key(address: str) -> Key:
    """The key for a client address; an IPv4 address seen through a dual-stack socket
    (``::ffff:192.0.2.1``) counts as the IPv4 address itself."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return _key(ADDRESS, address.strip())
    mapped = parsed.ipv4_mapped if isinstance(parsed, ipaddress.IPv6Address) else None
    return _key(ADDRESS, str(mapped or parsed))


def keys_for(name: str, address: str | None) -> list[Key]:
    """The keys one attempt counts against (no address: the account only)."""
    keys = [account_key(name)]
    if address:
        keys.append(address_key(address))
    return keys


def wait_after(scope: str, failures: int) -> timedelta:
    """How long a key must wait after its latest failure, given its number of failures."""
    policy = POLICIES[scope]
    if failures >= policy.lock_after:
        return WINDOW
    if failures < policy.free_attempts:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - policy.free_attempts)), MAX_DELAY)


def _seconds_left(rows: Sequence[tuple[str, int, datetime]], now: datetime) -> float:
    ends = [as_utc(last) + wait_after(scope, failures) for scope, failures, last in rows]
    return max([(end - now).total_seconds() for end in ends] + [0.0])


def _rows(session: Session, keys: Sequence[Key]) -> list[SignInThrottle]:
    return list(
        session.exec(
            select(SignInThrottle).where(
                tuple_(col(SignInThrottle.scope), col(SignInThrottle.key)).in_(keys)
            )
        )
    )


def seconds_to_wait(session: Session, keys: Sequence[Key]) -> float:
    """Seconds before an attempt with these keys may be checked; 0 when it may now."""
    rows = _rows(session, keys)
    return _seconds_left([(r.scope, r.failures, r.last_failed_at) for r in rows], clock())


def record_failure(engine: Engine, keys: Sequence[Key]) -> float:
    """Count one failure against each key, in its own short write transaction (it must be
    kept although the sign-in fails); returns the seconds the caller must now wait."""
    now = clock()
    table = table_of(SignInThrottle)
    insert = _UPSERTS[engine.dialect.name]
    returned = []
    with db.write_session(engine) as session:
        for scope, key in sorted(keys):  # one lock order for every server
            upsert = insert(table).values(scope=scope, key=key, failures=1, last_failed_at=now)
            statement = upsert.on_conflict_do_update(
                index_elements=[table.c.scope, table.c.key],
                set_={
                    "failures": case(
                        (table.c.last_failed_at < now - WINDOW, 1), else_=table.c.failures + 1
                    ),
                    "last_failed_at": now,
                },
            ).returning(table.c.scope, table.c.failures, table.c.last_failed_at)
            returned.append(tuple(session.execute(statement).one()))
    _forget_stale(engine, now)
    wait = _seconds_left(returned, now)
    # The address and the wait, not the name typed: people type passwords there by mistake.
    _LOG.warning(
        "sign-in refused",
        extra={
            "address": next((key for scope, key in keys if scope == ADDRESS), ""),
            "failures": max(failures for _scope, failures, _at in returned),
            "wait_seconds": round(wait, 1),
        },
    )
    return wait


def _forget_stale(engine: Engine, now: datetime) -> None:
    """Delete rows whose last failure is older than the window (names sprayed once).

    SKIP LOCKED (PostgreSQL; SQLite has one writer anyway) leaves rows another server is
    updating to it, so this never waits and cannot deadlock with its upsert.
    """
    stale = (
        select(SignInThrottle.id)
        .where(col(SignInThrottle.last_failed_at) < now - WINDOW)
        .with_for_update(skip_locked=True)
    )
    with db.write_session(engine) as session:
        session.execute(delete(SignInThrottle).where(col(SignInThrottle.id).in_(stale)))


def forget(session: Session, key: Key) -> None:
    """Drop the count for ``key`` (after a successful sign-in), in the caller's transaction."""
    session.execute(
        delete(SignInThrottle).where(
            col(SignInThrottle.scope) == key[0], col(SignInThrottle.key) == key[1]
        )
    )


def unlock(
    session: Session, actor: User, *, name: str = "", address: str = ""
) -> list[SignInThrottle]:
    """Clear the failures of an account name and/or a client address (admins only).

    Returns the rows cleared (empty when there was nothing to clear); each clearing is
    recorded in the audit trail with the count it wiped.
    """
    require(actor, ADMINS, "unlock sign-in")
    wanted = keys_for(name, address or None) if name else [address_key(address)]
    rows = _rows(session, wanted)
    for row in rows:
        audit.record(
            session,
            actor,
            entity="sign_in_throttle",
            entity_id=row.id or 0,
            action="unlock",
            changes={"scope": row.scope, "key": row.key, "failures": [row.failures, 0]},
        )
        session.delete(row)
    return rows
