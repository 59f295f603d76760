"""Check-worthiness models trained in the newsroom.

``checkworthiness_model`` keeps every ranker trained on the newsroom's own decisions (the
JSON artefact, its figures, who trained it); the newest active row is the one in use, so
every server replica ranks with the same model.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkworthiness_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("artefact", sa.Text(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkworthiness_model_active", "checkworthiness_model", ["active"])


def downgrade() -> None:
    op.drop_index("ix_checkworthiness_model_active", table_name="checkworthiness_model")
    op.drop_table("checkworthiness_model")
