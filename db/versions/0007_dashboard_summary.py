"""Dashboard summary rows (``dashboard_count``, see ``workbench.summary``), counted from
the existing claims and verdicts.

The counting SQL is written out here, frozen as of this revision, instead of calling
``workbench.summary.rebuild``: a migration must do what it did when it was written, and
the app's rebuild always writes the app's *current* format. Once a later revision
changes the table (a new key column, say), calling it from here would insert columns
this revision never created, and every fresh database would fail at 0007. A later
format change brings its own migration (and ``workbench dashboard rebuild`` recounts
any database); ``tests/domain/test_summary.py`` checks that this SQL still counts what
the app counts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "kind, day, state, rating, outlet, creator, value, bucket, n, first_n, seconds"
#: Per dialect: the UTC day of a timestamp, and whole seconds between two timestamps.
_DAY = {"sqlite": "date({})", "postgresql": "CAST(timezone('UTC', {}) AS DATE)"}
_SECONDS = {"sqlite": "CAST(round((julianday({0}) - julianday({1})) * 86400) AS INTEGER)",
            "postgresql": "CAST(round(EXTRACT(epoch FROM {0} - {1})) AS BIGINT)"}
#: Upper bounds (days) of the time-to-verdict buckets; the last bucket is open.
_BUCKET_DAYS = (1, 3, 7, 14, 30)


def _facts(dialect: str) -> str:
    """Every claim's and published verdict's contribution, summed per day and key."""
    day = _DAY[dialect].format("c.created_at")
    approved_day = _DAY[dialect].format("v.reviewed_at")
    seconds = _SECONDS[dialect].format("v.reviewed_at", "c.created_at")
    bucket = ("CASE WHEN v.corrects_id IS NOT NULL THEN -1 "
              + " ".join(f"WHEN {seconds} < {days * 86400} THEN {i}"
                         for i, days in enumerate(_BUCKET_DAYS))
              + f" ELSE {len(_BUCKET_DAYS)} END")
    published = ("FROM verdict v JOIN claim c ON c.id = v.claim_id "
                 "WHERE v.status IN ('approved', 'superseded') AND v.reviewed_at IS NOT NULL")

    def per_claim(kind: str, value: str, source: str) -> str:
        return (f"SELECT '{kind}', {day}, c.state, 0, '', 0, {value}, -1, count(*), 0, 0 "
                f"{source} GROUP BY {day}, c.state, {value}")

    return " UNION ALL ".join([  # fixed SQL text, no input
        f"SELECT 'claim', {day}, c.state, coalesce(p.rating, 0), coalesce(a.outlet, ''), "
        "coalesce(c.created_by, 0), '', -1, count(*), 0, 0 "  # noqa: S608
        "FROM claim c LEFT JOIN article a ON a.id = c.article_id "
        "LEFT JOIN (SELECT claim_id, max(coalesce(rating_id, -1)) AS rating FROM verdict "
        "WHERE status = 'approved' GROUP BY claim_id) p ON p.claim_id = c.id "
        f"GROUP BY {day}, c.state, coalesce(p.rating, 0), coalesce(a.outlet, ''), "
        "coalesce(c.created_by, 0)",
        per_claim("tag", "t.tag", "FROM claim c JOIN claim_tag t ON t.claim_id = c.id"),
        per_claim("claimant", "c.claimant", "FROM claim c WHERE c.claimant != ''"),
        per_claim("repeat", "CAST(c.repeat_of_id AS VARCHAR)",
                  "FROM claim c WHERE c.repeat_of_id IS NOT NULL"),
        f"SELECT 'approval', {approved_day}, c.state, 0, '', 0, '', {bucket}, count(*), "
        "sum(CASE WHEN v.corrects_id IS NULL THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN v.corrects_id IS NULL THEN {seconds} ELSE 0 END) "
        f"{published} GROUP BY {approved_day}, c.state, {bucket}",
        f"SELECT 'author', {approved_day}, c.state, 0, '', 0, "
        "CAST(coalesce(v.author_id, 0) AS VARCHAR), -1, count(*), 0, 0 "
        f"{published} GROUP BY {approved_day}, c.state, CAST(coalesce(v.author_id, 0) AS VARCHAR)",
    ])


def upgrade() -> None:
    op.create_table(
        "dashboard_count",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("rating", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("creator", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("first_n", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day", "state", "rating", "outlet", "creator", "value",
                                "bucket"),
    )
    dialect = op.get_bind().dialect.name
    # The day of the all-time rows (workbench.summary.ALL_TIME). Fixed text, no input:
    all_time = "'0001-01-01'" if dialect == "sqlite" else "DATE '0001-01-01'"
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) {_facts(dialect)}")
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) SELECT kind, {all_time}, state, "
               "rating, outlet, creator, value, bucket, sum(n), sum(first_n), sum(seconds) "
               f"FROM dashboard_count WHERE day != {all_time} "  # noqa: S608
               "GROUP BY kind, state, rating, outlet, creator, value, bucket")


def downgrade() -> None:
    op.drop_table("dashboard_count")
