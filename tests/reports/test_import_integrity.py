"""Issue 8 for the CSV pipeline: two-person rule on import, admin-only restore, desk reports
need an editor, checking outside the write lock, bad cells and failures as plain messages,
and export → restore into an empty database → export at 10,000 claims, on both databases."""

from __future__ import annotations

import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from tests.conftest import _postgres_database
from tests.factories import (
    HEADER,
    build_fixed_db,
    cli_admin_user,
    csv_file,
    empty_claims,
    import_as_cli,
)
from workbench import articles, claims, cli, db, search, sources, summary, verdicts
from workbench.errors import InvalidInput, PermissionDenied, WorkbenchError
from workbench.models import AuditEvent, Claim, Source, User, Verdict
from workbench.reports import bulk, csv_import
from workbench.reports.bulk import prepare_import
from workbench.reports.claimreview import claimreview_feed, public_claimreview_feed
from workbench.reports.columns import COLUMNS
from workbench.reports.csv_export import csv_bytes, csv_chunks, write_csv
from workbench.reports.csv_import import (
    ImportFailed,
    check_import,
    run_import,
    write_import,
)
from workbench.reports.csv_read import ReadOptions
from workbench.validation import clean_line

RATED = {
    "statement": "Exports doubled in 2024",
    "rating_label": "False",
    "rationale": "The customs data show a 3% rise.",
    "approver": "erin",
    "reviewer": "eddie",
    "state": "approved",
    "approved_at": "2025-01-02T03:04:05Z",
    "source_urls": "https://a.example/1 | https://b.example/2",
    "independent_source_count": "2",
}


def published(engine: Engine) -> list[dict]:
    return public_claimreview_feed(engine)["@graph"]


def test_imported_ratings_are_proposed_and_need_a_second_editor(
    engine: Engine, editor: User, second_editor: User
) -> None:
    report = run_import(editor, csv_file(RATED), ReadOptions(), engine=engine, source_name="x.csv")
    assert report.written and report.proposed == 1 and report.restored == 0
    with db.read_session(engine) as s:
        verdict = s.exec(select(Verdict)).one()
        claim = s.get(Claim, verdict.claim_id)
        assert (verdict.status, verdict.author_id, verdict.reviewer_id, verdict.reviewed_at) == (
            "proposed",
            editor.id,
            None,
            None,
        )  # the file's approver did not act
        assert claim.state == "in_review"
    assert published(engine) == []  # nothing public before the approval
    with db.write_session(engine) as s, pytest.raises(PermissionDenied, match="two-person"):
        verdicts.approve_verdict(s, editor, verdict.id, verdict.version, confirm_few_sources=True)
    with db.write_session(engine) as s:
        verdicts.approve_verdict(
            s, second_editor, verdict.id, verdict.version, confirm_few_sources=True
        )
    assert [r["claimReviewed"] for r in published(engine)] == ["Exports doubled in 2024"]


def test_restore_is_admin_only_audited_and_never_invents_an_active_approver(
    engine: Engine, editor: User
) -> None:
    data = csv_file({**RATED, "reviewer": "ghost", "approver": "phantom"})
    with pytest.raises(PermissionDenied):
        run_import(editor, data, ReadOptions(), engine=engine, restore=True)
    report = import_as_cli(engine, data, source_name="old.csv", restore=True)
    assert report.written and report.restored == 1
    with db.read_session(engine) as s:
        people = {
            u.name: u for u in s.exec(select(User).where(col(User.name).in_(["ghost", "phantom"])))
        }
        assert {n: (u.active, u.password_hash) for n, u in people.items()} == {
            "ghost": (False, None),
            "phantom": (False, None),
        }
        verdict = s.exec(select(Verdict)).one()
        assert verdict.status == "approved" and verdict.reviewer_id == people["phantom"].id
        assert verdict.author_id == people["ghost"].id
        event = s.exec(select(AuditEvent).where(AuditEvent.entity == "verdict")).one()
        assert event.changes["restored_from"] == [None, "old.csv, line 2, by cli"]
        assert event.actor_name == "cli" and event.action == "restore"
    assert len(published(engine)) == 1


def test_desk_reports_refuse_a_reviewer(
    engine: Engine, reviewer: User, editor: User, tmp_path: Path
) -> None:
    for read in (
        lambda: csv_bytes(reviewer, engine),
        lambda: list(csv_chunks(reviewer, engine)),
        lambda: write_csv(reviewer, tmp_path / "x.csv", engine),
        lambda: claimreview_feed(reviewer, engine),
    ):
        with pytest.raises(PermissionDenied, match="Only editors"):
            read()
    assert not (tmp_path / "x.csv").exists()
    assert csv_bytes(editor, engine) == (HEADER + "\r\n").encode()


@pytest.mark.parametrize(
    "value", ["18446744073709551616", "²", "99999999999999999999999", "١٢", "1" * 5000, "-3"]
)
def test_bad_integer_cells_get_line_numbers(engine: Engine, value: str) -> None:
    data = csv_file(
        {"statement": "fine"},
        {"statement": "a", "claim_id": value},
        {"statement": "b", "claim_id": "9", "version": value},
        {"statement": "c", "independent_source_count": value},
    )
    report = import_as_cli(engine, data, dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "claim_id"),
        (4, "version"),
        (5, "independent_source_count"),
    ]


def test_control_characters_import_the_same_on_both_databases(engine: Engine) -> None:
    data = csv_file(
        {
            "statement": "Mr\x00X said so",
            "claimant": "A\x07nna",
            "quote": "Mr\x00X said so,\r\nreally",
        }
    )
    report = import_as_cli(engine, data)
    assert report.written, report.errors
    with db.read_session(engine) as s:
        claim = s.exec(select(Claim)).one()
    assert claim.statement == clean_line("Mr\x00X said so", field="s", max_length=99)
    assert "\x00" not in claim.statement + claim.quote and claim.claimant == "Anna"
    assert claim.quote == "MrX said so,\nreally"


def _failing(message: str, orig: Exception):  # type: ignore[no-untyped-def]
    def insert(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("INSERT INTO claim (secret) VALUES (?)", ("p@ss",), orig)

    return insert


@pytest.mark.parametrize(
    ("orig", "expected"),
    [
        (sqlite3.OperationalError("database is locked"), "database is busy"),
        (
            sqlite3.OperationalError("database or disk is full"),
            "disk is full — nothing was imported",
        ),
    ],
)
def test_busy_or_full_database_is_a_plain_message(
    engine: Engine, orig: Exception, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "insert_claims", _failing(str(orig), orig))
    with pytest.raises(WorkbenchError) as raised:
        import_as_cli(engine, csv_file({"statement": "one"}))
    assert expected in str(raised.value) and "INSERT" not in str(raised.value)
    assert "p@ss" not in str(raised.value) and raised.value.__cause__ is None
    with db.read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Claim)).one() == 0


def test_postgres_disk_full_is_a_plain_message(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psycopg.errors import DiskFull

    monkeypatch.setattr(csv_import, "insert_claims", _failing("", DiskFull("could not extend")))
    with pytest.raises(WorkbenchError, match="disk is full — nothing was imported"):
        import_as_cli(engine, csv_file({"statement": "one"}))


def test_checking_does_not_hold_the_write_lock(engine: Engine, editor: User) -> None:
    """A colleague saves while the file is being checked (old code: "database is locked")."""
    with db.write_session(engine) as s:
        mine = claims.create_claim(s, editor, claims.ClaimDraft(None, statement="mine"))
    saved: list[int] = []

    def colleague_saves(_done: int, _total: int) -> None:
        if not saved:
            with db.write_session(engine) as s:
                saved.append(
                    claims.update_claim(
                        s, editor, mine.id, mine.version, claimant="Saved meanwhile"
                    ).version
                )

    data = csv_file(*({"statement": f"claim {n}"} for n in range(2500)))
    report = run_import(editor, data, ReadOptions(), engine=engine, on_progress=colleague_saves)
    assert saved == [2] and report.written and report.created == 2500


def test_a_save_between_the_phases_refuses_the_import(
    engine: Engine, reviewer: User, editor: User
) -> None:
    build_fixed_db(engine, reviewer, editor)
    cli_user = cli_admin_user(engine)
    edited = (
        csv_bytes(cli_user, engine)
        .decode()
        .replace("ReArm Europe,,,other,,", "ReArm Europe,Von der Leyen,,other,,")
        + "5,,,,,,new one"
        + "," * (len(COLUMNS) - 7)
        + "\r\n"
    )
    with db.read_session(engine) as s:
        plan = check_import(s, cli_user, edited.encode(), ReadOptions())
    assert not plan.report.errors and len(plan.updates) == 1 and len(plan.creates) == 1
    with db.write_session(engine) as s:  # a colleague saves claim 3 meanwhile
        claims.update_claim(s, reviewer, 3, claims.get_claim(s, 3).version, claimant="Rita")
    with pytest.raises(ImportFailed) as failed, db.write_session(engine) as s:
        write_import(s, cli_user, plan)
    assert failed.value.report.errors[0].line == 6
    with db.read_session(engine) as s:
        assert s.get(Claim, 5) is None and claims.get_claim(s, 3).claimant == "Rita"


def test_a_claim_id_taken_between_the_phases_refuses_the_import(engine: Engine) -> None:
    cli_user = cli_admin_user(engine)
    with db.read_session(engine) as s:
        plan = check_import(
            s, cli_user, csv_file({"claim_id": "1", "statement": "restored"}), ReadOptions()
        )
    with db.write_session(engine) as s:
        claims.create_claim(s, cli_user, claims.ClaimDraft(None, statement="someone's"))
    with pytest.raises(ImportFailed, match="line 2"), db.write_session(engine) as s:
        write_import(s, cli_user, plan)


def test_rows_built_before_the_lock_are_numbered_again_after_a_colleagues_save(
    engine: Engine, editor: User
) -> None:
    """SQLite numbers the rows before taking the write lock; a claim (with a verdict and a
    source) saved in between must not collide with them, and nothing may point astray."""
    data = csv_file(
        *(
            {
                "statement": f"imported {n}",
                "rating_label": "False",
                "source_urls": "https://shared.example/1",
            }
            for n in range(3)
        )
    )
    with db.read_session(engine) as s:
        plan = check_import(s, editor, data, ReadOptions())
        plan.prepared = prepare_import(
            s,
            editor,
            plan.creates,
            articles=plan.articles,
            people=plan.people,
            restore=False,
            source_name="f.csv",
        )
    assert (plan.prepared is not None) == (engine.dialect.name == "sqlite")
    with db.write_session(engine) as s:
        theirs = claims.create_claim(s, editor, claims.ClaimDraft(None, statement="theirs"))
        source = sources.add_source(s, editor, sources.SourceDraft("https://shared.example/1"))
        sources.attach_source(s, editor, theirs.id, source.id, stance="supports")
    with db.write_session(engine) as s:
        write_import(s, editor, plan)
    with db.read_session(engine) as s:
        stored = s.exec(select(Claim).order_by(col(Claim.id))).all()
        assert [c.statement for c in stored] == ["theirs", "imported 0", "imported 1", "imported 2"]
        assert {v.claim_id for v in s.exec(select(Verdict))} == {c.id for c in stored[1:]}
        assert len(s.exec(select(Source)).all()) == 1  # the colleague's source, reused
        for claim in stored[1:]:
            assert search.search_claim_ids(s, claim.statement, limit=1) == [claim.id]


def test_the_write_lock_only_inserts_prepared_rows(
    engine: Engine, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the rows are built once, in the read phase; under the lock they are
    only inserted (PostgreSQL builds them in its write transaction, where no save waits)."""
    under_lock: list[bool] = []
    original = bulk._prepare
    monkeypatch.setattr(
        bulk,
        "_prepare",
        lambda rows, *a, **k: (
            under_lock.append(
                rows.connection.get_execution_options().get("workbench_write", False)
            ),
            original(rows, *a, **k),
        )[1],
    )
    report = run_import(
        editor, csv_file({"statement": "one"}, {"statement": "two"}), ReadOptions(), engine=engine
    )
    assert report.created == 2
    assert under_lock == [engine.dialect.name != "sqlite"]


def _counted_under_lock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each ``summary.add_claims`` (the summary counted in SQL, under the lock)."""
    sizes: list[int] = []
    original = summary.add_claims
    monkeypatch.setattr(
        summary, "add_claims", lambda s, ids: (sizes.append(len(ids)), original(s, ids))[1]
    )
    return sizes


def _import_onto_stored_article(engine: Engine, between=lambda: None) -> None:  # type: ignore[no-untyped-def]
    """A restore with tags, approvals, a stored article (outlet "Daily") and a new one;
    ``between`` runs after the rows are prepared and before they are written. The file's
    reviewer and approver must have accounts (else the rows are built under the lock)."""
    cli_user = cli_admin_user(engine)
    with db.write_session(engine) as s:
        stored = articles.add_article(
            s,
            cli_user,
            articles.ArticleDraft(
                "Stored",
                "A stored article about exports.",
                outlet="Daily",
                url="https://daily.example/a",
            ),
        )
    data = csv_file(
        {**RATED, "tags": "economy | trade", "article_url": stored.url, "quote": "about exports"},
        {
            **RATED,
            "statement": "Imports fell",
            "article_url": "https://new.example/b",
            "article_title": "New",
            "quote": "Imports fell by a third",
        },
        {"statement": "Unrated and untagged"},
    )
    with db.read_session(engine) as s:
        plan = check_import(s, cli_user, data, ReadOptions(), restore=True)
        assert plan.report.errors == []
        plan.prepared = prepare_import(
            s,
            cli_user,
            plan.creates,
            articles=plan.articles,
            people=plan.people,
            restore=True,
            source_name="f.csv",
        )
    between()
    with db.write_session(engine) as s:
        assert write_import(s, cli_user, plan).created == 3
    with db.read_session(engine) as s:
        assert summary.stored(s) == summary.recount(s)
        assert {key[4] for key in summary.stored(s) if key[0] == "claim"} == {"Daily", ""}


def test_an_imports_dashboard_counts_are_made_before_the_lock(
    engine: Engine, editor: User, second_editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite counts the new rows' summary facts apart, before the write lock, which then
    only adds them; PostgreSQL counts in SQL inside its write. Either way: exact."""
    under_lock = _counted_under_lock(monkeypatch)
    _import_onto_stored_article(engine)
    assert under_lock == ([] if engine.dialect.name == "sqlite" else [3])


def test_counts_made_before_the_lock_are_dropped_when_an_outlet_changed(
    engine: Engine, editor: User, second_editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An outlet changed behind the importer's back (plain SQL) between the phases: the
    counts made apart are stale, so the lock counts again in SQL."""
    under_lock = _counted_under_lock(monkeypatch)

    def rename() -> None:
        with db.write_session(engine) as s:
            s.execute(text("UPDATE article SET outlet = 'Daily' WHERE outlet = 'Dayly'"))

    original = articles.add_article
    monkeypatch.setattr(
        articles,
        "add_article",
        lambda s, actor, draft: original(
            s, actor, articles.ArticleDraft(draft.title, draft.body, outlet="Dayly", url=draft.url)
        ),
    )
    _import_onto_stored_article(engine, rename)
    assert under_lock == [3]


def test_limits_refuse_cleanly(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    data = csv_file(*({"statement": f"claim {n}", "type": "bad"} for n in range(60)))
    monkeypatch.setattr(csv_import, "MAX_ERRORS", 10)
    report = import_as_cli(engine, data, dry_run=True)
    assert len(report.errors) == 11 and "not listed" in report.errors[-1].message
    good = data.replace(b",bad,", b",other,")
    monkeypatch.setattr(csv_import, "MAX_WRITE_RECORDS", 50)
    assert import_as_cli(engine, good, dry_run=True).created == 60  # a dry run takes any size
    with pytest.raises(InvalidInput, match="more than 50 claims"):
        import_as_cli(engine, good)


def test_dry_run_memory_does_not_grow_with_the_file(engine: Engine, tmp_path: Path) -> None:
    def peak(rows: int) -> int:
        path = tmp_path / f"{rows}.csv"
        path.write_bytes(
            csv_file(
                *(
                    {
                        "statement": f"Claim {n} costs $6.2 billion, says X",
                        "tags": "a | b",
                        "rating_label": "False",
                    }
                    for n in range(rows)
                )
            )
        )
        tracemalloc.start()
        report = import_as_cli(engine, path, dry_run=True)
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert report.created == rows and not report.errors
        return size

    small, big = peak(2_000), peak(20_000)
    assert big < small * 1.5, (small, big)


def test_cli_import_proposes_and_restore_keeps_approvals(
    engine: Engine, editor: User, second_editor: User, tmp_path: Path
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(csv_file(RATED))
    assert cli.main(["import", "csv", str(path)]) == 0
    path.write_bytes(csv_file({**RATED, "statement": "Another claim"}))
    assert cli.main(["import", "csv", str(path), "--restore"]) == 0
    with db.read_session(engine) as s:
        rows = s.exec(
            select(Claim.statement, Verdict.status, Verdict.reviewer_id)
            .join(Verdict, col(Verdict.claim_id) == Claim.id)
            .order_by(Claim.id)
        ).all()
    assert rows == [
        ("Exports doubled in 2024", "proposed", None),
        ("Another claim", "approved", second_editor.id),
    ]


def _generated(count: int) -> bytes:
    """``count`` claims as an export would list them: articles with several quotes, tags,
    sources, ratings approved by one editor and written by another, or none."""
    rows = []
    for n in range(1, count + 1):
        rated = n % 3 == 0
        article = n % 7 != 0
        quote = f"Quote {n} of the story"
        rows.append(
            {
                "claim_id": str(n),
                "article_title": f"Story {n // 10}" if article else "",
                "article_url": f"https://news.example/{n // 10}" if article else "",
                "quote": quote,
                "start": str((n % 10) * 40) if article else "",
                "end": str((n % 10) * 40 + len(quote)) if article else "",
                "statement": f"Claim {n}: spending rose by {n} million",
                "claimant": "Minister",
                "claim_date": "2025-02-03",
                "type": "numeric",
                "tags": "economy | =risky",
                "state": "approved" if rated else "researching",
                "rating_label": "False" if rated else "",
                "rationale": "Budget\nlines" if rated else "",
                "source_urls": f"https://src.example/{n % 50} | https://src.example/x{n % 7}",
                "archive_urls": "",
                "independent_source_count": "1",
                "reviewer": "rita" if n % 2 else "ruth",
                "approver": "eddie" if rated else "",
                "approved_at": "2025-03-01T10:00:00Z" if rated else "",
                "created_at": "2025-03-01T09:00:00Z",
                "updated_at": "2025-03-02T09:00:00Z",
                "version": "3",
            }
        )
    return csv_file(*rows)


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same kind of server."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
        db.upgrade(url)
        yield url
        db.get_engine(url).dispose()
        return
    generator = _postgres_database()
    url = next(generator)
    db.upgrade(url)
    yield url
    db.get_engine(url).dispose()
    next(generator, None)


def test_export_restores_into_an_empty_database_at_10000_claims(
    engine: Engine, second_url: str
) -> None:
    report = import_as_cli(engine, _generated(10_000), restore=True, source_name="gen.csv")
    assert report.written, report.errors[:3]
    first = csv_bytes(cli_admin_user(engine), engine)
    target = db.get_engine(second_url)
    again = import_as_cli(target, first, restore=True, source_name="export.csv")
    assert again.written and again.created == 10_000, again.errors[:3]
    assert csv_bytes(cli_admin_user(target), target) == first
    with db.read_session(target) as s:
        assert not s.exec(select(User).where(User.name == "eddie")).one().active
    empty_claims(engine)  # and into the same database, emptied
    assert import_as_cli(engine, first, restore=True).written
    assert csv_bytes(cli_admin_user(engine), engine) == first
