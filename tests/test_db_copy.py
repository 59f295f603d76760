"""``workbench db copy``: a filled desk moved to the other kind of database and back.

The source is the ``database_url`` fixture's database (SQLite, and PostgreSQL when
``WORKBENCH_TEST_POSTGRES_URL`` is set); the target is a new database of the other kind,
so both directions run: SQLite → PostgreSQL and PostgreSQL → SQLite. A SQLite source
with no PostgreSQL server to copy to is skipped with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import SQLModel, col

from tests.conftest import PASSWORD, POSTGRES_URL, _postgres_database, run_json
from tests.factories import RATIONALE, Desk, claim_on, cli_admin_user
from workbench import (
    articles,
    auth,
    claims,
    db,
    db_copy,
    ratings,
    search,
    summary,
    throttle,
    users,
    verdicts,
)
from workbench.errors import InvalidInput, PermissionDenied
from workbench.models import (
    AuditEvent,
    Claim,
    ClaimComment,
    CommentMention,
    Role,
    User,
    Verdict,
)
from workbench.reports.csv_export import csv_bytes


def _new_database(kind: str, path: Path) -> Iterator[str]:
    """A new, unmigrated database: a SQLite file, or one on the test PostgreSQL server."""
    if kind == "sqlite":
        url = f"sqlite:///{path}"
        yield url
        db.get_engine(url).dispose()
    elif not POSTGRES_URL:
        pytest.skip("copying to PostgreSQL needs WORKBENCH_TEST_POSTGRES_URL")
    else:
        yield from _postgres_database()


def _kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new database of the other kind than the source."""
    yield from _new_database(
        "postgres" if _kind(database_url) == "sqlite" else "sqlite", tmp_path / "other.sqlite3"
    )


@pytest.fixture
def third_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A new database of the source's kind, to copy back into."""
    yield from _new_database(_kind(database_url), tmp_path / "third.sqlite3")


@pytest.fixture
def filled(engine: Engine, desk: Desk, reviewer: User, editor: User) -> Desk:
    """The review desk plus a comment with a mention, a correction (a verdict pointing at an
    older one), a claim repeating a newer claim, a sign-in session and a failed sign-in."""
    c0, _, c2, c3 = desk.claim_ids
    with db.write_session(engine) as session:  # rows as a comment service would leave them
        comment = ClaimComment(claim_id=c0, author_id=reviewer.id, body="Asked @eddie again")
        session.add(comment)
        session.flush()
        session.add(CommentMention(comment_id=comment.id, user_id=editor.id))
    with db.write_session(engine) as session:
        claim = claims.get_claim(session, c2)
        claims.update_claim(session, reviewer, c2, claim.version, repeat_of_id=c3)
    with db.write_session(engine) as session:
        claim = claims.get_claim(session, c0)
        verdicts.propose_correction(
            session,
            editor,
            c0,
            claim.version,
            rating_id=ratings.find_rating(session, "True").id,
            rationale=RATIONALE,
            reason="A newer figure",
        )
    auth.sign_in("rita", PASSWORD, engine=engine)
    throttle.record_failure(engine, throttle.keys_for("nobody", "203.0.113.5"))
    return desk


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db_copy.copied_tables()
        }


def links(engine: Engine) -> list[tuple[int, ...]]:
    with engine.connect() as connection:
        return [
            *connection.execute(select(Claim.id, Claim.repeat_of_id).order_by(Claim.id)),
            *connection.execute(select(Verdict.id, Verdict.corrects_id).order_by(Verdict.id)),
        ]


def test_copy_keeps_every_row_report_search_and_summary(engine, filled, other_url, monkeypatch):
    monkeypatch.setenv("PGTZ", "America/New_York")  # a server that is not on UTC
    engine.dispose()  # PostgreSQL connections opened from now on use it
    actor = cli_admin_user(engine)
    before = counts(engine)
    seen: list[tuple[str, int, int]] = []
    result = db_copy.copy_database(
        actor, engine, other_url, batch=2, on_progress=lambda *step: seen.append(step)
    )
    target = db.get_engine(other_url)

    assert {c.table: (c.source, c.target) for c in result.tables} == {
        name: (n, n) for name, n in before.items()
    }
    copied = counts(target)
    assert copied == {**before, "audit_event": before["audit_event"] + 1}  # the copy's event
    for name in (
        "claim",
        "verdict",
        "evidence",
        "claim_tag",
        "claim_comment",
        "comment_mention",
        "user_session",
        "sign_in_throttle",
        "rating_scale",
    ):
        assert copied[name] > 0, name
    assert ("claim", 4, 4) in seen and ("claim", 2, 4) in seen  # per batch of 2
    assert links(target) == links(engine)
    c0, _, c2, c3 = filled.claim_ids
    assert [row for row in links(engine)[:4] if row[1]] == [(c2, c3), (c3, c0)]

    report = csv_bytes(actor, engine)
    assert csv_bytes(actor, target) == report and report.count(b"\r\n") == 5
    assert result.report_claims == 4

    with db.read_session(target) as session:
        assert filled.claim_ids[1] in search.search_claim_ids(session, "800 billion", limit=5)
        assert summary.stored(session) == summary.recount(session)
        assert result.summary_rows == len(summary.stored(session)) > 0
        assert result.search_documents == 4
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        event = session.scalars(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    with db.read_session(engine) as session:
        assert summary.stored(session) == summary.recount(session)
    assert revision == db_copy._head()
    assert (event.entity, event.action, event.actor_name) == ("database", "copy", "cli")
    assert event.changes["rows"]["claim"] == 4


def test_the_copy_takes_new_rows_after_the_copied_ones(engine, filled, reviewer, editor, other_url):
    db_copy.copy_database(cli_admin_user(engine), engine, other_url)
    target = db.get_engine(other_url)
    highest = {
        name: _max_id(target, name)
        for name in ("claim", "user", "verdict", "audit_event", "article", "claim_comment")
    }
    with db.write_session(target) as session:
        article = articles.get_article(session, filled.article_id)
        claim = claim_on(session, reviewer, article, "increasingly difficult", claimant="Kallas")
        comment = ClaimComment(claim_id=claim.id, author_id=reviewer.id, body="New here")
        session.add(comment)
        session.flush()
        added = users.add_user(
            session,
            users.builtin_user(session, users.CLI_USER),
            name="nora",
            role=Role.reviewer,
            password=PASSWORD,
        )
    with db.write_session(target) as session:
        verdict = verdicts.propose_verdict(
            session,
            reviewer,
            claim.id,
            claims.get_claim(session, claim.id).version,
            rating_id=ratings.find_rating(session, "False").id,
            rationale=RATIONALE,
        )
    assert (claim.id, comment.id, added.id, verdict.id) == (
        highest["claim"] + 1,
        highest["claim_comment"] + 1,
        highest["user"] + 1,
        highest["verdict"] + 1,
    )
    assert _max_id(target, "audit_event") > highest["audit_event"]
    auth.sign_in("nora", PASSWORD, engine=target)
    with db.read_session(target) as session:
        assert search.search_claim_ids(session, "increasingly difficult", limit=5) == [claim.id]


def _max_id(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        column = SQLModel.metadata.tables[table].c.id
        return connection.execute(select(func.max(column))).scalar_one()


def test_there_and_back_through_the_command(run_cli, engine, filled, other_url, third_url):
    report = csv_bytes(cli_admin_user(engine), engine)
    data = run_json(run_cli, "db", "copy", "--to", other_url)
    assert data["reports_identical"] is True and data["claims"] == 4
    assert data["rows"] == counts(engine)
    code, out, err = run_cli("db", "copy", "--from", other_url, "--to", third_url)
    assert code == 0, err
    assert out.splitlines()[-1] == "Row counts equal in every table; reports identical (4 claims)."
    assert "  claim " in out and "Rebuilt 4 search documents" in out
    back = db.get_engine(third_url)
    assert csv_bytes(cli_admin_user(back), back) == report
    assert links(back) == links(engine)


def test_a_target_holding_a_workbench_is_refused(run_cli, engine, filled, other_url):
    db_copy.copy_database(cli_admin_user(engine), engine, other_url)
    before = counts(db.get_engine(other_url))
    code, out, err = run_cli("db", "copy", "--to", other_url)
    assert code == 1 and out == ""
    refusal = err.splitlines()[-1]
    assert refusal.startswith("error: ") and "already holds a workbench" in refusal
    assert ", user, article, " in refusal and ", claim, " in refusal
    assert counts(db.get_engine(other_url)) == before


def test_only_admins_copy(engine, editor, other_url):
    with pytest.raises(PermissionDenied):
        db_copy.copy_database(editor, engine, other_url)
    if other_url.startswith("sqlite"):
        assert not db.sqlite_file(other_url).exists()


def test_a_refused_row_leaves_the_target_empty(engine, filled, other_url):
    if _kind(other_url) != "postgres":
        pytest.skip("SQLite keeps a text longer than its column; PostgreSQL refuses it")
    with engine.begin() as connection:  # behind the services' back, as old data may be
        connection.execute(
            text("UPDATE article SET outlet = :long WHERE id = :id"),
            {"long": "x" * 201, "id": filled.other_article_id},
        )
    with pytest.raises(db_copy.CopyFailed, match="refused a row of article"):
        db_copy.copy_database(cli_admin_user(engine), engine, other_url)
    left = counts(db.get_engine(other_url))
    assert {name for name, n in left.items() if n} == db_copy.SEEDED  # as migrated
    with engine.begin() as connection:
        connection.execute(text("UPDATE article SET outlet = 'Daily Other'"))
    db_copy.copy_database(cli_admin_user(engine), engine, other_url)  # runs again
    assert counts(db.get_engine(other_url))["claim"] == 4


def test_same_missing_or_outdated_sources_are_refused(run_cli, database_url, tmp_path):
    code, _, err = run_cli("db", "copy", "--to", database_url)
    assert code == 1 and "the same database" in err
    missing = f"sqlite:///{tmp_path / 'missing.sqlite3'}"
    code, _, err = run_cli("db", "copy", "--from", missing, "--to", f"{missing}2")
    assert code == 1 and "There is no SQLite database" in err
    assert not (tmp_path / "missing.sqlite3").exists()
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    db.upgrade(old, "0011")
    with pytest.raises(InvalidInput, match="at migration 0011.*workbench db upgrade"):
        db_copy.open_source(old)
