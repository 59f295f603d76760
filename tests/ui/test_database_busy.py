"""A database that refuses a write (locked by an import, a lock timeout, a full disk) gets a
clear message, never a traceback, and the typed text stays in the form."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import open_page
from workbench import articles, claims, db, sources, verdicts
from workbench.actions import DATABASE_BUSY, DATABASE_UNAVAILABLE, DISK_FULL, database_trouble
from workbench.settings import get_settings
from workbench.ui.routes import open_tab_key

PAGE = "workbench/ui/pages/annotate.py"
TYPED = "My careful sentence, typed while an import was running."


def open_tab(at: AppTest, claim_id: int, tab: str) -> None:
    """The claim panel draws only its open tab."""
    at.session_state[open_tab_key(claim_id)] = tab
    at.run()


def wrapped(driver_error: Exception) -> OperationalError:
    return OperationalError("UPDATE claim SET statement=? WHERE id=?", ("secret", 1), driver_error)


def real_sqlite_lock(path: Path) -> sqlite3.OperationalError:
    """The error SQLite itself raises (with its result code) while another connection
    holds the write lock, as an import does."""
    holder = sqlite3.connect(path, isolation_level=None)
    waiter = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as raised:
            waiter.execute("BEGIN IMMEDIATE")
        return raised.value
    finally:
        holder.close()
        waiter.close()


@pytest.mark.parametrize(
    "driver_error, message",
    [
        (sqlite3.OperationalError("database is locked"), DATABASE_BUSY),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), DATABASE_BUSY),
        (
            psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
            DATABASE_BUSY,
        ),
        (psycopg.errors.SerializationFailure("could not serialize access"), DATABASE_BUSY),
        (psycopg.errors.DeadlockDetected("deadlock detected"), DATABASE_BUSY),
        (sqlite3.OperationalError("database or disk is full"), DISK_FULL),
        (psycopg.errors.DiskFull("could not extend file: No space left on device"), DISK_FULL),
        (psycopg.errors.OperationalError("connection refused"), DATABASE_UNAVAILABLE),
    ],
)
def test_database_trouble_names_the_cause(driver_error: Exception, message: str) -> None:
    assert database_trouble(wrapped(driver_error)) == message


def test_a_real_sqlite_lock_reads_as_busy(tmp_path: Path) -> None:
    error = real_sqlite_lock(tmp_path / "locked.sqlite3")
    assert error.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED")
    assert database_trouble(wrapped(error)) == DATABASE_BUSY


def refuse(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, driver_error: Exception
) -> None:
    def raiser(*_args: object, **_kwargs: object) -> None:
        raise wrapped(driver_error)

    monkeypatch.setattr(module, name, raiser)


def submit_and_check(at: AppTest, submit: str, message: str) -> None:
    at.button(key=submit).click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [message]
    assert "secret" not in " ".join(e.value for e in at.error)  # no SQL parameters


LOCKED = sqlite3.OperationalError("database is locked")
FULL = psycopg.errors.DiskFull("No space left on device")


@pytest.mark.parametrize("driver_error, message", [(LOCKED, DATABASE_BUSY), (FULL, DISK_FULL)])
def test_claim_editor_keeps_the_typed_statement(claim, monkeypatch, driver_error, message) -> None:
    refuse(monkeypatch, claims, "update_claim", driver_error)
    at = open_page(PAGE, {"article": str(claim.article_id), "claim": str(claim.id)})
    statement = next(t for t in at.text_area if t.key and t.key.endswith("_statement"))
    statement.input(TYPED)
    submit = next(b.key for b in at.button if b.key and "Save claim" in b.key)
    submit_and_check(at, submit, message)
    assert next(t for t in at.text_area if t.key and t.key.endswith("_statement")).value == TYPED


def test_evidence_form_keeps_the_typed_source(claim, monkeypatch) -> None:
    refuse(monkeypatch, sources, "attach_source", LOCKED)
    at = open_page(PAGE, {"article": str(claim.article_id), "claim": str(claim.id)})
    open_tab(at, claim.id, "Evidence")
    key = f"annotate_ev_{claim.id}"
    at.text_input(key=f"{key}_url").input("https://example.org/report")
    at.text_input(key=f"{key}_title").input("The Council's report")
    at.text_area(key=f"{key}_excerpt").input(TYPED)
    submit_and_check(at, f"FormSubmitter:{key}-Attach source", DATABASE_BUSY)
    assert at.text_input(key=f"{key}_url").value == "https://example.org/report"
    assert at.text_input(key=f"{key}_title").value == "The Council's report"
    assert at.text_area(key=f"{key}_excerpt").value == TYPED
    # "Try again in a moment": the same click, nothing retyped (a form that clears on
    # submit would send its empty defaults now).
    monkeypatch.undo()
    at.button(key=f"FormSubmitter:{key}-Attach source").click().run()
    assert not at.exception and not at.error
    with db.read_session() as session:
        [(evidence, source)] = sources.evidence_for_claim(session, claim.id)
    assert (evidence.excerpt, source.url) == (TYPED, "https://example.org/report")


def test_evidence_form_is_emptied_after_a_successful_attach(claim) -> None:
    at = open_page(PAGE, {"article": str(claim.article_id), "claim": str(claim.id)})
    open_tab(at, claim.id, "Evidence")
    key = f"annotate_ev_{claim.id}"
    at.text_input(key=f"{key}_url").input("https://example.org/report")
    at.text_area(key=f"{key}_excerpt").input(TYPED)
    at.button(key=f"FormSubmitter:{key}-Attach source").click().run()
    assert not at.exception and not at.error
    assert at.text_input(key=f"{key}_1_url").value == ""  # fresh keys: the browser empties
    assert at.text_area(key=f"{key}_1_excerpt").value == ""


def test_verdict_form_keeps_the_typed_rationale(claim, monkeypatch) -> None:
    refuse(monkeypatch, verdicts, "propose_verdict", LOCKED)
    at = open_page(PAGE, {"article": str(claim.article_id), "claim": str(claim.id)})
    open_tab(at, claim.id, "Verdict")
    key = f"annotate_verdict_{claim.id}"
    at.text_input(key=f"{key}_conclusion").input("Overstated")
    at.text_area(key=f"{key}_rationale").input(TYPED)
    submit_and_check(at, f"FormSubmitter:{key}-Propose verdict", DATABASE_BUSY)
    assert at.text_area(key=f"{key}_rationale").value == TYPED
    assert at.text_input(key=f"{key}_conclusion").value == "Overstated"
    monkeypatch.undo()
    at.button(key=f"FormSubmitter:{key}-Propose verdict").click().run()
    assert not at.exception and not at.error
    with db.read_session() as session:
        assert verdicts.pending_verdict(session, claim.id).rationale == TYPED


def test_new_claim_form_keeps_the_typed_text(claim, monkeypatch) -> None:
    refuse(monkeypatch, claims, "create_claim", LOCKED)
    with db.read_session() as session:
        body = articles.get_article(session, claim.article_id).body
    quote = "coalition of the willing"
    start = body.index(quote)
    at = open_page(PAGE, {"article": str(claim.article_id)})
    at.session_state[f"annotate_article_{claim.article_id}"] = {
        "selection": {"start": start, "end": start + len(quote), "text": quote}
    }
    at.run()
    at.text_area(key="annotate_new_statement").input(TYPED)
    at.text_input(key="annotate_new_claimant").input("TROIB News")
    submit_and_check(at, "FormSubmitter:annotate_new_claim-Create claim", DATABASE_BUSY)
    assert at.text_area(key="annotate_new_statement").value == TYPED
    assert at.text_input(key="annotate_new_claimant").value == "TROIB News"


def test_a_real_lock_on_sqlite_is_reported(claim, engine, monkeypatch) -> None:
    """Not a stand-in: another connection really holds SQLite's write lock (the way an
    import does); the save waits out the busy timeout (shortened here), then says so."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's lock errors are covered by SQLSTATE")
    monkeypatch.setenv("WORKBENCH_SQLITE_BUSY_TIMEOUT_MS", "200")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    at = open_page(PAGE, {"article": str(claim.article_id), "claim": str(claim.id)})
    open_tab(at, claim.id, "Verdict")
    key = f"annotate_verdict_{claim.id}"
    at.text_area(key=f"{key}_rationale").input(TYPED)
    holder = sqlite3.connect(engine.url.database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        submit_and_check(at, f"FormSubmitter:{key}-Propose verdict", DATABASE_BUSY)
    finally:
        holder.rollback()
        holder.close()
    assert at.text_area(key=f"{key}_rationale").value == TYPED
    with db.read_session(engine) as session:
        assert verdicts.pending_verdict(session, claim.id) is None
