"""benchmarks/generate.py builds a consistent desk: every row where the app expects it,
ids that refer to real rows, the dashboard summary equal to a recount (the second
process's summary rows are merged into the first's), the search index complete (every
document found by its own text: FTS5's integrity-check also passes on an index that
misses documents of an external-content table)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, select, text

from tests.conftest import EVAL_DATA
from workbench import db, summary
from workbench.models import Claim

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CLAIMS = 1_010  # 51 articles: the last one short, the shards of unequal size
TABLES = [
    "user",
    "source",
    "article",
    "claim",
    "claim_tag",
    "evidence",
    "verdict",
    "audit_event",
    "claim_search_doc",
]

pytestmark = pytest.mark.skipif(
    not (EVAL_DATA / "claims" / "liar").is_dir(),
    reason=f"LIAR is not in {EVAL_DATA} (third-party data)",
)


Generate = Callable[..., dict[str, int]]


@pytest.fixture
def generate(monkeypatch: pytest.MonkeyPatch) -> Generate:
    """``benchmarks/generate.py``'s ``generate`` (benchmarks/ is not a package)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    from generate import generate

    return generate


def _rows(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608


def _unfound_documents(connection: Connection) -> list[int]:
    """The claims whose whole search document, as a phrase, does not find them."""
    return [
        claim_id
        for claim_id, doc in connection.exec_driver_sql(
            "SELECT claim_id, doc FROM claim_search_doc"
        ).all()
        if (claim_id,)
        not in connection.exec_driver_sql(
            "SELECT rowid FROM claim_fts WHERE claim_fts MATCH ?",
            ('"' + doc.replace('"', '""') + '"',),
        ).all()
    ]


@pytest.mark.parametrize("processes", [1, 2])
def test_generated_desk_is_consistent(
    database_url: str, generate: Generate, processes: int
) -> None:
    counts = generate(database_url, CLAIMS, seed=3, with_search=True, processes=processes)
    engine = db.get_engine(database_url)

    for table in TABLES:
        assert _rows(engine, table) == counts[table], table
    assert counts["claim"] == counts["claim_search_doc"] == CLAIMS
    with db.read_session(engine) as session:
        ids = session.execute(select(func.min(Claim.id), func.max(Claim.id))).one()
        assert tuple(ids) == (1, CLAIMS)
        assert summary.stored(session) == summary.recount(session)
    with engine.connect() as connection:
        # every reference points at a row (foreign keys were off for the load)
        orphans = {
            "claim.article_id": "SELECT count(*) FROM claim c LEFT JOIN article a "
            "ON a.id = c.article_id WHERE a.id IS NULL",
            "claim.repeat_of_id": "SELECT count(*) FROM claim c LEFT JOIN claim r "
            "ON r.id = c.repeat_of_id "
            "WHERE c.repeat_of_id IS NOT NULL AND r.id IS NULL",
            "evidence.source_id": "SELECT count(*) FROM evidence e LEFT JOIN source s "
            "ON s.id = e.source_id WHERE s.id IS NULL",
            "verdict.claim_id": "SELECT count(*) FROM verdict v LEFT JOIN claim c "
            "ON c.id = v.claim_id WHERE c.id IS NULL",
            "audit_event.entity_id": "SELECT count(*) FROM audit_event e LEFT JOIN verdict v "
            "ON v.id = e.entity_id WHERE e.entity = 'verdict' "
            "AND v.id IS NULL",
        }
        assert {
            name: connection.execute(text(sql)).scalar_one() for name, sql in orphans.items()
        } == dict.fromkeys(orphans, 0)
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            # FTS5 compares its index with the documents (raises on a difference)
            connection.exec_driver_sql(
                "INSERT INTO claim_fts(claim_fts) VALUES ('integrity-check')"
            )
            assert connection.exec_driver_sql(
                "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH 'health'"
            ).scalar_one()
            # and holds every document (integrity-check passes without some)
            assert _unfound_documents(connection) == []
            # the sync triggers are back: an edited document is found by its new words
            connection.exec_driver_sql(
                "UPDATE claim_search_doc SET doc = 'zyxwvu' WHERE claim_id = 7"
            )
            assert connection.exec_driver_sql(
                "SELECT rowid FROM claim_fts WHERE claim_fts MATCH 'zyxwvu'"
            ).all() == [(7,)]
    if engine.dialect.name == "sqlite":  # the shards' files are gone
        path = Path(db.sqlite_file(database_url))
        assert {p.name for p in path.parent.iterdir()} <= {
            path.name,
            f"{path.name}-wal",
            f"{path.name}-shm",
        }


def test_refuses_a_database_with_claims(database_url: str, generate: Generate) -> None:
    generate(database_url, 40, seed=3, with_search=False, processes=1)
    with pytest.raises(SystemExit, match="already holds claims"):
        generate(database_url, 40, seed=3, with_search=False, processes=1)
