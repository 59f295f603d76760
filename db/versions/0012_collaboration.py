"""Collaboration: article assignment, comment threads with mentions, dismissed hints.

``article.assignee_id`` is the reviewer an editor gave an article to (claims made on it
later go to them); ``claim_comment`` and ``comment_mention`` hold each claim's discussion
and the ``@name`` mentions that reach a person's My work; ``dismissed_hint`` remembers
which first-run hints a person closed. The ``(assignee_id, state)`` index serves My work
and the open-claims-per-reviewer figure.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN with REFERENCES, which both databases accept (Alembic would copy
    # the whole table on SQLite to add the foreign key).
    op.execute('ALTER TABLE article ADD COLUMN assignee_id INTEGER REFERENCES "user" (id)')
    op.create_index("ix_article_assignee_id", "article", ["assignee_id"])
    op.create_index("ix_claim_assignee_state", "claim", ["assignee_id", "state"])
    op.create_table(
        "claim_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_claim_comment_claim", "claim_comment", ["claim_id", "created_at"])
    op.create_table(
        "comment_mention",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["comment_id"], ["claim_comment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("comment_id", "user_id"),
    )
    op.create_index("ix_comment_mention_user", "comment_mention", ["user_id", "seen_at"])
    op.create_table(
        "dismissed_hint",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("hint", sa.String(length=60), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "hint"),
    )


def downgrade() -> None:
    op.drop_table("dismissed_hint")
    op.drop_index("ix_comment_mention_user", table_name="comment_mention")
    op.drop_table("comment_mention")
    op.drop_index("ix_claim_comment_claim", table_name="claim_comment")
    op.drop_table("claim_comment")
    op.drop_index("ix_claim_assignee_state", table_name="claim")
    op.drop_index("ix_article_assignee_id", table_name="article")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("article", "assignee_id")
        return
    # SQLite cannot drop a column its foreign key uses: batch mode copies the table, and
    # dropping the old copy needs the foreign-key checks off, which only works outside a
    # transaction.
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("article") as batch:
        batch.drop_column("assignee_id")
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")
