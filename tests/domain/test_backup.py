"""Backups taken while colleagues save are consistent, readable by the CLI, and restorable.

SQLite goes through ``db.backup_sqlite``/``db.restore_sqlite`` (the online backup API);
PostgreSQL through the very ``pg_dump``/``pg_restore`` lines ``workbench db backup|restore``
print, run as a user would run them.
"""

import json
import os
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import _postgres_database
from tests.factories import add_claims, claim_versions, edit_statement
from workbench import claims, cli_admin, db
from workbench.settings import PROJECT_ROOT

CLAIMS = 6
WRITERS = 3
COMMAND_TIMEOUT = 120


def run(command: str) -> None:
    subprocess.run(shlex.split(command), check=True, capture_output=True, timeout=COMMAND_TIMEOUT)


@contextmanager
def backup_of(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Take a backup of ``database_url`` now; yield a URL from which it can be read."""
    if db.sqlite_file(database_url) is not None:
        path = tmp_path / "backup.sqlite3"
        db.backup_sqlite(path, database_url)
        yield f"sqlite:///{path}"
        return
    dump = tmp_path / "backup.dump"
    run(cli_admin.postgres_command("pg_dump", str(dump), database_url))
    restored = _postgres_database()
    url = next(restored)
    try:
        run(cli_admin.postgres_command("pg_restore", str(dump), url))
        yield url
    finally:
        next(restored, None)


def cli_claims(url: str) -> list[dict]:
    """``WORKBENCH_DATABASE_URL=<url> workbench claims list --json``, in a new process."""
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "claims", "list", "--json"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "WORKBENCH_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=True,
    )
    return json.loads(result.stdout)


def test_backup_while_writers_save_is_consistent_and_readable(
    database_url, engine, reviewer, tmp_path
):
    ids = add_claims(engine, reviewer, CLAIMS)
    stop = threading.Event()
    saves = [0] * WRITERS
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            while not stop.is_set():
                claim_id = ids[(saves[n] + n) % len(ids)]
                edit_statement(engine, reviewer, claim_id, f"Writer {n}, save {saves[n]}")
                saves[n] += 1
        except BaseException as error:  # surfaced below, with the thread's traceback
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        while sum(saves) < 20 and not errors:  # writers are well under way
            stop.wait(0.05)
        before = sum(saves)
        with backup_of(database_url, tmp_path) as backup_url:
            after = sum(saves)
            while sum(saves) < after + 5 and not errors:  # and they go on after it
                stop.wait(0.05)
            stop.set()
            for thread in threads:
                thread.join()
            assert not errors, errors
            copied = claim_versions(backup_url)
            listed = cli_claims(backup_url)
    finally:
        stop.set()
    assert [claim_id for claim_id, _, _ in copied] == ids
    assert all(version == 1 + updates for _, version, updates in copied), copied
    assert before <= sum(updates for _, _, updates in copied) <= after + WRITERS
    assert sum(saves) > after  # saves went on while and after the copy was made
    assert [(c["id"], c["version"]) for c in listed] == [(i, v) for i, v, _ in copied]


def test_restore_brings_back_the_data(database_url, engine, reviewer, tmp_path):
    ids = add_claims(engine, reviewer, 3)
    edit_statement(engine, reviewer, ids[0], "As it was at backup time")
    with backup_of(database_url, tmp_path) as backup_url:
        edit_statement(engine, reviewer, ids[0], "Changed after the backup")
        add_claims(engine, reviewer, 2)
        if db.sqlite_file(database_url) is not None:
            db.restore_sqlite(Path(db.sqlite_file(backup_url)), database_url)
        else:
            dump = tmp_path / "backup.dump"  # what backup_of wrote
            run(cli_admin.postgres_command("pg_restore", str(dump), database_url))
        expected = claim_versions(backup_url)
    restored = claim_versions(database_url)
    assert restored == expected and [claim_id for claim_id, _, _ in restored] == ids
    with db.read_session(engine) as session:  # the app's pooled connections see it too
        assert claims.get_claim(session, ids[0]).statement == "As it was at backup time"
