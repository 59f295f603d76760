"""Claim context and other fact-checkers' reviews.

``claim.context`` is what a claim is about, in a line: the article's title for a claim made
in the app (existing claims get their article's title here, as new ones do in
``claims.create_claim``), an imported fact-check's headline. It is part of the claim's
search document; for existing claims the title already is, so no document changes.

``external_review`` marks a claim as another fact-checker's published review (a ClaimReview
import): who published it, where and when. The unique index on ``url`` keeps one claim per
review. Such claims are read-only (docs/decisions/0014).

Downgrading deletes those claims (with their verdicts, tags and search documents, by the
foreign keys' cascade) rather than leave them as ordinary approved claims that an older
workbench would edit and publish in its own ClaimReview feed; they come back by importing
the files again. The dashboard figures then need ``workbench dashboard rebuild``.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of ``claim`` would drop a table others reference
    # (migration 0010).
    op.add_column("claim", sa.Column("context", sa.Text(), server_default="", nullable=False))
    op.execute(
        "UPDATE claim SET context = "
        "(SELECT title FROM article WHERE article.id = claim.article_id) "
        "WHERE article_id IS NOT NULL"
    )
    op.create_table(
        "external_review",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id"),
    )
    op.create_index("ux_external_review_url", "external_review", ["url"], unique=True)


def downgrade() -> None:
    op.execute(
        "UPDATE claim SET repeat_of_id = NULL "
        "WHERE repeat_of_id IN (SELECT claim_id FROM external_review)"
    )
    op.execute("DELETE FROM claim WHERE id IN (SELECT claim_id FROM external_review)")
    op.drop_index("ux_external_review_url", table_name="external_review")
    op.drop_table("external_review")
    op.execute("ALTER TABLE claim DROP COLUMN context")
