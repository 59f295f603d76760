"""``workbench user unlock`` and ``workbench db backup|restore``, run in-process against the
test database (``database_url`` sets WORKBENCH_DATABASE_URL)."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from tests.conftest import PASSWORD, run_json
from tests.factories import add_claims, claim_versions, edit_statement
from workbench import auth, db, throttle
from workbench.models import AuditEvent
from workbench.settings import get_settings

LOCK = throttle.POLICIES[throttle.ACCOUNT].lock_after
ADDRESS_LOCK = throttle.POLICIES[throttle.ADDRESS].lock_after


@pytest.fixture
def sqlite_only(database_url):
    if db.sqlite_file(database_url) is None:
        pytest.skip("SQLite's file backup; PostgreSQL: see test_postgres_commands_*")


def locked(engine, name="rita", address=None) -> bool:
    try:
        auth.sign_in(name, PASSWORD, address=address, engine=engine)
    except auth.SignInFailed as refused:
        return refused.delay > 0
    return False


def test_user_unlock_ends_a_lock_set_by_failures(run_cli, engine, reviewer):
    for _ in range(LOCK):
        throttle.record_failure(engine, [throttle.account_key("rita")])
    assert locked(engine)
    assert run_json(run_cli, "user", "unlock", "Rita") == [
        {"scope": "account", "key": "rita", "failures": LOCK}
    ]
    assert not locked(engine)
    code, out, _ = run_cli("user", "unlock", "rita")
    assert code == 0 and out.startswith("Nothing to unlock")


def test_user_unlock_clears_an_address(run_cli, engine, reviewer):
    keys = [(throttle.ADDRESS, "203.0.113.9")]
    for _ in range(ADDRESS_LOCK):
        throttle.record_failure(engine, keys)
    assert locked(engine, address="203.0.113.9")
    code, out, _ = run_cli("user", "unlock", "--address", "203.0.113.9")
    assert code == 0 and out.strip() == (
        f"Unlocked address 203.0.113.9 ({ADDRESS_LOCK} recent failed sign-ins cleared)."
    )
    assert not locked(engine, address="203.0.113.9")


def test_user_unlock_needs_a_name_or_an_address(run_cli):
    code, _, err = run_cli("user", "unlock")
    assert code == 1 and "Name the account to unlock" in err


def test_backup_then_restore_with_yes(
    run_cli, sqlite_only, database_url, engine, reviewer, tmp_path
):
    ids = add_claims(engine, reviewer, 2)
    token, _ = auth.sign_in("rita", PASSWORD, engine=engine)
    backup = tmp_path / "backups" / "desk.sqlite3"
    backup.parent.mkdir()
    made = run_json(run_cli, "db", "backup", str(backup))
    assert made["file"] == str(backup) and made["revision"] and made["bytes"] > 0
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}.partial").exists()
    expected = claim_versions(f"sqlite:///{backup}")
    with db.write_session(engine) as session:
        auth.sign_out(session, token)  # signed out after the backup...
    edit_statement(engine, reviewer, ids[0], "Saved after the backup")

    code, _, err = run_cli("db", "restore", str(backup))
    assert code == 1 and "--yes" in err and "saves made since that backup are lost" in err
    assert claim_versions(database_url) != expected  # nothing was touched without --yes

    restored = run_json(run_cli, "db", "restore", str(backup), "--yes")
    assert claim_versions(database_url) == expected
    assert restored["sessions_ended"] == 1
    with db.write_session(engine) as session:
        assert auth.user_for_token(session, token) is None  # ...stays signed out
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "restore")).all()
    assert [e.changes["file"] for e in events] == [str(backup)]
    kept = Path(restored["kept"])
    assert kept.parent == db.sqlite_file(database_url).parent
    assert claim_versions(f"sqlite:///{kept}") != expected  # the overwritten state is kept


@pytest.mark.parametrize("content", [b"just some text\n", b""])
def test_restore_refuses_what_is_not_a_workbench_backup(run_cli, sqlite_only, tmp_path, content):
    path = tmp_path / "not-a-backup.sqlite3"
    path.write_bytes(content)
    if not content:  # an empty SQLite database: valid file, no workbench in it
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    code, _, err = run_cli("db", "restore", str(path), "--yes")
    assert code == 1 and ("not a workbench database" in err), err
    code, _, err = run_cli("db", "restore", str(tmp_path / "missing.sqlite3"), "--yes")
    assert code == 1 and "There is no file" in err


def test_restore_refuses_an_unknown_migration(run_cli, sqlite_only, tmp_path):
    backup = tmp_path / "future.sqlite3"
    run_json(run_cli, "db", "backup", str(backup))
    with sqlite3.connect(backup) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    code, _, err = run_cli("db", "restore", str(backup), "--yes")
    assert code == 1 and "migration 9999" in err


def test_backup_refuses_to_overwrite_the_live_database(run_cli, sqlite_only, database_url):
    code, _, err = run_cli("db", "backup", str(db.sqlite_file(database_url)))
    assert code == 1 and "cannot overwrite the database it copies" in err


def test_postgres_commands_name_the_database_but_never_the_password(
    run_cli, database_url, monkeypatch
):
    if db.sqlite_file(database_url) is not None:  # what a PostgreSQL desk would configure
        monkeypatch.setenv(
            "WORKBENCH_DATABASE_URL", "postgresql+psycopg://desk:s3cret@db.example:5433/news"
        )
        monkeypatch.setattr(db, "upgrade", lambda *args, **kwargs: None)
        get_settings.cache_clear()
    url = make_url(get_settings().database_url)
    dump = run_json(run_cli, "db", "backup", "nightly.dump")["command"]
    restore = run_json(run_cli, "db", "restore", "nightly.dump")["command"]
    assert dump.startswith("pg_dump --format=custom --file=nightly.dump ")
    assert restore.startswith("pg_restore --clean --if-exists --no-owner --single-transaction")
    for command in (dump, restore):
        assert f"/{url.database}" in command and f"{url.username}@{url.host}" in command
        if url.password:
            assert url.password not in command
