"""Covering indexes for the dashboard aggregates (workbench.dashboard).

- ``ix_verdict_status_rating``: verdict distribution (status = approved, GROUP BY
  rating_id) read from the index alone.
- ``ix_verdict_status_reviewed``: approvals by week / reviewer / time to verdict
  (status IN (approved, superseded), reviewed_at range, author, claim).

The same ``Index(...)`` lines belong in ``workbench/models.py`` (``Verdict.__table_args__``)
so that ``alembic check`` stays clean.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_verdict_status_rating": ["status", "rating_id", "claim_id"],
    "ix_verdict_status_reviewed": ["status", "reviewed_at", "author_id", "claim_id"],
}


def upgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verdict", schema=None) as batch_op:
        for name in reversed(INDEXES):
            batch_op.drop_index(name)
