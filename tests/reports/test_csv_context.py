"""A claim's context in the CSV report and import: a foreign file's column mapped to it
(``--columns context=title``), an exported report's column re-imported exactly, an update
row changing it, and the imported context searched."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine

from tests.factories import build_fixed_db, cli_admin_user, csv_file, empty_claims, import_as_cli
from workbench import claims, db, search
from workbench.models import User
from workbench.reports.csv_export import csv_bytes
from workbench.reports.csv_read import ReadOptions

#: Two CLEF-2020 task 2 verified claims with their fact-checks' titles (the data's shape).
CLEF_LIKE = (
    "\tvclaim\ttitle\n"
    "0\t122 detainees released from confinement at Guantanamo Bay under President Obama "
    "have re-engaged in terrorist activities.\tDid 122 Prisoners Released from Guantanamo "
    "by President Obama Return to the Battlefield?\n"
    "1\t70 per cent of the persons arrested during protests in Charlotte had out-of-state "
    "IDs.\t70% of Arrested Charlotte Protesters Are Out-of-State Criminals\n"
)


def _contexts(engine: Engine) -> dict[int, str]:
    with db.read_session(engine) as session:
        return {c.id: c.context for c in claims.list_all_claims(session)}


def test_a_foreign_title_column_becomes_the_context_and_is_searched(engine: Engine) -> None:
    options = ReadOptions("\t", columns="statement=vclaim,context=title")
    report = import_as_cli(engine, CLEF_LIKE, options)
    assert (report.created, report.errors) == (2, [])
    assert list(_contexts(engine).values()) == [
        "Did 122 Prisoners Released from Guantanamo by President Obama Return to the Battlefield?",
        "70% of Arrested Charlotte Protesters Are Out-of-State Criminals",
    ]
    with db.read_session(engine) as session:
        # "criminals" and "battlefield" are only in the titles.
        found = search.candidate_claim_ids(session, "Charlotte criminals")
        assert [cid for cid, _ in found][:1] == [2]
        assert search.search_claim_ids(session, "battlefield", limit=5) == [1]


def test_an_exported_context_restores_exactly_and_an_update_row_changes_it(
    engine: Engine, reviewer: User, editor: User
) -> None:
    build_fixed_db(engine, reviewer, editor)
    first = csv_bytes(cli_admin_user(engine), engine)
    rows = list(csv.DictReader(io.StringIO(first.decode(), newline="")))
    assert [r["context"] for r in rows] == ['EU aid, "ReArm"', "", 'EU aid, "ReArm"', ""]
    empty_claims(engine)
    assert import_as_cli(engine, first, restore=True).created == 4
    assert csv_bytes(cli_admin_user(engine), engine) == first
    rows[1]["context"] = "A hostile cell, kept as text"
    edited = csv_file(*rows)
    report = import_as_cli(engine, edited)
    assert (report.updated, report.unchanged, report.errors) == (1, 3, [])
    assert _contexts(engine)[2] == "A hostile cell, kept as text"
    with db.read_session(engine) as session:
        assert [cid for cid, _ in search.candidate_claim_ids(session, "hostile cell")] == [2]


def test_a_context_too_long_is_a_problem_of_its_column(engine: Engine) -> None:
    report = import_as_cli(engine, csv_file({"statement": "s", "context": "x" * 1001}))
    assert [(e.line, e.column) for e in report.errors] == [(2, "context")]
    assert "Context is too long" in report.errors[0].message
