"""Install the three preset rating scales from PRODUCT.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_scale = sa.table(
    "rating_scale",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("description", sa.Text),
    sa.column("ordered", sa.Boolean),
    sa.column("conclusion_only", sa.Boolean),
    sa.column("is_default", sa.Boolean),
)
_rating = sa.table(
    "rating",
    sa.column("scale_id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("position", sa.Integer),
    sa.column("colour", sa.String),
    sa.column("rating_value", sa.Integer),
    sa.column("best_rating", sa.Integer),
    sa.column("worst_rating", sa.Integer),
)

# (label, colour, ratingValue) best first; ratingValue None = not on the numeric axis.
PRESETS = [
    (1, "Truth-O-Meter", "Six steps from True to Pants on fire.", True, False, True, [
        ("True", "#1b7f3b", 6), ("Mostly true", "#6aa84f", 5), ("Half true", "#f1c232", 4),
        ("Mostly false", "#e69138", 3), ("False", "#cc0000", 2), ("Pants on fire", "#660000", 1),
    ]),
    (2, "Snopes/AAP", "Seven labels; Misleading and Unproven sit off the numeric axis.", False,
     False, False, [
        ("True", "#1b7f3b", 5), ("Mostly true", "#6aa84f", 4), ("Mixture", "#f1c232", 3),
        ("Mostly false", "#e69138", 2), ("False", "#cc0000", 1), ("Misleading", "#8e7cc3", None),
        ("Unproven", "#999999", None),
    ]),
    (3, "Conclusion only", "No label: the verdict is a one-line written conclusion.", False,
     True, False, []),
]


def upgrade() -> None:
    op.bulk_insert(_scale, [
        {"id": sid, "name": name, "description": desc, "ordered": ordered,
         "conclusion_only": conclusion_only, "is_default": default}
        for sid, name, desc, ordered, conclusion_only, default, _ in PRESETS
    ])
    rows = []
    for sid, *_rest, labels in PRESETS:
        numeric = [v for _, _, v in labels if v is not None]
        for position, (label, colour, value) in enumerate(labels):
            rows.append({
                "scale_id": sid, "label": label, "position": position, "colour": colour,
                "rating_value": value,
                "best_rating": max(numeric) if value is not None else None,
                "worst_rating": min(numeric) if value is not None else None,
            })
    op.bulk_insert(_rating, rows)
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids above do not advance PostgreSQL's sequence.
        op.execute("SELECT setval('rating_scale_id_seq', (SELECT MAX(id) FROM rating_scale))")


def downgrade() -> None:
    op.execute("DELETE FROM rating WHERE scale_id IN (1, 2, 3)")
    op.execute("DELETE FROM rating_scale WHERE id IN (1, 2, 3)")
