"""Logging (issue 13): one INFO line per committed write with the actor and ids, never a
password, token or typed text; JSON lines on stderr; ``workbench --verbose``."""

import io
import json
import logging
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import PASSWORD, new_claim
from workbench import auth, claims, db, logs, users
from workbench.models import User
from workbench.sample import sample_draft
from workbench.settings import SettingsError, get_settings

STATEMENT = "The minister's unpublished wording, 4711"
NEW_PASSWORD = "a brand-new secret 42"


@pytest.fixture(autouse=True)
def workbench_logger() -> Iterator[logging.Logger]:
    """The ``workbench`` logger, put back as it was: ``configure`` and the CLI change it."""
    logger = logging.getLogger(logs.LOGGER)
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """``caplog`` taking every record of the ``workbench`` loggers, DEBUG and up."""
    caplog.set_level(logging.DEBUG, logger=logs.LOGGER)
    return caplog


def audit_lines(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [record for record in records if record.name == "workbench.audit"]


def as_json(record: logging.LogRecord) -> str:
    return logs.JsonFormatter().format(record)


# --- writes are logged with the actor and ids, never the texts ------------------------------


def test_a_claim_save_logs_one_line_with_actor_and_ids_but_not_the_statement(
    engine, reviewer: User, article, logged
) -> None:
    claim = new_claim(engine, reviewer, article)
    logged.clear()
    with db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, statement=STATEMENT)
    [line] = audit_lines(logged.records)
    assert line.levelno == logging.INFO
    assert (line.actor_id, line.actor_name) == (reviewer.id, "rita")
    assert (line.entity, line.entity_id, line.claim_id, line.action) == (
        "claim",
        claim.id,
        claim.id,
        "update",
    )
    assert line.changed == ["statement"]
    assert "wording" not in line.getMessage() and "wording" not in as_json(line)


def test_a_rolled_back_write_logs_nothing(engine, reviewer: User, article, logged) -> None:
    claim = new_claim(engine, reviewer, article)
    logged.clear()
    with pytest.raises(RuntimeError), db.write_session(engine) as session:
        claims.update_claim(session, reviewer, claim.id, claim.version, statement=STATEMENT)
        raise RuntimeError("a later step of the same transaction failed")
    assert audit_lines(logged.records) == []
    with db.write_session(engine) as session:  # a session reused after a rollback
        claims.update_claim(session, reviewer, claim.id, claim.version, statement=STATEMENT)
        session.rollback()
        claims.update_claim(session, reviewer, claim.id, claim.version, claimant="Someone")
    assert [line.changed for line in audit_lines(logged.records)] == [["claimant"]]


def test_password_change_and_sign_in_log_no_password_hash_or_token(
    engine, reviewer: User, logged
) -> None:
    with db.write_session(engine) as session:
        stored = users.set_password(session, reviewer, reviewer.id, NEW_PASSWORD).password_hash
    with pytest.raises(auth.SignInFailed):
        auth.sign_in("rita", PASSWORD, engine=engine)  # the old one: refused
    token, _user = auth.sign_in("rita", NEW_PASSWORD, engine=engine)
    assert [line.action for line in audit_lines(logged.records)] == ["password", "sign_in"]
    secrets = (NEW_PASSWORD, PASSWORD, stored, token, auth.cookie_value(token))
    for record in logged.records:
        line = as_json(record)
        assert not [secret for secret in secrets if secret and secret in line], line


# --- the JSON lines ---------------------------------------------------------------------------


def test_each_record_is_one_json_object_per_line_with_its_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("workbench.test_json")
    logger.addHandler(handler)
    try:
        logger.warning("two\nlines for %s", "Zoë", extra={"actor_id": 3, "claim_id": None})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "two\nlines for Zoë"
    assert (first["level"], first["logger"]) == ("WARNING", "workbench.test_json")
    assert (first["actor_id"], first["claim_id"]) == (3, None)
    assert first["timestamp"].endswith("+00:00") and "T" in first["timestamp"]
    assert "exception" not in first and "args" not in first and "msg" not in first
    assert second["level"] == "ERROR"
    assert "ValueError: boom" in second["exception"]


def test_configure_keeps_one_handler_and_writes_to_the_current_stderr(
    workbench_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.configure(logging.WARNING)
    logs.configure("INFO")
    assert [type(h) for h in workbench_logger.handlers].count(logs.StderrHandler) == 1
    logging.getLogger("workbench.anything").info("seen", extra={"entity": "claim"})
    logging.getLogger("workbench.anything").debug("below the level")
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["message"] == "seen" and json.loads(line)["entity"] == "claim"


def test_the_server_log_level_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()
    try:
        assert get_settings().log_level == "WARNING"
        monkeypatch.setenv("WORKBENCH_LOG_LEVEL", "LOUD")
        get_settings.cache_clear()
        with pytest.raises(SettingsError, match="WORKBENCH_LOG_LEVEL"):
            get_settings()
    finally:
        get_settings.cache_clear()


# --- workbench --verbose ----------------------------------------------------------------------


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_verbose_logs_json_on_stderr_and_leaves_stdout_alone(run_cli) -> None:
    code, _out, err = run_cli("--verbose", "demo")
    assert code == 0
    [created, finished] = json_lines(err)
    assert (created["logger"], created["action"], created["entity"]) == (
        "workbench.audit",
        "create",
        "article",
    )
    assert created["actor_name"] == users.CLI_USER
    draft = sample_draft()
    assert draft.body[:40] not in err and draft.title not in err  # nothing of the text
    assert (finished["command"], finished["status"]) == ("demo", 0)

    quiet = run_cli("article", "show", "1")
    loud = run_cli("--verbose", "article", "show", "1")
    assert quiet[:2] == loud[:2] and quiet[0] == 0 and quiet[1]
    assert quiet[2] == ""
    [line] = json_lines(loud[2])
    assert (line["level"], line["command"], line["status"]) == ("INFO", "article show", 0)
    assert line["seconds"] >= 0


def _failing_list(driver_error: Exception):
    def fail(*_args, **_kwargs):
        raise OperationalError(
            "SELECT secret_column FROM claim WHERE id = ?", ("p4ss",), driver_error
        )

    return fail


def test_a_busy_database_is_logged_with_the_command_under_verbose(run_cli, monkeypatch) -> None:
    monkeypatch.setattr(
        claims, "list_all_claims", _failing_list(sqlite3.OperationalError("database is locked"))
    )
    code, out, err = run_cli("--verbose", "claims", "list")
    refused, message, finished = err.splitlines()
    assert (code, out) == (1, "")
    assert message.startswith("error: the database is busy")
    refused, finished = json.loads(refused), json.loads(finished)
    assert (refused["command"], refused["trouble"], refused["actor_name"]) == (
        "claims list",
        "busy",
        users.CLI_USER,
    )
    assert finished["status"] == 1
    assert "p4ss" not in err and "secret_column" not in err


def test_an_unexpected_database_error_is_logged_without_its_sql(
    run_cli, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(
        claims, "list_all_claims", _failing_list(sqlite3.OperationalError("no such table: claim"))
    )
    with pytest.raises(OperationalError):
        run_cli("claims", "list")  # no --verbose: an ERROR is logged anyway
    [line] = json_lines(capsys.readouterr().err)
    assert (line["level"], line["command"], line["trouble"]) == (
        "ERROR",
        "claims list",
        "unexpected",
    )
    assert "p4ss" not in json.dumps(line) and "secret_column" not in json.dumps(line)


def test_a_refused_sign_in_is_a_warning_with_the_address_not_the_name_typed(
    engine, reviewer: User, logged
) -> None:
    typed = "correct horse 1 (typed into the name field)"
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(typed, PASSWORD, engine=engine, address="192.0.2.7")
    [refused] = [r for r in logged.records if r.getMessage() == "sign-in refused"]
    line = json.loads(as_json(refused))
    assert (line["level"], line["address"], line["failures"]) == ("WARNING", "192.0.2.7", 1)
    assert typed not in as_json(refused)


def test_an_import_is_one_line_with_its_counts(engine, editor: User, logged) -> None:
    from workbench.reports.csv_import import run_import
    from workbench.reports.csv_read import ReadOptions

    data = f'statement\r\n"{STATEMENT}"\r\nAnother claim\r\n'.encode()
    report = run_import(editor, data, ReadOptions(), engine=engine, source_name="desk.csv")
    assert report.written, report.errors
    [imported] = [r for r in logged.records if r.name == "workbench.reports.csv_import"]
    line = json.loads(as_json(imported))
    assert (line["actor_name"], line["source"], line["claims_created"]) == ("eddie", "desk.csv", 2)
    assert STATEMENT not in as_json(imported)
