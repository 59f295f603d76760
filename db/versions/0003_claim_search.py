"""Claim search index: one searchable document per claim, indexed per dialect.

``claim_search_doc`` holds the text built by ``workbench.search.claim_document``
(statement, quote, claimant, tags, article title and amount tokens). It is not a
SQLModel model: ``db/env.py`` hides tables starting with ``claim_search``/``claim_fts``
from autogenerate, so ``alembic check`` stays clean.

SQLite: an external-content FTS5 table over the documents, kept in sync by triggers
(the sqlite-utils pattern, with FTS5's 'delete' command), plus an fts5vocab table
that gives each term's document frequency (rarest-term selection, typo expansion).
PostgreSQL: pg_trgm (word_similarity, typo-tolerant) and a tsvector GIN index.

Existing claims are backfilled in SQL with their plain text (no amount tokens);
``workbench search rebuild`` (``workbench.search.rebuild_index``) rewrites every document
in the full format.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE = [
    "CREATE VIRTUAL TABLE claim_fts USING fts5(doc, content='claim_search_doc', "
    "content_rowid='claim_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER claim_search_doc_ai AFTER INSERT ON claim_search_doc BEGIN "
    "INSERT INTO claim_fts(rowid, doc) VALUES (new.claim_id, new.doc); END",
    "CREATE TRIGGER claim_search_doc_ad AFTER DELETE ON claim_search_doc BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, doc) VALUES ('delete', old.claim_id, old.doc); END",
    "CREATE TRIGGER claim_search_doc_au AFTER UPDATE ON claim_search_doc BEGIN "
    "INSERT INTO claim_fts(claim_fts, rowid, doc) VALUES ('delete', old.claim_id, old.doc); "
    "INSERT INTO claim_fts(rowid, doc) VALUES (new.claim_id, new.doc); END",
    "CREATE VIRTUAL TABLE claim_fts_vocab USING fts5vocab(claim_fts, 'row')",
]
_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_claim_search_doc_trgm ON claim_search_doc USING gin (doc gin_trgm_ops)",
    "CREATE INDEX ix_claim_search_doc_tsv ON claim_search_doc "
    "USING gin (to_tsvector('simple', doc))",
]


def _backfill(dialect: str) -> str:
    """Plain-text documents for claims that exist before this revision."""
    tags = ("group_concat(t.tag, ' ')" if dialect == "sqlite"
            else "string_agg(t.tag, ' ' ORDER BY t.tag)")
    return (
        "INSERT INTO claim_search_doc (claim_id, doc) "
        "SELECT c.id, lower(c.statement || ' ' || CASE WHEN c.quote = c.statement THEN '' "
        "ELSE c.quote END || ' ' || c.claimant || ' ' || "
        f"COALESCE((SELECT {tags} FROM claim_tag t WHERE t.claim_id = c.id), '') || ' ' || "
        "COALESCE(a.title, '')) "
        "FROM claim c LEFT JOIN article a ON a.id = c.article_id"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute(
        "CREATE TABLE claim_search_doc ("
        "claim_id INTEGER PRIMARY KEY REFERENCES claim(id) ON DELETE CASCADE, "
        "doc TEXT NOT NULL)"
    )
    for statement in _SQLITE if dialect == "sqlite" else _POSTGRES:
        op.execute(statement)
    op.execute(_backfill(dialect))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS claim_fts_vocab")
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS claim_search_doc_{suffix}")
        op.execute("DROP TABLE IF EXISTS claim_fts")
    else:
        # pg_trgm stays: an extension is database-wide and other code may use it.
        op.execute("DROP INDEX IF EXISTS ix_claim_search_doc_tsv")
        op.execute("DROP INDEX IF EXISTS ix_claim_search_doc_trgm")
    op.execute("DROP TABLE IF EXISTS claim_search_doc")
