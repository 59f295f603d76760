"""The CSV claim report: exact bytes for a fixed database (``tests.factories.build_fixed_db``,
the ``fixed`` fixture), hostile cells, the round trip."""

from __future__ import annotations

import csv
import errno
import io
import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.factories import (
    FORMULA,
    GOLDEN,
    HEADER,
    HOSTILE_QUOTE,
    cli_admin_user,
    empty_claims,
    import_as_cli,
)
from workbench import claims, cli, db, files, users
from workbench.errors import WorkbenchError
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.reports.columns import neutralise, unneutralise
from workbench.reports.csv_export import csv_bytes, csv_chunks, write_csv


def test_golden_bytes(fixed: Engine) -> None:
    assert csv_bytes(cli_admin_user(fixed), fixed) == GOLDEN


def test_bom_and_chunks(fixed: Engine) -> None:
    data = csv_bytes(cli_admin_user(fixed), fixed, bom=True)
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    chunks = list(csv_chunks(cli_admin_user(fixed), fixed, chunk_rows=1))
    assert len(chunks) == 5 and "".join(chunks).encode() == GOLDEN  # header + 4 rows + tail


def test_parses_back_with_newlines_kept(fixed: Engine) -> None:
    rows = list(csv.DictReader(io.StringIO(GOLDEN.decode(), newline="")))
    assert [r["claim_id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[1]["quote"] == HOSTILE_QUOTE.replace("\r\n", "\n")  # stored cleaned
    assert rows[1]["statement"] == "'" + FORMULA
    assert rows[0]["rationale"].count("\n") == 1


def test_round_trip_into_empty_database_gives_same_bytes(fixed: Engine) -> None:
    first = csv_bytes(cli_admin_user(fixed), fixed)
    empty_claims(fixed)
    assert csv_bytes(cli_admin_user(fixed), fixed) == (HEADER + "\r\n").encode()
    report = import_as_cli(fixed, first, source_name="claims.csv", restore=True)
    assert not report.errors and report.created == 4
    assert csv_bytes(cli_admin_user(fixed), fixed) == first
    with db.write_session(fixed) as s:  # new ids continue after the restored ones
        cli = users.builtin_user(s, users.CLI_USER)
        assert claims.create_claim(s, cli, claims.ClaimDraft(None, statement="next")).id == 5


@pytest.mark.parametrize("value", [FORMULA, "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1", "'=1", "''+2"])
def test_neutralise_is_reversible(value: str) -> None:
    assert neutralise(value).startswith("'")
    assert unneutralise(neutralise(value)) == value


def test_safe_text_untouched() -> None:
    for value in ("plain", "'quoted'", "2025-01-01", "🙂", "مرحبا", "a=b"):
        assert neutralise(value) == value == unneutralise(value)


def test_tab_and_cr_cells_from_old_data_are_neutralised(fixed: Engine) -> None:
    with fixed.begin() as connection:
        connection.execute(
            text("UPDATE claim SET quote = :q, claimant = :c WHERE id = 4"),
            {"q": "\tTabbed", "c": "\r=1+1"},
        )
    exported = csv_bytes(cli_admin_user(fixed), fixed).decode()
    row = list(csv.DictReader(io.StringIO(exported, newline="")))[3]
    assert row["quote"] == "'\tTabbed" and row["claimant"] == "'\r=1+1"
    assert row["claim_id"] == "4" and row["version"] == "2"  # numbers are never prefixed


def test_filters(fixed: Engine) -> None:
    def ids(**kw: object) -> list[str]:
        text_ = csv_bytes(cli_admin_user(fixed), fixed, ClaimFilters(**kw)).decode()  # type: ignore[arg-type]
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


def test_a_full_disk_leaves_the_previous_report_and_says_so(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC half-way: a plain message, no truncated file, the old report untouched."""
    actor = cli_admin_user(engine)
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

    monkeypatch.setattr(
        files,
        "open",
        lambda path, *a, **k: (real_open(path, *a, **k).close(), FullDisk())[1],
        raising=False,
    )
    with pytest.raises(WorkbenchError, match="No space left on device. Nothing was written"):
        write_csv(actor, target, engine)
    assert target.read_text() == "yesterday's report"
    assert [p.name for p in folder.iterdir()] == ["report.csv"]


def test_an_unwritable_path_is_a_plain_cli_error(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_admin_user(engine)
    for report in ("csv", "claimreview"):
        code = cli.main(["export", report, "-o", str(tmp_path / "missing" / "report")])
        assert code == 1
        assert "Cannot write" in capsys.readouterr().err
