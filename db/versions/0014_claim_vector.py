"""Claim vectors for the optional semantic re-rank of "seen before?".

``claim_vector`` holds one sentence vector per claim (int8, scale 127) and the name of the
model that made it (docs/decisions/0015-semantic-rerank.md). Nothing is filled here: the
vectors need the model, so ``workbench claims embed`` makes them for existing claims, and
new or edited claims get theirs when they are written.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_vector",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id"),
    )


def downgrade() -> None:
    op.drop_table("claim_vector")
