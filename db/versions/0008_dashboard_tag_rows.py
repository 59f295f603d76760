"""Dashboard summary rows keyed by tag, and indexes for the outlet, reviewer and tag
filters (``workbench.summary``).

A tag filter used to fall back to aggregating claims (7.4 s for the most used tag at 1M
claims): the new ``tag`` key column holds one of the claim's tags in the tag-keyed kinds
(``claim#``, ``tag#``, ``claimant#``, ``repeat#``, ``author#`` all time; ``approval#``
per ISO week). The indexes on (kind, outlet | creator | tag, day) let an outlet,
reviewer or tag filter read only its own rows (an outlet filter read every per-day
``approval+`` row: 954 ms at 1M claims).

A key column changes the primary key, so the table is rebuilt: the existing rows are
copied (``tag = ''``), the new kinds are counted with SQL frozen as of this revision
(like 0007's; ``tests/domain/test_summary.py`` checks that it still counts what the app
counts). The downgrade keeps the rows 0007 knows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_COLUMNS = "kind, day, state, rating, outlet, creator, value, bucket, n, first_n, seconds"
COLUMNS = "kind, day, state, rating, outlet, creator, value, bucket, tag, n, first_n, seconds"
KEY = ["kind", "day", "state", "rating", "outlet", "creator", "value", "bucket"]
INDEXES = {"ix_dashboard_count_outlet": ["kind", "outlet", "day"],
           "ix_dashboard_count_creator": ["kind", "creator", "day"],
           "ix_dashboard_count_tag": ["kind", "tag", "day"]}
#: Per dialect: the all-time day, the Monday of a timestamp's UTC ISO week, whole
#: seconds between two timestamps.
_ALL_TIME = {"sqlite": "'0001-01-01'", "postgresql": "DATE '0001-01-01'"}
_MONDAY = {"sqlite": "date({}, 'weekday 0', '-6 days')",
           "postgresql": "CAST(date_trunc('week', timezone('UTC', {})) AS DATE)"}
_SECONDS = {"sqlite": "CAST(round((julianday({0}) - julianday({1})) * 86400) AS INTEGER)",
            "postgresql": "CAST(round(EXTRACT(epoch FROM {0} - {1})) AS BIGINT)"}
_BUCKET_DAYS = (1, 3, 7, 14, 30)


def _tag_facts(dialect: str) -> str:
    """The tag-keyed kinds: every fact of a claim once per tag of the claim (``g.tag``)."""
    all_time = _ALL_TIME[dialect]
    seconds = _SECONDS[dialect].format("v.reviewed_at", "c.created_at")
    monday = _MONDAY[dialect].format("v.reviewed_at")
    bucket = ("CASE WHEN v.corrects_id IS NOT NULL THEN -1 "
              + " ".join(f"WHEN {seconds} < {days * 86400} THEN {i}"
                         for i, days in enumerate(_BUCKET_DAYS))
              + f" ELSE {len(_BUCKET_DAYS)} END")
    details = ("LEFT JOIN article a ON a.id = c.article_id "
               "LEFT JOIN (SELECT claim_id, max(coalesce(rating_id, -1)) AS rating FROM verdict "
               "WHERE status = 'approved' GROUP BY claim_id) p ON p.claim_id = c.id")
    detail_key = "coalesce(p.rating, 0), coalesce(a.outlet, ''), coalesce(c.created_by, 0)"
    tagged = "JOIN claim_tag g ON g.claim_id = c.id"
    verdicts = (f"FROM verdict v JOIN claim c ON c.id = v.claim_id {tagged} "
                "WHERE v.status IN ('approved', 'superseded') AND v.reviewed_at IS NOT NULL")

    def plain(kind: str, value: str, source: str) -> str:
        return (f"SELECT '{kind}', {all_time}, c.state, 0, '', 0, {value}, -1, g.tag, "
                f"count(*), 0, 0 {source} GROUP BY c.state, {value}, g.tag")

    return " UNION ALL ".join([  # fixed SQL text, no input
        f"SELECT 'claim#', {all_time}, c.state, {detail_key}, '', -1, g.tag, count(*), 0, 0 "  # noqa: S608
        f"FROM claim c {details} {tagged} GROUP BY c.state, {detail_key}, g.tag",
        plain("tag#", "t.tag", f"FROM claim c JOIN claim_tag t ON t.claim_id = c.id {tagged}"),
        plain("claimant#", "c.claimant", f"FROM claim c {tagged} WHERE c.claimant != ''"),
        plain("repeat#", "CAST(c.repeat_of_id AS VARCHAR)",
              f"FROM claim c {tagged} WHERE c.repeat_of_id IS NOT NULL"),
        plain("author#", "CAST(coalesce(v.author_id, 0) AS VARCHAR)", verdicts),
        f"SELECT 'approval#', {monday}, c.state, 0, '', 0, '', {bucket}, g.tag, count(*), "
        f"sum(CASE WHEN v.corrects_id IS NULL THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN v.corrects_id IS NULL THEN {seconds} ELSE 0 END) {verdicts} "
        f"GROUP BY {monday}, c.state, {bucket}, g.tag",
    ])


def _columns(*, tag: bool) -> list[sa.Column]:
    return [
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("rating", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("creator", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        *([sa.Column("tag", sa.String(length=60), nullable=False)] if tag else []),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("first_n", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY, *(["tag"] if tag else [])),
    ]


def _replace_table(*, tag: bool, copy: str) -> str:
    """Move the table aside, create it in the new shape, copy rows with ``copy`` (an
    INSERT … SELECT from ``dashboard_count_old``), drop the old one; returns the dialect."""
    dialect = op.get_bind().dialect.name
    op.rename_table("dashboard_count", "dashboard_count_old")
    if dialect == "postgresql":  # constraint names are per schema there
        op.execute("ALTER TABLE dashboard_count_old "
                   "RENAME CONSTRAINT dashboard_count_pkey TO dashboard_count_old_pkey")
    op.create_table("dashboard_count", *_columns(tag=tag))
    op.execute(copy)
    op.drop_table("dashboard_count_old")
    if dialect == "postgresql":
        # As in 0007: every read names a kind and a day; the planner needs the pair.
        op.execute("CREATE STATISTICS dashboard_count_kind_day (mcv) ON kind, day "
                   "FROM dashboard_count")
    return dialect


def upgrade() -> None:
    dialect = _replace_table(tag=True, copy=(
        f"INSERT INTO dashboard_count ({COLUMNS}) SELECT kind, day, state, rating, outlet, "  # noqa: S608
        "creator, value, bucket, '', n, first_n, seconds FROM dashboard_count_old"))
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) {_tag_facts(dialect)}")
    op.execute(f"INSERT INTO dashboard_count ({COLUMNS}) SELECT kind, {_ALL_TIME[dialect]}, "  # noqa: S608
               "state, rating, outlet, creator, value, bucket, tag, sum(n), sum(first_n), "
               "sum(seconds) FROM dashboard_count WHERE kind = 'approval#' "
               "GROUP BY kind, state, rating, outlet, creator, value, bucket, tag")
    for name, columns in INDEXES.items():
        op.create_index(name, "dashboard_count", columns)
    op.execute("ANALYZE dashboard_count")  # the planner must see the new rows and indexes


def downgrade() -> None:
    _replace_table(tag=False, copy=(
        f"INSERT INTO dashboard_count ({OLD_COLUMNS}) SELECT {OLD_COLUMNS} "  # noqa: S608
        "FROM dashboard_count_old WHERE tag = '' AND kind != 'generation'"))
