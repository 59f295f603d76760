"""Sign-in failures kept in the database (``sign_in_throttle``): one row per attempted
account name and per client address, shared by every server process, so a restart or
a second replica does not reset the count (see ``workbench/throttle.py``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key"),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_throttle_last_failed_at"),
                              ["last_failed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_last_failed_at"))
    op.drop_table("sign_in_throttle")
