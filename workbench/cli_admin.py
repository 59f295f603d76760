"""The admin's tools: ``workbench user list|set-role|deactivate|activate|reset-password|unlock``
and ``workbench db backup|restore|copy``.

Kept apart from ``cli.py`` (which puts :data:`DATABASE_COMMANDS` and
:data:`ACCOUNT_COMMANDS` in its ``db`` and ``user`` groups) so the core commands stay short.
The account commands name accounts by name and act as the built-in ``cli`` admin through the
services in ``workbench/users.py``, which check the role, end the person's sign-ins where
needed and write the audit trail. SQLite is copied with its online backup API, which is safe
while the app writes; for PostgreSQL the commands print the ``pg_dump``/``pg_restore`` line
to run (without the password: those tools ask for it, or read ``PGPASSWORD`` or
``~/.pgpass``). ``db copy`` moves a whole workbench between SQLite and PostgreSQL
(``workbench/db_copy.py``).
"""

from __future__ import annotations

import getpass
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.engine import URL, make_url

from workbench import audit, db, db_copy, throttle, user_sessions, users
from workbench.cli_command import command
from workbench.cli_output import emit, json_option, progress
from workbench.errors import InvalidInput, WorkbenchError
from workbench.models import User, as_utc
from workbench.settings import get_settings


def postgres_command(tool: str, path: str, url: str | None = None) -> str:
    """The shell line that dumps (``pg_dump``) or restores (``pg_restore``) the configured
    PostgreSQL database to or from ``path``; the password is left out on purpose."""
    given = make_url(url or get_settings().database_url)
    target = URL.create(
        "postgresql",
        username=given.username,
        host=given.host,
        port=given.port,
        database=given.database,
        query=given.query,
    )
    dbname = f"--dbname={target.render_as_string(hide_password=False)}"
    if tool == "pg_dump":
        words = ["pg_dump", "--format=custom", f"--file={path}", dbname]
    else:  # into an existing database, all or nothing, owned by whoever runs it
        words = [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            dbname,
            path,
        ]
    return shlex.join(words)


def read_password(from_stdin: bool) -> str:
    """A new password: the first line of standard input with ``--password-stdin`` (scripts),
    else asked twice at the terminal without echo. With neither it refuses, rather than let
    ``getpass`` fall back to reading a pipe with a warning."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise InvalidInput(
            "There is no terminal to ask for the password: give it on "
            "standard input with --password-stdin."
        )
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise InvalidInput("The two passwords differ.")
    return first


def _account(user: User) -> dict[str, object]:
    return {
        "name": user.name,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
        "created_at": as_utc(user.created_at),
    }


@command("list", epilog="Example: workbench user list --json")
@json_option
def user_list() -> None:
    """List the accounts. Name, role, active, created and display name; the built-in cli and
    local accounts are left out, as on the Accounts page."""
    with db.read_session() as session:
        accounts = [
            user
            for user in users.list_users(session)
            if user.name not in (users.CLI_USER, users.LOCAL_USER)
        ]
    width = max((len(user.name) for user in accounts), default=0)
    human = "\n".join(
        f"{user.name:<{width}}  {user.role:<8}  {'active' if user.active else 'inactive':<8}  "
        f"{user.created_at:%Y-%m-%d}  {user.display_name}"
        for user in accounts
    )
    data = [_account(user) for user in accounts]
    emit(data, human or "No accounts yet: add one with `workbench user add`.")


def _change(name: str, change: Callable[..., User], *values: object) -> dict[str, object]:
    """Apply a service from ``workbench/users.py`` to the account called ``name``, as the
    built-in ``cli`` admin; the account as it is afterwards."""
    with db.write_session() as session:
        target = users.user_named(session, name)
        changed = change(session, users.builtin_user(session, users.CLI_USER), target.id, *values)
        return _account(changed)


_NAME = click.argument("name", help="The account's user name.")
_PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (else asked twice).",
)


@command("set-role", epilog="Example: workbench user set-role anna editor")
@_NAME
@click.argument("role", help="reviewer, editor or admin.")
@json_option
def user_set_role(name: str, role: str) -> None:
    """Change an account's role."""
    data = _change(name, users.set_role, role)
    emit(data, f"{data['name']} is now {data['role']}.")


@command("deactivate", epilog="Example: workbench user deactivate anna")
@_NAME
@json_option
def user_deactivate(name: str) -> None:
    """Stop an account signing in. Its open sessions end at once; its work stays."""
    data = _change(name, users.set_active, False)
    emit(data, f"Deactivated {data['name']}: they cannot sign in, and their open sessions ended.")


@command("activate", epilog="Example: workbench user activate anna")
@_NAME
@json_option
def user_activate(name: str) -> None:
    """Let a deactivated account sign in again."""
    data = _change(name, users.set_active, True)
    emit(data, f"{data['name']} can sign in again.")


@command(
    "reset-password",
    epilog="Example: workbench user reset-password anna --password-stdin < new-password.txt",
)
@_NAME
@_PASSWORD_STDIN
@json_option
def user_reset_password(name: str, password_stdin: bool) -> None:
    """Set a new password, asked twice at a terminal. The account's open sessions end."""
    password = read_password(password_stdin)
    data = _change(name, users.set_password, password)
    emit(data, f"New password set for {data['name']}; their open sessions ended.")


@command("unlock", epilog="Example: workbench user unlock anna --address 203.0.113.7")
@click.argument("name", default="", help="The account name that was tried.")
@click.option("--address", default="", help="A client IP address to clear as well.")
@json_option
def user_unlock(name: str, address: str) -> None:
    """Clear the failed sign-ins (the lock) of an account name. Or of a client address, or
    both."""
    if not (name or address):
        raise InvalidInput("Name the account to unlock, or give --address, or both.")
    with db.write_session() as session:
        cleared = throttle.unlock(
            session, users.builtin_user(session, users.CLI_USER), name=name, address=address
        )
        data = [{"scope": row.scope, "key": row.key, "failures": row.failures} for row in cleared]
    human = "\n".join(
        f"Unlocked {item['scope']} {item['key']} ({item['failures']} recent "
        "failed sign-ins cleared)."
        for item in data
    )
    emit(data, human or "Nothing to unlock: no recent failed sign-ins for that name or address.")


def _postgres(path: str, tool: str) -> bool:
    """Print the PostgreSQL command instead when the database is not SQLite."""
    if db.sqlite_file() is not None:
        return False
    line = postgres_command(tool, path)
    emit({"command": line}, f"PostgreSQL: run this (it asks for the password):\n{line}")
    return True


@command(
    "backup",
    check_schema=False,
    epilog="Example: workbench db backup backups/workbench-2025-03-06.sqlite3",
)
@click.argument("path", help="The backup file to write (SQLite), or to name (PostgreSQL).")
@json_option
def db_backup(path: str) -> None:
    """Copy the database safely while the app runs. On PostgreSQL the pg_dump line to run is
    printed instead."""
    if _postgres(path, "pg_dump"):
        return
    target = Path(path).resolve()
    db.backup_sqlite(target)
    result = {
        "file": str(target),
        "bytes": target.stat().st_size,
        "revision": db.backup_revision(target),
    }
    emit(
        result,
        f"Backed up {db.sqlite_file()} to {target} "
        f"({result['bytes']:,} bytes, migration {result['revision']}).",
    )


@command(
    "restore",
    check_schema=False,
    epilog="Example: workbench db restore backups/workbench-2025-03-06.sqlite3 --yes",
)
@click.argument("path", help="A file written by `workbench db backup`.")
@click.option(
    "--yes", is_flag=True, help="Really replace the current data (it is kept in a copy first)."
)
@json_option
def db_restore(path: str, yes: bool) -> None:
    """Replace the database with a backup. Everyone is signed out; on PostgreSQL the
    pg_restore line to run is printed instead."""
    if _postgres(path, "pg_restore"):
        return
    source = Path(path).resolve()
    revision = db.backup_revision(source)
    target = db.sqlite_file()
    assert target is not None  # _postgres answered otherwise
    if not yes:
        raise WorkbenchError(
            f"This replaces everything in {target} with {source} (migration {revision}); "
            "saves made since that backup are lost, and everyone must sign in again. "
            "Run again with --yes (a copy of the current database is kept first)."
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    db.backup_sqlite(kept)
    db.restore_sqlite(source)
    with db.write_session() as session:
        # The restored session table would revive sign-ins ended since the backup.
        ended = user_sessions.revoke(session)
        audit.record(
            session,
            users.builtin_user(session, users.CLI_USER),
            entity="database",
            entity_id=0,
            action="restore",
            changes={"file": str(source), "revision": revision, "kept": str(kept)},
        )
    emit(
        {"restored": str(source), "revision": revision, "kept": str(kept), "sessions_ended": ended},
        f"Restored {target} from {source} (migration {revision}, now up to date).\n"
        f"The database as it was before is kept in {kept}.",
    )


@command(
    "copy",
    check_schema=False,
    epilog="Example: workbench db copy --to postgresql+psycopg://workbench@db.example/workbench",
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL",
    help="The database to fill: migrated first, refused if it holds data.",
)
@click.option(
    "--from", "source", metavar="URL", help="The database to copy (default: the configured one)."
)
@json_option
def db_copy_command(target: str, source: str | None) -> None:
    """Copy the whole workbench into a new, empty database. SQLite to PostgreSQL or back;
    then the row counts and the CSV report are compared."""
    engine = db_copy.open_source(source or get_settings().database_url)
    with db.write_session(engine) as session:
        actor = users.builtin_user(session, users.CLI_USER)
    with progress("Copying", unit="rows") as step:
        result = db_copy.copy_database(
            actor, engine, target, on_progress=lambda table, done, total: step(done, total, table)
        )
    data = {
        "from": db_copy.shown(engine.url),
        "to": db_copy.shown(target),
        "rows": {count.table: count.target for count in result.tables},
        "search_documents": result.search_documents,
        "summary_rows": result.summary_rows,
        "claims": result.report_claims,
        "reports_identical": True,
    }
    width = max(len(count.table) for count in result.tables)
    lines = [f"Copied {data['from']} to {data['to']}:"]
    lines += [f"  {count.table:<{width}}  {count.target:>10,}" for count in result.tables]
    lines += [
        f"Rebuilt {result.search_documents:,} search documents and "
        f"{result.summary_rows:,} dashboard summary rows.",
        f"Row counts equal in every table; reports identical ({result.report_claims:,} claims).",
    ]
    emit(data, "\n".join(lines))


#: ``db`` commands beside ``upgrade`` (which ``cli`` defines).
DATABASE_COMMANDS = [db_backup, db_restore, db_copy_command]
#: ``user`` commands beside ``add`` (which ``cli`` defines).
ACCOUNT_COMMANDS = [
    user_list,
    user_set_role,
    user_deactivate,
    user_activate,
    user_reset_password,
    user_unlock,
]
