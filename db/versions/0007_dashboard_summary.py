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
    """Every claim's and published verdict's contribution, summed per day and key: the
    ``claim`` rows, and each other kind plain and as its ``+`` twin (which adds the
    claim's published rating, outlet and creator)."""
    day = _DAY[dialect].format("c.created_at")
    approved_day = _DAY[dialect].format("v.reviewed_at")
    seconds = _SECONDS[dialect].format("v.reviewed_at", "c.created_at")
    bucket = ("CASE WHEN v.corrects_id IS NOT NULL THEN -1 "
              + " ".join(f"WHEN {seconds} < {days * 86400} THEN {i}"
                         for i, days in enumerate(_BUCKET_DAYS))
              + f" ELSE {len(_BUCKET_DAYS)} END")
    details = ("LEFT JOIN article a ON a.id = c.article_id "
               "LEFT JOIN (SELECT claim_id, max(coalesce(rating_id, -1)) AS rating FROM verdict "
               "WHERE status = 'approved' GROUP BY claim_id) p ON p.claim_id = c.id")
    detail_key = "coalesce(p.rating, 0), coalesce(a.outlet, ''), coalesce(c.created_by, 0)"
    claims = "FROM claim c"
    verdicts = "FROM verdict v JOIN claim c ON c.id = v.claim_id"
    published = "WHERE v.status IN ('approved', 'superseded') AND v.reviewed_at IS NOT NULL"

    def twins(kind: str, day: str, value: str, bucket: str, source: str, where: str = "",
              sums: str = "count(*), 0, 0") -> list[str]:
        # Constants stay out of GROUP BY (an integer there means a column position).
        key = ", ".join(term for term in (day, "c.state", value, bucket)
                        if term not in ("''", "-1"))
        return [f"SELECT '{kind}', {day}, c.state, 0, '', 0, {value}, {bucket}, {sums} "
                f"{source} {where} GROUP BY {key}",
                f"SELECT '{kind}+', {day}, c.state, {detail_key}, {value}, {bucket}, {sums} "
                f"{source} {details} {where} GROUP BY {key}, {detail_key}"]

    first_sums = ("count(*), sum(CASE WHEN v.corrects_id IS NULL THEN 1 ELSE 0 END), "
                  f"sum(CASE WHEN v.corrects_id IS NULL THEN {seconds} ELSE 0 END)")
    return " UNION ALL ".join([  # fixed SQL text, no input
        f"SELECT 'claim', {day}, c.state, {detail_key}, '', -1, count(*), 0, 0 "
        f"{claims} {details} GROUP BY {day}, c.state, {detail_key}",
        *twins("tag", day, "t.tag", "-1", f"{claims} JOIN claim_tag t ON t.claim_id = c.id"),
        *twins("claimant", day, "c.claimant", "-1", claims, "WHERE c.claimant != ''"),
        *twins("repeat", day, "CAST(c.repeat_of_id AS VARCHAR)", "-1", claims,
               "WHERE c.repeat_of_id IS NOT NULL"),
        *twins("approval", approved_day, "''", bucket, verdicts, published, first_sums),
        *twins("author", approved_day, "CAST(coalesce(v.author_id, 0) AS VARCHAR)", "-1",
               verdicts, published),
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
    if dialect == "postgresql":
        # Every read names a kind and a day (often the all-time one): without statistics
        # on the pair the planner expected 12x the rows and scanned the whole table
        # (916 ms for the claimant list at 1M claims; 61 ms with them).
        op.execute("CREATE STATISTICS dashboard_count_kind_day (mcv) ON kind, day "
                   "FROM dashboard_count")
    # The day of the all-time rows (workbench.summary.ALL_TIME). Fixed text, no input:
    all_time = "'0001-01-01'" if dialect == "sqlite" else "DATE '0001-01-01'"
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) {_facts(dialect)}")
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) SELECT kind, {all_time}, state, "  # noqa: S608
               "rating, outlet, creator, value, bucket, sum(n), sum(first_n), sum(seconds) "
               f"FROM dashboard_count WHERE day != {all_time} "
               "GROUP BY kind, state, rating, outlet, creator, value, bucket")
    # These twins are kept all time only (workbench.summary.ALL_TIME_ONLY).
    op.execute("DELETE FROM dashboard_count WHERE kind IN ('tag+', 'claimant+', 'repeat+') "  # noqa: S608
               f"AND day != {all_time}")


def downgrade() -> None:
    op.drop_table("dashboard_count")
