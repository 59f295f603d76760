"""No implicit migration (issue 12): only ``workbench db upgrade`` moves an existing database
to a newer revision; every other command refuses one that is behind, in one line naming the
revision and the command to run, and creates a database that does not exist yet."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from workbench import cli, db
from workbench.settings import get_settings


def revision(url: str) -> str | None:
    with db.get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


@pytest.fixture
def behind(database_url: str) -> str:
    """The test database one migration behind the newest; its revision."""
    command.downgrade(db.alembic_config(database_url), "-1")
    previous = revision(database_url)
    assert previous is not None and previous != head()
    return previous


def test_a_command_on_a_database_behind_refuses_and_leaves_it_alone(run_cli, database_url, behind):
    for argv in (["claims", "list"], ["demo"], ["serve"]):
        code, out, err = run_cli(*argv)
        assert (code, out) == (1, "")
        assert err == f"error: the database is at revision {behind}; run `workbench db upgrade`\n"
    assert revision(database_url) == behind


def test_db_upgrade_moves_it_and_then_commands_work(run_cli, database_url, behind):
    assert run_cli("db", "upgrade") == (0, "Database is up to date.\n", "")
    assert revision(database_url) == head()
    assert run_cli("claims", "list") == (0, "No claims.\n", "")


def test_serve_refuses_before_starting_the_server(run_cli, behind, monkeypatch):
    started: list[tuple] = []
    monkeypatch.setattr(cli.os, "execv", lambda *argv: started.append(argv))
    assert run_cli("serve", "--server.port", "8599")[0] == 1
    assert started == []


def test_a_database_of_a_newer_workbench_is_refused(run_cli, database_url):
    with db.get_engine(database_url).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    code, _, err = run_cli("claims", "list")
    assert code == 1
    assert err == (
        f"error: the database is at revision 9999, newer than this workbench knows "
        f"(its newest is {head()}); install the newer workbench\n"
    )


@pytest.fixture
def sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A SQLite file the CLI uses (not made yet), and the command run in-process."""
    path = tmp_path / "new" / "workbench.sqlite3"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield path
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.mark.parametrize("empty_file", [False, True], ids=["no-file", "empty-file"])
def test_a_new_database_is_created_at_the_newest_revision(sqlite_file, capsys, empty_file):
    if empty_file:
        sqlite_file.parent.mkdir()
        sqlite_file.touch()
    assert cli.main(["claims", "list"]) == 0
    assert capsys.readouterr().out == "No claims.\n"
    assert revision(f"sqlite:///{sqlite_file}") == head()


def test_a_database_that_is_not_the_workbenchs_is_left_alone(sqlite_file, capsys):
    sqlite_file.parent.mkdir()
    with closing(sqlite3.connect(sqlite_file)) as other:
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    assert cli.main(["claims", "list"]) == 1
    assert capsys.readouterr().err == (
        "error: the database has tables but no workbench revision; check WORKBENCH_DATABASE_URL\n"
    )
    with closing(sqlite3.connect(sqlite_file)) as other:
        tables = other.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("invoices",)]


def test_serve_hands_streamlit_options_to_streamlit_run(sqlite_file, monkeypatch):
    """`workbench serve` becomes `python -m streamlit run workbench/ui/web.py OPTIONS`, which
    types and checks the options itself (and reads STREAMLIT_* variables)."""
    started: list[tuple] = []
    monkeypatch.setattr(cli.os, "execv", lambda *argv: started.append(argv))
    assert cli.main(["serve", "--server.port", "8599", "--server.headless=true"]) == 0
    [(program, argv)] = started
    launcher = Path(cli.__file__).parent / "ui" / "web.py"
    assert argv == [
        program,
        "-m",
        "streamlit",
        "run",
        str(launcher),
        "--server.port",
        "8599",
        "--server.headless=true",
    ]


def test_other_commands_refuse_options_they_do_not_know(sqlite_file, capsys):
    assert cli.main(["claims", "list", "--server.port", "8599"]) == 2
    assert "error: No such option '--server.port'." in capsys.readouterr().err
    assert not sqlite_file.exists()
