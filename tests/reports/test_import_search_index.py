"""The importer's search documents: written in bulk, and exactly what the per-claim path
would write, so an imported claim is found like any other (issue 8, the write phase).

Documents are written with one statement per batch rather than one per claim: on SQLite
every statement made FTS5 flush its pending terms through the sync trigger, and
100,000 single-row inserts cost three times more than the whole index update.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import select

from tests.factories import csv_file, import_as_cli
from workbench import db, search
from workbench.models import Claim

AMOUNTS = ["$6.2 billion", "41 per cent", "3,500 jobs", "€800 million", "no figure at all"]


def _file(count: int) -> bytes:
    rows = (
        {
            "statement": f"Claim {n} says café spending hit {AMOUNTS[n % len(AMOUNTS)]}",
            "claimant": "Ministry",
            "tags": "economy | budget",
        }
        for n in range(count)
    )
    return csv_file(*rows)


def _doc_statements(engine: Engine) -> list[str]:
    """Every statement the driver runs that writes claim_search_doc (executemany: one per row)."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn, _cursor, statement, parameters, _context, executemany) -> None:  # type: ignore[no-untyped-def]
        if "INTO claim_search_doc" in statement:
            seen.extend([statement] * (len(parameters) if executemany else 1))

    return seen


def test_import_writes_search_documents_in_a_few_statements(engine: Engine) -> None:
    statements = _doc_statements(engine)
    report = import_as_cli(engine, _file(1200))
    assert report.written and report.created == 1200
    assert len(statements) == 1  # the old per-row upsert ran 1,200


def test_imported_documents_equal_the_per_claim_ones(engine: Engine) -> None:
    import_as_cli(engine, _file(60))
    with db.read_session(engine) as s:
        stored = dict(s.execute(text("SELECT claim_id, doc FROM claim_search_doc")).all())
        ids = s.exec(select(Claim.id)).all()
    assert sorted(stored) == sorted(ids)
    with db.write_session(engine) as s:
        assert search.rebuild_index(s) == 60  # documents built again from the stored claims
    with db.read_session(engine) as s:
        rebuilt = dict(s.execute(text("SELECT claim_id, doc FROM claim_search_doc")).all())
    # The same words (tags come in file order on import, alphabetical from the database).
    assert {cid: sorted(doc.split()) for cid, doc in rebuilt.items()} == {
        cid: sorted(doc.split()) for cid, doc in stored.items()
    }
    assert "usd6200000000" in stored[ids[0]]


def test_imported_claims_are_found_by_words_and_amounts(engine: Engine) -> None:
    import_as_cli(engine, _file(50))
    with db.read_session(engine) as s:
        found = search.search_claim_ids(s, "cafe spending 6.2bn dollars", limit=10)
        statements = s.exec(select(Claim.statement).where(Claim.id.in_(found))).all()  # type: ignore[union-attr]
        assert len(found) == 10 and all("$6.2 billion" in st for st in statements)
        if engine.dialect.name == "sqlite":  # the FTS5 index agrees with its content table
            s.execute(text("INSERT INTO claim_fts(claim_fts) VALUES ('integrity-check')"))


def test_a_second_import_upserts_without_duplicating_the_index(engine: Engine) -> None:
    import_as_cli(engine, _file(20))
    with db.write_session(engine) as s:
        first = s.exec(select(Claim.id)).first()
        search.index_claims(s, [(first, "replaced document words")])
    with db.read_session(engine) as s:
        assert search.search_claim_ids(s, "replaced document words", limit=5) == [first]
        if engine.dialect.name == "sqlite":
            s.execute(text("INSERT INTO claim_fts(claim_fts) VALUES ('integrity-check')"))


@pytest.mark.parametrize("count", [1, 5])
def test_the_lock_time_is_part_of_the_import_time(engine: Engine, count: int) -> None:
    report = import_as_cli(engine, _file(count))
    assert 0 < report.write_seconds <= report.seconds
