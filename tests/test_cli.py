"""The ``workbench`` command, run in-process against the test database (``database_url`` sets
WORKBENCH_DATABASE_URL), plus one run of the installed console script."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from tests.conftest import run_json
from workbench import claims, cli, db, users
from workbench.models import Article, Role
from workbench.settings import get_settings

SCRIPT_TIMEOUT = 120


def article_count(engine) -> int:
    with db.read_session(engine) as session:
        return len(session.exec(select(Article.id)).all())


def test_demo_then_article_show(run_cli):
    demo = run_json(run_cli, "demo")
    assert isinstance(demo["id"], int) and demo["title"]
    shown = run_json(run_cli, "article", "show", str(demo["id"]))
    assert shown["id"] == demo["id"] and shown["title"] == demo["title"]
    assert "Kallas" in shown["body"] and "$6.2 billion" in shown["body"]
    assert "body_hash" not in shown
    assert run_json(run_cli, "demo")["id"] == demo["id"]  # loading twice reuses the article


def test_article_show_human_output(run_cli):
    demo = run_json(run_cli, "demo")
    code, out, _err = run_cli("article", "show", str(demo["id"]))
    assert code == 0
    assert out.startswith(f"#{demo['id']} {demo['title']}\n")
    assert "$6.2 billion" in out


def test_claims_list(run_cli, engine, reviewer):
    assert run_json(run_cli, "claims", "list") == []
    code, out, _err = run_cli("claims", "list")
    assert code == 0 and out.strip() == "No claims."

    article_id = run_json(run_cli, "demo")["id"]
    with db.read_session(engine) as session:
        body = session.get(Article, article_id).body
    texts = ["an €800 billion plan", "valued at least at $6.2 billion"]
    for text in texts:
        start = body.index(text)
        with db.write_session(engine) as session:
            claims.create_claim(
                session,
                reviewer,
                claims.ClaimDraft(
                    article_id=article_id, start=start, end=start + len(text), tags=["aid"]
                ),
            )

    listed = run_json(run_cli, "claims", "list")
    assert [c["quote"] for c in listed] == texts  # by id
    for item in listed:
        assert {
            "id",
            "article_id",
            "start",
            "end",
            "quote",
            "statement",
            "state",
            "version",
        } <= set(item)
        assert item["article_id"] == article_id
        assert item["quote"] == body[item["start"] : item["end"]]
        assert item["statement"] == item["quote"]
        assert (item["state"], item["version"], item["tags"]) == ("new", 1, ["aid"])
    by_article = run_json(run_cli, "claims", "list", "--article", str(article_id))
    assert [c["start"] for c in by_article] == sorted(c["start"] for c in listed)
    assert run_json(run_cli, "claims", "list", "--limit", "1") == listed[:1]


def test_article_add_txt(run_cli, engine, tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text(
        "Officials said the fund holds €800 billion.\n\nA second paragraph.\n", encoding="utf-8"
    )
    added = run_json(
        run_cli,
        "article",
        "add",
        str(path),
        "--title",
        "Fund story",
        "--outlet",
        "Wire",
        "--url",
        "https://example.org/fund",
    )
    with db.read_session(engine) as session:
        stored = session.get(Article, added["id"])
    assert added["title"] == stored.title == "Fund story"
    assert stored.body.startswith("Officials said the fund holds €800 billion.")
    assert (stored.outlet, stored.url) == ("Wire", "https://example.org/fund")
    # Without --json the id alone is printed, for shell scripts.
    other = tmp_path / "other.txt"
    other.write_text("A different article about aid.", encoding="utf-8")
    code, out, _err = run_cli("article", "add", str(other), "--title", "Other")
    assert code == 0 and out.strip().isdigit() and int(out) != added["id"]
    with db.read_session(engine) as session:
        assert session.get(Article, int(out)).title == "Other"


def test_article_add_html_extracts_text_without_script(run_cli, engine, tmp_path: Path):
    path = tmp_path / "story.html"
    path.write_text(
        "<html><head><title>Page title</title><script>alert('x')</script></head>"
        "<body><p>The EU pledged €800 billion for defence.</p>"
        "<p>Hungary rejected the draft.</p></body></html>",
        encoding="utf-8",
    )
    added = run_json(run_cli, "article", "add", str(path), "--title", "Aid in HTML")
    with db.read_session(engine) as session:
        stored = session.get(Article, added["id"])
    assert stored.title == "Aid in HTML"
    assert "The EU pledged €800 billion for defence." in stored.body
    assert "Hungary rejected the draft." in stored.body
    assert "alert" not in stored.body and "<p>" not in stored.body


@pytest.mark.parametrize(
    "name,data",
    [
        ("scan.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("dump.txt", b"text\x00with\x00nul\x00bytes" * 10),
        ("report.pdf", b"%PDF-1.7\n%binary"),
    ],
)
def test_article_add_binary_file_is_refused(run_cli, engine, tmp_path: Path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run_cli("article", "add", str(path), "--title", "Binary", "--json")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ") and "Traceback" not in err
    assert "binary" in err.lower() or "not text" in err or "not supported" in err
    assert article_count(engine) == 0


def test_article_add_missing_file(run_cli, engine, tmp_path: Path):
    code, _out, err = run_cli("article", "add", str(tmp_path / "nope.txt"), "--title", "X")
    assert code == 1 and "Cannot read" in err
    assert article_count(engine) == 0


def test_article_add_duplicate_is_refused(run_cli, engine, tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text("The same story twice.", encoding="utf-8")
    first = run_json(run_cli, "article", "add", str(path))
    code, _out, err = run_cli("article", "add", str(path))
    assert code == 1 and f"#{first['id']}" in err
    assert run_json(run_cli, "article", "add", str(path), "--allow-duplicate")["id"] != first["id"]
    assert article_count(engine) == 2


def test_user_add_reads_password_from_stdin(run_cli, engine, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long cli password\nignored line\n"))
    added = run_json(run_cli, "user", "add", "carol", "--role", "editor", "--password-stdin")
    assert added["name"] == "carol" and added["role"] == "editor"
    with db.read_session(engine) as session:
        user = users.find_user(session, "carol")
    assert user.id == added["id"] and user.role == Role.editor
    assert users.verify_password("a long cli password", user.password_hash)
    assert not users.verify_password("a long cli password\n", user.password_hash)


def test_user_add_short_password_fails_cleanly(run_cli, engine, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, out, err = run_cli("user", "add", "dave", "--role", "reviewer", "--password-stdin")
    assert code == 1 and out == ""
    assert "at least 10" in err
    with db.read_session(engine) as session:
        assert users.find_user(session, "dave") is None


def test_unknown_article_id(run_cli):
    code, out, err = run_cli("article", "show", "424242", "--json")
    assert code == 1 and out == ""
    assert "There is no article #424242" in err
    code, _out, err = run_cli("claims", "list", "--article", "424242")
    assert code == 1 and "There is no article #424242" in err


def test_bad_arguments_exit_with_usage(run_cli):
    code, out, err = run_cli("article", "show", "not-a-number")
    assert (code, out) == (2, "")
    assert err.startswith("Usage: workbench article show [OPTIONS] ID\n")
    assert "Try 'workbench article show --help' for help." in err
    assert err.endswith(
        "error: Invalid value for 'ID': An id must be a whole number such as 12, "
        "not 'not-a-number'.\n"
    )
    code, _, err = run_cli("claims", "lst")
    assert code == 2 and "error: No such command 'lst'." in err
    code, out, err = run_cli()  # no command: the help, on stderr
    assert (code, out) == (2, "") and err.startswith("Usage: workbench [OPTIONS] COMMAND")


def test_an_interrupt_is_one_line_and_status_1(run_cli, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(claims, "list_all_claims", interrupted)
    code, out, err = run_cli("claims", "list")
    assert (code, out) == (1, "")
    assert err.strip() == "Aborted."


def _console_script() -> list[str]:
    found = shutil.which("workbench") or shutil.which(
        "workbench", path=str(Path(sys.executable).parent)
    )
    return [found] if found else [sys.executable, "-m", "workbench.cli"]


def test_installed_console_script(tmp_path: Path):
    command = _console_script()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'script.sqlite3'}"}
    helped = subprocess.run(
        [*command, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("Usage: workbench")
    for group in ("db", "user", "article", "claims", "demo"):
        assert group in helped.stdout
    # The script's exit status is main()'s return value.
    missing = subprocess.run(
        [*command, "article", "show", "7"],
        capture_output=True,
        text=True,
        env=env,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert missing.returncode == 1
    assert "There is no article #7" in missing.stderr


# --- ids, database failures, derived titles (issue 8) -------------------------------------

BAD_IDS = ["²", "٣", "18446744073709551616", "99999999999999999999999", "-1", "0", "1.5"]


@pytest.fixture
def offline_run(tmp_path: Path, monkeypatch, capsys):
    """The CLI against a throw-away SQLite file, for refusals that must happen before any
    database is opened (one backend is enough: nothing reaches it)."""
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()

    def _run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    db.get_engine.cache_clear()
    get_settings.cache_clear()
    assert not (tmp_path / "unused.sqlite3").exists(), "the refusal came after opening it"


@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize(
    "argv",
    [("article", "show", "{}"), ("claims", "list", "--article", "{}"), ("claims", "suggest", "{}")],
    ids=["article-show", "claims-list", "claims-suggest"],
)
def test_malformed_ids_are_refused_with_a_message(offline_run, argv, bad_id):
    """Before: 2**64 gave an OverflowError traceback on SQLite, "-1" and "0" a misleading
    "There is no article", "²" argparse's bare "invalid int value". Every id argument now goes
    through one type function."""
    code, out, err = offline_run(*(part.format(bad_id) for part in argv))
    assert (code, out) == (2, "")
    assert "error: " in err and "Traceback" not in err
    # click reads "-1" where an argument stands as an option it does not know (argparse
    # took it for a number): refused all the same, before the database.
    positional = argv[-2] != "--article"
    assert ("No such option" if positional and bad_id == "-1" else "An id must be") in err


@pytest.mark.parametrize("flag_value", ["0", "-5", "99999999999999999999"])
def test_malformed_limits_are_refused(offline_run, flag_value):
    code, _, err = offline_run("claims", "list", "--limit", flag_value)
    assert code == 2
    assert "A limit must be" in err


def _operational_error(driver_error: Exception) -> OperationalError:
    return OperationalError("SELECT secret_column FROM claim WHERE id = ?", ("p4ss",), driver_error)


@pytest.mark.parametrize(
    ("driver_error", "expected"),
    [
        (
            sqlite3.OperationalError("database is locked"),
            "error: the database is busy (an import may be running); try again",
        ),
        (
            sqlite3.OperationalError("database or disk is full"),
            "error: disk full — nothing was saved",
        ),
        (
            psycopg.errors.DiskFull("could not extend file: No space left on device"),
            "error: disk full — nothing was saved",
        ),
    ],
    ids=["sqlite-locked", "sqlite-full", "postgres-disk-full"],
)
def test_database_failures_become_one_line(run_cli, monkeypatch, driver_error, expected):
    def fail(*_args, **_kwargs):
        raise _operational_error(driver_error)

    monkeypatch.setattr(claims, "list_all_claims", fail)
    code, out, err = run_cli("claims", "list")
    assert (code, out, err) == (1, "", expected + "\n")  # no SQL, no parameters


def test_other_operational_errors_still_raise(run_cli, monkeypatch):
    def fail(*_args, **_kwargs):
        raise _operational_error(sqlite3.OperationalError("no such table: claim"))

    monkeypatch.setattr(claims, "list_all_claims", fail)
    with pytest.raises(OperationalError):
        run_cli("claims", "list")


def test_locked_database_is_reported_not_raised(run_cli, database_url, monkeypatch):
    """A real lock: another connection holds SQLite's write lock past the busy timeout."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    run_cli("db", "upgrade")
    monkeypatch.setenv("WORKBENCH_SQLITE_BUSY_TIMEOUT_MS", "50")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run_cli("demo")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (code, out) == (1, "")
    assert err == "error: the database is busy (an import may be running); try again\n"


def test_article_add_without_title_derives_a_short_one(run_cli, engine, tmp_path: Path):
    """Before: "Title is too long (2975 characters; at most 500)"."""
    paragraph = " ".join(f"Officials said the fund holds €{n} billion." for n in range(70))
    path = tmp_path / "story.txt"
    path.write_text(f"{paragraph}\n\nSecond paragraph.", encoding="utf-8")
    added = run_json(run_cli, "article", "add", str(path))
    assert len(added["title"]) <= 500 and added["title"].endswith("…")
    assert paragraph.startswith(added["title"].removesuffix("…") + " ")
    with db.read_session(engine) as session:
        assert session.get(Article, added["id"]).body.startswith(paragraph)


def test_console_script_refuses_a_bad_id_without_traceback(tmp_path: Path):
    env = {**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'script.sqlite3'}"}
    result = subprocess.run(
        [*_console_script(), "claims", "suggest", "99999999999999999999999"],
        capture_output=True,
        text=True,
        env=env,
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2
    assert "error: " in result.stderr and "Traceback" not in result.stderr
    assert "between 1 and 2,147,483,647" in result.stderr
