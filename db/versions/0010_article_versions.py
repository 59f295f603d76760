"""Article versions, claim re-anchoring and source snapshots.

An article's body may now change: every body is kept in ``article_version`` and each claim
records which version its offsets point into, plus the span a new version probably holds it
at until a reviewer confirms it. ``source_snapshot`` keeps the copies of a source's page the
workbench fetched when a person asked for one. ``fuzzy`` anchors (never written by any
release) become ``needs_review``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNSETTLED = "anchor_status IN ('needs_review', 'unplaced')"


def upgrade() -> None:
    op.create_table(
        "article_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("source_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "number"),
    )
    op.create_table(
        "source_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("final_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raw_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("public_copy_url", sqlmodel.sql.sqltypes.AutoString(length=2000),
                  nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_source_snapshot_source_fetched", "source_snapshot",
                    ["source_id", "fetched_at"])
    # Plain ADD/DROP COLUMN (SQLite 3.35+ has both): a batch copy of ``claim`` would drop
    # a table that others reference.
    op.add_column("article", sa.Column("current_version", sa.Integer(), server_default="1",
                                       nullable=False))
    op.add_column("claim", sa.Column("article_version", sa.Integer(), server_default="1",
                                     nullable=False))
    op.add_column("claim", sa.Column("proposed_start", sa.Integer(), nullable=True))
    op.add_column("claim", sa.Column("proposed_end", sa.Integer(), nullable=True))
    op.execute("UPDATE claim SET anchor_status = 'needs_review' WHERE anchor_status = 'fuzzy'")
    op.create_index("ix_claim_unsettled", "claim", ["article_id"],
                    sqlite_where=sa.text(_UNSETTLED), postgresql_where=sa.text(_UNSETTLED))


def downgrade() -> None:
    op.drop_index("ix_claim_unsettled", table_name="claim")
    op.execute("UPDATE claim SET anchor_status = 'fuzzy' WHERE anchor_status = 'needs_review'")
    for table, column in (("claim", "proposed_end"), ("claim", "proposed_start"),
                          ("claim", "article_version"), ("article", "current_version")):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    op.drop_index("ix_source_snapshot_source_fetched", table_name="source_snapshot")
    op.drop_table("source_snapshot")
    op.drop_table("article_version")
