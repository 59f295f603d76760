"""``workbench user unlock`` and ``workbench db backup|restore``: the admin's safety tools.

Kept apart from ``cli.py`` (which calls :func:`register` with its ``db`` and ``user``
command groups) so the core commands stay short. SQLite is copied with its online
backup API, which is safe while the app writes; for PostgreSQL the commands print the
``pg_dump``/``pg_restore`` line to run (without the password: those tools ask for it,
or read ``PGPASSWORD`` or ``~/.pgpass``).
"""

from __future__ import annotations

import argparse
import shlex
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from workbench import audit, db, throttle, user_sessions, users
from workbench.cli_output import emit
from workbench.errors import InvalidInput, WorkbenchError
from workbench.settings import get_settings


def postgres_command(tool: str, path: str, url: str | None = None) -> str:
    """The shell line that dumps (``pg_dump``) or restores (``pg_restore``) the configured
    PostgreSQL database to or from ``path``; the password is left out on purpose."""
    given = make_url(url or get_settings().database_url)
    target = URL.create("postgresql", username=given.username, host=given.host,
                        port=given.port, database=given.database, query=given.query)
    dbname = f"--dbname={target.render_as_string(hide_password=False)}"
    if tool == "pg_dump":
        words = ["pg_dump", "--format=custom", f"--file={path}", dbname]
    else:  # into an existing database, all or nothing, owned by whoever runs it
        words = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 dbname, path]
    return shlex.join(words)


def cmd_user_unlock(args: argparse.Namespace) -> None:
    if not (args.name or args.address):
        raise InvalidInput("Name the account to unlock, or give --address, or both.")
    with db.write_session() as session:
        cleared = throttle.unlock(session, users.builtin_user(session, users.CLI_USER),
                                  name=args.name, address=args.address)
        data = [{"scope": row.scope, "key": row.key, "failures": row.failures}
                for row in cleared]
    human = "\n".join(f"Unlocked {item['scope']} {item['key']} ({item['failures']} recent "
                      "failed sign-ins cleared)." for item in data)
    emit(args, data, human or "Nothing to unlock: no recent failed sign-ins for that "
                                  "name or address.")


def _postgres(args: argparse.Namespace, tool: str) -> bool:
    """Print the PostgreSQL command instead when the database is not SQLite."""
    if db.sqlite_file() is not None:
        return False
    command = postgres_command(tool, args.path)
    emit(args, {"command": command},
             f"PostgreSQL: run this (it asks for the password):\n{command}")
    return True


def cmd_db_backup(args: argparse.Namespace) -> None:
    if _postgres(args, "pg_dump"):
        return
    path = Path(args.path).resolve()
    db.backup_sqlite(path)
    result = {"file": str(path), "bytes": path.stat().st_size,
              "revision": db.backup_revision(path)}
    emit(args, result, f"Backed up {db.sqlite_file()} to {path} "
                           f"({result['bytes']:,} bytes, migration {result['revision']}).")


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
            "Run again with --yes (a copy of the current database is kept first).")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    db.backup_sqlite(kept)
    db.restore_sqlite(source)
    with db.write_session() as session:
        # The restored session table would revive sign-ins ended since the backup.
        ended = user_sessions.revoke(session)
        audit.record(session, users.builtin_user(session, users.CLI_USER), entity="database",
                     entity_id=0, action="restore",
                     changes={"file": str(source), "revision": revision, "kept": str(kept)})
    emit(args, {"restored": str(source), "revision": revision, "kept": str(kept),
                    "sessions_ended": ended},
             f"Restored {target} from {source} (migration {revision}, now up to date).\n"
             f"The database as it was before is kept in {kept}.")


def register(database: argparse._SubParsersAction,  # type: ignore[type-arg]
             user: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``backup`` and ``restore`` to the ``db`` group and ``unlock`` to the ``user`` group."""
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts")
    backup = database.add_parser(
        "backup", parents=[json_flag], help="copy the database safely while the app runs",
        epilog="example: workbench db backup backups/workbench-2025-03-06.sqlite3")
    backup.add_argument("path", help="the backup file to write (SQLite) or name (PostgreSQL)")
    backup.set_defaults(handler=cmd_db_backup)
    restore = database.add_parser(
        "restore", parents=[json_flag], help="replace the database with a backup",
        epilog="example: workbench db restore backups/workbench-2025-03-06.sqlite3 --yes")
    restore.add_argument("path", help="a file written by `workbench db backup`")
    restore.add_argument("--yes", action="store_true",
                         help="really replace the current data (it is kept in a copy first)")
    restore.set_defaults(handler=cmd_db_restore)

    unlock = user.add_parser(
        "unlock", parents=[json_flag],
        help="clear failed sign-ins (the lock) of an account name and/or a client address",
        epilog="examples: workbench user unlock anna; workbench user unlock --address 203.0.113.7")
    unlock.add_argument("name", nargs="?", default="", help="the account name that was tried")
    unlock.add_argument("--address", default="", help="a client IP address to clear as well")
    unlock.set_defaults(handler=cmd_user_unlock)
