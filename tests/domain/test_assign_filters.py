"""The assignee filter (Claims list, dashboard drill-down, CSV report) and the CSV report's
``assignee`` column with its import round trip, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

from tests.conftest import make_user, new_claim
from tests.factories import cli_admin_user, empty_claims, import_as_cli
from workbench import assignments, claim_list, dashboard, db
from workbench.filters import UNASSIGNED, ClaimFilters
from workbench.models import Claim, Role
from workbench.reports.columns import COLUMNS
from workbench.reports.csv_export import csv_bytes


def _three_claims(engine, reviewer, editor, article) -> tuple[Claim, Claim, Claim]:
    """rita's own claim, one assigned to sam, one nobody holds."""
    sam = make_user(engine, "sam", Role.reviewer)
    mine = new_claim(engine, reviewer, article)
    sams = new_claim(engine, reviewer, article, text="Ursula von der Leyen")
    nobody = new_claim(engine, reviewer, article, text="ReArm Europe")
    with db.write_session(engine) as session:
        assignments.assign_claim(session, editor, sams.id, sams.version, sam.id)
        assignments.assign_claim(session, editor, nobody.id, nobody.version, None)
    return mine, sams, nobody


def listed(engine, actor, filters: ClaimFilters) -> tuple[list[int], int]:
    with db.read_session(engine) as session:
        rows, total = claim_list.list_claims(session, actor, filters)
    return [row.id for row in rows], total


def test_claims_list_filters_by_assignee(engine, reviewer, editor, article):
    mine, sams, nobody = _three_claims(engine, reviewer, editor, article)
    assert listed(engine, reviewer, ClaimFilters(assignee="rita")) == ([mine.id], 1)
    assert listed(engine, reviewer, ClaimFilters(assignee="sam")) == ([sams.id], 1)
    assert listed(engine, reviewer, ClaimFilters(assignee=UNASSIGNED)) == ([nobody.id], 1)
    assert listed(engine, reviewer, ClaimFilters(assignee="nobody-called-this")) == ([], 0)
    # the creator filter is another rule: rita created all three
    assert listed(engine, reviewer, ClaimFilters(reviewer="rita", assignee="sam")) == ([sams.id], 1)
    assert listed(engine, reviewer, ClaimFilters(assignee="sam", states=("dismissed",))) == ([], 0)
    with db.read_session(engine) as session:
        rows, _ = claim_list.list_claims(session, reviewer, ClaimFilters())
    assert {row.id: row.assignee for row in rows} == {
        mine.id: "rita",
        sams.id: "sam",
        nobody.id: None,
    }


def test_keyed_paging_with_the_assignee_filter(engine, reviewer, editor, article):
    mine, _sams, _nobody = _three_claims(engine, reviewer, editor, article)
    more = new_claim(engine, reviewer, article, text="coalition of the willing")
    with db.read_session(engine) as session:
        first, total = claim_list.list_claims(
            session, reviewer, ClaimFilters(assignee="rita"), page_size=1
        )
        second, _ = claim_list.list_claims(
            session, reviewer, ClaimFilters(assignee="rita"), page_size=1, before_id=first[-1].id
        )
    assert total == 2 and [first[0].id, second[0].id] == [more.id, mine.id]


def test_dashboard_drill_down_respects_the_assignee_filter(engine, reviewer, editor, article):
    mine, sams, nobody = _three_claims(engine, reviewer, editor, article)
    with db.read_session(engine) as session:
        found = dashboard.claims_for_selection(
            session, editor, ClaimFilters(assignee="sam"), "state", "new"
        )
        figures = dashboard.dashboard(session, editor, ClaimFilters(assignee=UNASSIGNED))
    assert [ref.id for ref in found] == [sams.id]
    assert figures.total_claims == 1


def test_csv_report_appends_the_assignee_column(engine, reviewer, editor, article):
    mine, sams, nobody = _three_claims(engine, reviewer, editor, article)
    assert COLUMNS.index("assignee") == COLUMNS.index("anchor_status") + 1  # appended
    with engine.begin() as connection:  # the report finds the article again by its address
        connection.execute(text("UPDATE article SET url = 'https://news.example/kallas'"))
    cli = cli_admin_user(engine)
    report = csv_bytes(cli, engine)
    rows = {int(r["claim_id"]): r for r in csv.DictReader(io.StringIO(report.decode()))}
    assert {i: r["assignee"] for i, r in rows.items()} == {
        mine.id: "rita",
        sams.id: "sam",
        nobody.id: "",
    }
    only_sam = csv_bytes(cli, engine, ClaimFilters(assignee="sam"))
    assert [r["claim_id"] for r in csv.DictReader(io.StringIO(only_sam.decode()))] == [str(sams.id)]
    # restored into an empty desk, each claim is with the same person again
    empty_claims(engine)
    restored = import_as_cli(engine, report, source_name="claims.csv", restore=True)
    assert not restored.errors and restored.created == 3
    assert csv_bytes(cli, engine) == report


def test_an_update_row_ignores_the_assignee_cell(engine, reviewer, editor, article):
    mine, _sams, _nobody = _three_claims(engine, reviewer, editor, article)
    cli = cli_admin_user(engine)
    rows = list(csv.DictReader(io.StringIO(csv_bytes(cli, engine).decode(), newline="")))
    for row in rows:
        row["assignee"] = "sam"
        if row["claim_id"] == str(mine.id):
            row["claimant"] = "Someone new"
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    report = import_as_cli(engine, out.getvalue().encode())
    assert not report.errors and report.updated == 1
    with db.read_session(engine) as session:
        stored = session.get(Claim, mine.id)
    assert (stored.claimant, stored.assignee_id) == ("Someone new", reviewer.id)
