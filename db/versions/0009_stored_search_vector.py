"""Claim search on PostgreSQL: each document's tsvector stored beside it.

Ranking the hits of a search (``ts_rank``) recomputed ``to_tsvector('simple', doc)`` for
every matching document: "helth care costs" matches 6,429 of 1,000,000 documents, and
ranking them took 193-267 ms of a 225-319 ms search; over stored vectors the same ranking
took 11-12 ms (PostgreSQL 15, the 1M desk of ``benchmarks/generate.py``). The column is
generated, so every writer keeps it current without knowing about it, and the GIN index
moves from the expression to the column. SQLite: nothing (FTS5 keeps its own index).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The index searches use (``benchmarks/loading.py`` rebuilds it after a bulk load).
TSV_INDEX = "CREATE INDEX ix_claim_search_doc_tsv ON claim_search_doc USING gin (tsv)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE claim_search_doc ADD COLUMN tsv tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', doc)) STORED")
    op.execute("DROP INDEX IF EXISTS ix_claim_search_doc_tsv")
    op.execute(TSV_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_claim_search_doc_tsv")
    op.execute("ALTER TABLE claim_search_doc DROP COLUMN tsv")
    op.execute("CREATE INDEX ix_claim_search_doc_tsv ON claim_search_doc "
               "USING gin (to_tsvector('simple', doc))")
