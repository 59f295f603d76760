"""The one aggregated query behind the claim report.

Per-claim lists (tags, sources) are aggregated in SQL with
``func.aggregate_strings`` (``group_concat`` on SQLite, ``string_agg`` on
PostgreSQL) and joined back, so the export runs one statement however many
claims there are. The aggregate's order is not guaranteed on SQLite, so values
carry their sort keys and :func:`report_row` sorts them in Python.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, String, and_, case, cast, func, select, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import col

from workbench.filters import ClaimFilters, apply_filters
from workbench.models import (
    Article,
    Claim,
    ClaimTag,
    Evidence,
    ExternalReview,
    Rating,
    Source,
    User,
    Verdict,
)
from workbench.reports.columns import COLUMNS, MULTI_SEPARATOR
from workbench.sql import select_columns

ITEM = "\x1e"  # between aggregated items (never in cleaned text: it is whitespace)
FIELD = "\x1f"  # between the fields of one item
BATCH = 2000


def _text(expression: Any) -> Any:
    return cast(expression, String)


def _raw(column: Any) -> Any:
    """Skip SQLAlchemy's date parsing: SQLite's stored text (naive UTC) is already what the
    report prints, and PostgreSQL's driver returns date objects anyway. A third of the
    export's time went into parsing datetimes only to format them again."""
    return type_coerce(column, String).label(column.key)


def report_select(filters: ClaimFilters | None = None) -> Any:
    """SELECT one row per claim with every report column (raw values), ordered by id."""
    tags = (
        select(
            col(ClaimTag.claim_id).label("claim_id"),
            func.aggregate_strings(col(ClaimTag.tag), ITEM).label("tags"),
        )
        .group_by(col(ClaimTag.claim_id))
        .subquery("tags")
    )
    independent = func.max(case((col(Evidence.independent).is_(True), 1), else_=0))
    per_source = (
        select_columns(
            col(Evidence.claim_id).label("claim_id"),
            col(Evidence.source_id),
            func.count().label("n"),
            independent.label("independent"),
            func.min(Evidence.id).label("first_id"),
        )
        .group_by(col(Evidence.claim_id), col(Evidence.source_id))
        .subquery("per_source")
    )
    item = (
        _text(per_source.c.independent)
        + FIELD
        + _text(per_source.c.first_id)
        + FIELD
        + Source.url
        + FIELD
        + Source.archive_url
    )
    evidence = (
        select(
            per_source.c.claim_id,
            func.sum(per_source.c.n).label("evidence_count"),
            func.sum(per_source.c.independent).label("independent_count"),
            func.aggregate_strings(item, ITEM).label("sources"),
        )
        .join(Source, col(Source.id) == per_source.c.source_id)
        .group_by(per_source.c.claim_id)
        .subquery("evidence")
    )
    corrected = aliased(Verdict)
    corrections = (
        select(col(corrected.claim_id).label("claim_id"), func.count().label("n"))
        .where(
            col(corrected.corrects_id).is_not(None),
            col(corrected.status).in_(("approved", "superseded")),
        )
        .group_by(col(corrected.claim_id))
        .subquery("corrections")
    )
    # ``coalesce`` keeps SQLite off the status index: probing it for every claim is
    # quadratic, while the (claim_id, created_at) index finds each claim's verdicts.
    current = aliased(Verdict, name="current")
    approved = func.coalesce(current.status, "") == "approved"
    author, approver, assignee = aliased(User), aliased(User), aliased(User)
    statement = (
        select_columns(
            Claim.id,
            Article.title,
            Article.url,
            Claim.quote,
            Claim.start,
            Claim.end,
            Claim.statement,
            Claim.claimant,
            _raw(Claim.claim_date),
            Claim.claim_type,
            tags.c.tags,
            Claim.state,
            Rating.label,
            Rating.rating_value,
            current.rationale,
            evidence.c.evidence_count,
            evidence.c.independent_count,
            evidence.c.sources,
            func.coalesce(author.name, assignee.name),
            approver.name,
            _raw(current.reviewed_at),
            corrections.c.n,
            _raw(Claim.created_at),
            _raw(Claim.updated_at),
            Claim.version,
            case((col(Claim.article_id).is_(None), None), else_=Claim.article_version),
            Claim.anchor_status,
            assignee.name,
            Claim.context,
            ExternalReview.publisher,
            ExternalReview.url,
            Rating.best_rating,
            Rating.worst_rating,
        )
        .select_from(Claim)
        .outerjoin(Article, col(Article.id) == Claim.article_id)
        .outerjoin(tags, tags.c.claim_id == Claim.id)
        .outerjoin(current, and_(col(current.claim_id) == Claim.id, approved))
        .outerjoin(Rating, col(Rating.id) == current.rating_id)
        .outerjoin(evidence, evidence.c.claim_id == Claim.id)
        .outerjoin(corrections, corrections.c.claim_id == Claim.id)
        .outerjoin(author, col(author.id) == current.author_id)
        .outerjoin(approver, col(approver.id) == current.reviewer_id)
        .outerjoin(assignee, col(assignee.id) == Claim.assignee_id)
        .outerjoin(ExternalReview, col(ExternalReview.claim_id) == Claim.id)
        .order_by(col(Claim.id))
    )
    return apply_filters(statement, filters)


def timestamp(value: datetime | str | None) -> str:
    """UTC, whole seconds, ``Z``: stable across databases and exact on re-import."""
    if value is None:
        return ""
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH:MM:SS[.ffffff]", naive UTC
        if len(value) >= 19 and value[10] in " T" and not value[19:].strip(".0123456789"):
            return f"{value[:10]}T{value[11:19]}Z"
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:  # PostgreSQL; SQLite hands back naive UTC
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:19] + "Z"


def _day(value: date | str | None) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "")


def _sources(raw: str | None) -> tuple[str, str]:
    if not raw:
        return "", ""
    items = sorted(
        (item.split(FIELD) for item in raw.split(ITEM)), key=lambda f: (-int(f[0]), int(f[1]))
    )
    urls = MULTI_SEPARATOR.join(f[2] for f in items)
    archives = [f[3] for f in items]
    return urls, MULTI_SEPARATOR.join(archives) if any(archives) else ""


def report_row(raw: Sequence[Any]) -> dict[str, Any]:
    """A database row as report cells by column name, plus the rating's ``best_rating``
    and ``worst_rating`` (for ClaimReview; not CSV columns)."""
    return {
        **dict(zip(COLUMNS, report_values(raw), strict=True)),
        "best_rating": raw[-2],
        "worst_rating": raw[-1],
    }


def report_values(raw: Sequence[Any]) -> tuple[Any, ...]:
    """A database row as report cells in column order: ints stay ints, lists are joined."""
    (
        claim_id,
        title,
        url,
        quote,
        start,
        end,
        statement,
        claimant,
        claim_date,
        claim_type,
        tags,
        state,
        label,
        value,
        rationale,
        evidence_count,
        independent,
        sources,
        reviewer,
        approver,
        approved_at,
        corrections,
        created_at,
        updated_at,
        version,
        article_version,
        anchor_status,
        assignee,
        context,
        publisher,
        review_url,
        *_extra,
    ) = raw
    source_urls, archive_urls = _sources(sources)
    return (
        claim_id,
        title or "",
        url or "",
        quote,
        start,
        end,
        statement,
        claimant,
        _day(claim_date),
        claim_type,
        MULTI_SEPARATOR.join(sorted(tags.split(ITEM))) if tags else "",
        state,
        label or "",
        value,
        rationale or "",
        int(evidence_count or 0),
        int(independent or 0),
        source_urls,
        archive_urls,
        reviewer or "",
        approver or "",
        timestamp(approved_at),
        int(corrections or 0),
        timestamp(created_at),
        timestamp(updated_at),
        version,
        article_version,
        anchor_status,
        assignee or "",
        context,
        publisher or "",
        review_url or "",
    )


def _iter_raw(engine: Engine, filters: ClaimFilters | None, batch: int) -> Iterator[Any]:
    """Rows streamed: a server-side cursor on PostgreSQL, SQLite's lazy cursor otherwise,
    fetched ``batch`` at a time so memory stays flat."""
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=batch).execute(
            report_select(filters)
        )
        for partition in result.partitions():
            yield from partition


def iter_report_values(
    engine: Engine, filters: ClaimFilters | None = None, *, batch: int = BATCH
) -> Iterator[tuple[Any, ...]]:
    """Report rows as tuples in :data:`COLUMNS` order (the CSV export's fast path)."""
    for raw in _iter_raw(engine, filters, batch):
        yield report_values(raw)


def iter_report_rows(
    engine: Engine, filters: ClaimFilters | None = None, *, batch: int = BATCH
) -> Iterator[dict[str, Any]]:
    """Report rows by column name (see :func:`report_row`)."""
    for raw in _iter_raw(engine, filters, batch):
        yield report_row(raw)


def count_claims(engine: Engine, filters: ClaimFilters | None = None) -> int:
    statement = apply_filters(select(func.count(col(Claim.id))).select_from(Claim), filters)
    with engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())
