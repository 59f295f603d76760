"""The admin's tools: ``workbench user list|set-role|deactivate|activate|reset-password|unlock``
and ``workbench db backup|restore|copy``.

Kept apart from ``cli.py`` (which calls :func:`register` with its ``db`` and ``user``
command groups) so the core commands stay short. The account commands name accounts by
name and act as the built-in ``cli`` admin through the services in ``workbench/users.py``,
which check the role, end the person's sign-ins where needed and write the audit trail.
SQLite is copied with its online backup API, which is safe while the app writes; for
PostgreSQL the commands print the ``pg_dump``/``pg_restore`` line to run (without the
password: those tools ask for it, or read ``PGPASSWORD`` or ``~/.pgpass``). ``db copy``
moves a whole workbench between SQLite and PostgreSQL (``workbench/db_copy.py``).
"""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from workbench import audit, db, db_copy, throttle, user_sessions, users
from workbench.cli_output import emit
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


def read_password(args: argparse.Namespace) -> str:
    """A new password: the first line of standard input with ``--password-stdin`` (scripts),
    else asked twice at the terminal without echo. With neither it refuses, rather than let
    ``getpass`` fall back to reading a pipe with a warning."""
    if args.password_stdin:
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


def cmd_user_list(args: argparse.Namespace) -> None:
    """Every account but the built-in ``cli`` and ``local`` (as the Accounts page shows)."""
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
    emit(args, data, human or "No accounts yet: add one with `workbench user add`.")


def _change(
    args: argparse.Namespace, change: Callable[..., User], *values: object
) -> dict[str, object]:
    """Apply a service from ``workbench/users.py`` to the account named ``args.name``, as
    the built-in ``cli`` admin; the account as it is afterwards."""
    with db.write_session() as session:
        target = users.user_named(session, args.name)
        changed = change(session, users.builtin_user(session, users.CLI_USER), target.id, *values)
        return _account(changed)


def cmd_user_set_role(args: argparse.Namespace) -> None:
    data = _change(args, users.set_role, args.role)
    emit(args, data, f"{data['name']} is now {data['role']}.")


def cmd_user_set_active(args: argparse.Namespace) -> None:
    data = _change(args, users.set_active, args.active)
    emit(
        args,
        data,
        f"{data['name']} can sign in again."
        if args.active
        else f"Deactivated {data['name']}: they cannot sign in, and their open sessions ended.",
    )


def cmd_user_reset_password(args: argparse.Namespace) -> None:
    password = read_password(args)
    data = _change(args, users.set_password, password)
    emit(args, data, f"New password set for {data['name']}; their open sessions ended.")


def cmd_user_unlock(args: argparse.Namespace) -> None:
    if not (args.name or args.address):
        raise InvalidInput("Name the account to unlock, or give --address, or both.")
    with db.write_session() as session:
        cleared = throttle.unlock(
            session,
            users.builtin_user(session, users.CLI_USER),
            name=args.name,
            address=args.address,
        )
        data = [{"scope": row.scope, "key": row.key, "failures": row.failures} for row in cleared]
    human = "\n".join(
        f"Unlocked {item['scope']} {item['key']} ({item['failures']} recent "
        "failed sign-ins cleared)."
        for item in data
    )
    emit(
        args,
        data,
        human or "Nothing to unlock: no recent failed sign-ins for that name or address.",
    )


def _postgres(args: argparse.Namespace, tool: str) -> bool:
    """Print the PostgreSQL command instead when the database is not SQLite."""
    if db.sqlite_file() is not None:
        return False
    command = postgres_command(tool, args.path)
    emit(args, {"command": command}, f"PostgreSQL: run this (it asks for the password):\n{command}")
    return True


def cmd_db_backup(args: argparse.Namespace) -> None:
    if _postgres(args, "pg_dump"):
        return
    path = Path(args.path).resolve()
    db.backup_sqlite(path)
    result = {"file": str(path), "bytes": path.stat().st_size, "revision": db.backup_revision(path)}
    emit(
        args,
        result,
        f"Backed up {db.sqlite_file()} to {path} "
        f"({result['bytes']:,} bytes, migration {result['revision']}).",
    )


def cmd_db_restore(args: argparse.Namespace) -> None:
    if _postgres(args, "pg_restore"):
        return
    source = Path(args.path).resolve()
    revision = db.backup_revision(source)
    target = db.sqlite_file()
    assert target is not None  # _postgres answered otherwise
    if not args.yes:
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
        args,
        {"restored": str(source), "revision": revision, "kept": str(kept), "sessions_ended": ended},
        f"Restored {target} from {source} (migration {revision}, now up to date).\n"
        f"The database as it was before is kept in {kept}.",
    )


def _copy_progress(table: str, done: int, total: int) -> None:
    print(
        f"\r{table}: {done:,} of {total:,} rows", end="\n" if done >= total else "", file=sys.stderr
    )


def cmd_db_copy(args: argparse.Namespace) -> None:
    source = db_copy.open_source(args.source or get_settings().database_url)
    with db.write_session(source) as session:
        actor = users.builtin_user(session, users.CLI_USER)
    result = db_copy.copy_database(
        actor, source, args.to, on_progress=_copy_progress if sys.stderr.isatty() else None
    )
    data = {
        "from": db_copy.shown(source.url),
        "to": db_copy.shown(args.to),
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
    emit(args, data, "\n".join(lines))


def register(
    database: argparse._SubParsersAction[argparse.ArgumentParser],
    user: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``backup``, ``restore`` and ``copy`` to the ``db`` group and the account commands
    to the ``user`` group."""
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts")
    backup = database.add_parser(
        "backup",
        parents=[json_flag],
        help="copy the database safely while the app runs",
        epilog="example: workbench db backup backups/workbench-2025-03-06.sqlite3",
    )
    backup.add_argument("path", help="the backup file to write (SQLite) or name (PostgreSQL)")
    backup.set_defaults(handler=cmd_db_backup)
    restore = database.add_parser(
        "restore",
        parents=[json_flag],
        help="replace the database with a backup",
        epilog="example: workbench db restore backups/workbench-2025-03-06.sqlite3 --yes",
    )
    restore.add_argument("path", help="a file written by `workbench db backup`")
    restore.add_argument(
        "--yes",
        action="store_true",
        help="really replace the current data (it is kept in a copy first)",
    )
    restore.set_defaults(handler=cmd_db_restore)

    unlock = user.add_parser(
        "unlock",
        parents=[json_flag],
        help="clear failed sign-ins (the lock) of an account name and/or a client address",
        epilog="examples: workbench user unlock anna; workbench user unlock --address 203.0.113.7",
    )
    unlock.add_argument("name", nargs="?", default="", help="the account name that was tried")
    unlock.add_argument("--address", default="", help="a client IP address to clear as well")
    unlock.set_defaults(handler=cmd_user_unlock)
    _register_accounts(user, json_flag)
    copy = database.add_parser(
        "copy",
        parents=[json_flag],
        help="copy the whole workbench into a new, empty database (SQLite to PostgreSQL or "
        "back), then check row counts and the CSV report",
        epilog="example: workbench db copy --to "
        "postgresql+psycopg://workbench@db.example/workbench",
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the database to fill; migrated first, refused if it holds data",
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="the database to copy (default: the configured one)",
    )
    copy.set_defaults(handler=cmd_db_copy)


def _register_accounts(
    user: argparse._SubParsersAction[argparse.ArgumentParser], json_flag: argparse.ArgumentParser
) -> None:
    user.add_parser(
        "list",
        parents=[json_flag],
        help="list the accounts: name, role, active, created, display name",
        epilog="example: workbench user list --json",
    ).set_defaults(handler=cmd_user_list)
    role = user.add_parser(
        "set-role",
        parents=[json_flag],
        help="change an account's role",
        epilog="example: workbench user set-role anna editor",
    )
    role.add_argument("name", help="the account's name")
    role.add_argument("role", help="reviewer, editor or admin")
    role.set_defaults(handler=cmd_user_set_role)
    for command, active, what in (
        (
            "deactivate",
            False,
            "stop an account signing in (its open sessions end at once; its work stays)",
        ),
        ("activate", True, "let a deactivated account sign in again"),
    ):
        switch = user.add_parser(
            command,
            parents=[json_flag],
            help=what,
            epilog=f"example: workbench user {command} anna",
        )
        switch.add_argument("name", help="the account's name")
        switch.set_defaults(handler=cmd_user_set_active, active=active)
    reset = user.add_parser(
        "reset-password",
        parents=[json_flag],
        help="set a new password (asked twice); the account's open sessions end",
        epilog="examples: workbench user reset-password anna; "
        "workbench user reset-password anna --password-stdin < new-password.txt",
    )
    reset.add_argument("name", help="the account's name")
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    reset.set_defaults(handler=cmd_user_reset_password)
