"""What each claim contributes to the dashboard summary (``workbench.summary``): the
kinds of summary rows, which filters each answers, and the SQL that counts them.

:func:`fact_query` is the one definition of the facts: the services' per-claim updates,
the bulk importer's and the rebuild's INSERT … SELECT, and the recount in the tests all
run it (over a few claims, a range of ids, or every claim). See ``workbench.summary``
for why the kinds are shaped as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.selectable import Join

from workbench.models import Article, Claim, ClaimTag, Verdict, VerdictStatus
from workbench.sql import table_of

KEY = ("kind", "day", "state", "rating", "outlet", "creator", "value", "bucket", "tag")
SUMS = ("n", "first_n", "seconds")
#: The ``day`` of the all-time rows (no claim is that old).
ALL_TIME = date(1, 1, 1)
DETAILED = ("tag", "claimant", "repeat", "approval", "author")
#: Every kind: (base kind, detailed (+ rating, outlet, creator), tag-keyed).
KINDS: dict[str, tuple[str, bool, bool]] = {
    "claim": ("claim", True, False),
    "claim#": ("claim", True, True),
    **{
        f"{base}{twin}": (base, twin == "+", twin == "#")
        for base in DETAILED
        for twin in ("", "+", "#")
    },
}
#: Kept all time only: per day these would hold about one row per fact.
ALL_TIME_ONLY = frozenset(
    {"tag+", "claimant+", "repeat+"}
    | {kind for kind in KINDS if kind.endswith("#")} - {"approval#"}
)
#: Kept per ISO week (``day`` is its Monday): the approval charts count weeks.
WEEKLY = frozenset({"approval#"})


def _carried(kind: str) -> frozenset[str]:
    _, detailed, tagged = KINDS[kind]
    return frozenset(
        {"states"}
        | ({"rating", "outlet", "reviewer"} if detailed else set())
        | ({"tag"} if tagged else set())
        | (set() if kind in ALL_TIME_ONLY | WEEKLY else {"dates"})
    )


#: Which filters (``ClaimFilters`` fields; "dates": a date range) each kind's rows answer.
CARRIES: dict[str, frozenset[str]] = {kind: _carried(kind) for kind in KINDS}
#: The kinds counted over published verdicts rather than claims.
VERDICT_KINDS = frozenset({"approval", "author"})
#: Upper bounds (days) of the time-to-verdict buckets; the last bucket is open.
BUCKET_DAYS = (1, 3, 7, 14, 30)
NO_RATING, UNRATED = 0, -1  # ``rating``: no published verdict / published without a rating

#: Narrows a claim-id column to the claims being counted (None: every claim).
Scope = Callable[[Any], ColumnElement[bool]]

_C, _V, _A, _T = (table_of(Claim), table_of(Verdict), table_of(Article), table_of(ClaimTag))
_TAGGED = aliased(table_of(ClaimTag), name="tagged")
PUBLISHED = (VerdictStatus.approved, VerdictStatus.superseded)


class _LeftFirst(Join):
    """An inner join that SQLite must read left table first: SQLite's documented hint for
    that is to spell it ``CROSS JOIN``; other databases get a plain JOIN.

    Why: joining the published verdicts to a few claims' ``fact_claim`` rows, SQLite 3.40
    read the claims first and built a Bloom filter over the whole verdict table to probe
    it, about 12 ms per 100,000 claims in every save. Read verdicts first (by the
    scope's claim ids, from their index), it is a few index look-ups."""

    inherit_cache = True


@compiles(_LeftFirst, "sqlite")
def _cross_join(join: _LeftFirst, compiler: SQLCompiler, **kw: Any) -> str:
    kw.pop("asfrom", None)
    assert join.onclause is not None  # built with one below
    left, right = (compiler.process(side, asfrom=True, **kw) for side in (join.left, join.right))
    return f"{left} CROSS JOIN {right} ON {compiler.process(join.onclause, **kw)}"


def _day(dialect: str, column: Any) -> Any:
    """The UTC calendar day of a timestamp column."""
    if dialect == "sqlite":
        return type_coerce(func.date(column), Date)
    return cast(func.timezone("UTC", column), Date)


def _monday(dialect: str, column: Any) -> Any:
    """The Monday of the UTC ISO week of a timestamp column."""
    if dialect == "sqlite":
        return type_coerce(func.date(column, "weekday 0", "-6 days"), Date)
    return cast(func.date_trunc("week", func.timezone("UTC", column)), Date)


def _seconds(dialect: str, later: Any, earlier: Any) -> Any:
    if dialect == "sqlite":
        return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400), Integer)
    return cast(func.round(func.extract("epoch", later - earlier)), BigInteger)


def fact_query(dialect: str, scope: Scope | None) -> Any:
    """Every fact of the claims in ``scope`` (None: all claims), summed per kind and key
    (all-time-only kinds already on ``ALL_TIME``); columns ``KEY + SUMS``.

    Each claim's details (day, published rating, outlet, creator) are worked out once, in
    a materialised CTE that every kind reads: joining the article and the published
    verdicts again for each of the 17 kinds made counting 100,000 imported claims cost
    13 s CPU, most of it inside the importer's write lock. Likewise each published verdict
    joined with its claim's details, once (``fact_verdict``), for the six verdict kinds.
    """
    c, v, a, t, tagged = _C, _V, _A, _T, _TAGGED
    rating = func.max(func.coalesce(v.c.rating_id, UNRATED))
    approved = (
        select(v.c.claim_id, rating.label("rating"))
        .where(v.c.status == VerdictStatus.approved)
        .group_by(v.c.claim_id)
    )
    if scope:
        approved = approved.where(scope(v.c.claim_id))
    published = approved.subquery()
    claims = (
        select(
            c.c.id,
            c.c.state,
            c.c.created_at,
            c.c.claimant,
            c.c.repeat_of_id,
            _day(dialect, c.c.created_at).label("day"),
            func.coalesce(published.c.rating, NO_RATING).label("rating"),
            func.coalesce(a.c.outlet, "").label("outlet"),
            func.coalesce(c.c.created_by, 0).label("creator"),
        )
        .select_from(
            c.outerjoin(a, a.c.id == c.c.article_id).outerjoin(
                published, published.c.claim_id == c.c.id
            )
        )
        .where(*([scope(c.c.id)] if scope else []))
        .cte("fact_claim")
        .prefix_with("MATERIALIZED")
    )
    zero, none, no_bucket = literal(0), literal(""), literal(-1)

    def kinds(
        base: str,
        day: Any,
        value: Any,
        bucket: Any,
        source: Any,
        where: list[Any],
        sums: tuple[Any, Any, Any],
    ) -> list[Any]:
        """One SELECT per kind of ``base`` (plain, detailed, tag-keyed); ``source`` is
        ``fact_claim`` or ``fact_verdict`` or a join of one of them."""
        row = verdicts if base in VERDICT_KINDS else claims
        selects = []
        for kind, (of, detailed, tag_keyed) in KINDS.items():
            if of != base:
                continue
            joined = source.join(tagged, tagged.c.claim_id == row.c.id) if tag_keyed else source
            when = (
                literal(ALL_TIME, Date)
                if kind in ALL_TIME_ONLY
                else _monday(dialect, row.c.reviewed_at)
                if kind in WEEKLY
                else day
            )
            key = (
                when,
                row.c.state,
                *((row.c.rating, row.c.outlet, row.c.creator) if detailed else (zero, none, zero)),
                value,
                bucket,
                tagged.c.tag if tag_keyed else none,
            )
            selects.append(
                select(
                    literal(kind).label("kind"),
                    *[term.label(name) for name, term in zip(KEY[1:], key, strict=True)],
                    *[term.label(name) for name, term in zip(SUMS, sums, strict=True)],
                )
                .select_from(joined)
                .where(*where)
                # constants stay out of GROUP BY
                .group_by(*[term for term in key if not isinstance(term, BindParameter)])
            )
        return selects

    published_verdicts: list[ColumnElement[bool]] = [
        v.c.status.in_(PUBLISHED),
        v.c.reviewed_at.is_not(None),
    ]
    if scope and dialect == "sqlite":
        # Else SQLite reads every published verdict to join the few scoped claims; on
        # PostgreSQL the same filter doubled a 10,000-claim import (24 -> 46 s).
        published_verdicts.append(scope(v.c.claim_id))
    verdicts = (
        select(
            *claims.c,
            v.c.reviewed_at,
            v.c.corrects_id,
            func.coalesce(v.c.author_id, 0).label("author"),
        )
        .select_from(_LeftFirst(v, claims, claims.c.id == v.c.claim_id))
        .where(*published_verdicts)
        .cte("fact_verdict")
        .prefix_with("MATERIALIZED")
    )
    counted = (func.count(), zero, zero)
    approved_day = _day(dialect, verdicts.c.reviewed_at)
    first = verdicts.c.corrects_id.is_(None)
    seconds = _seconds(dialect, verdicts.c.reviewed_at, verdicts.c.created_at)
    bucket = case(
        (~first, literal(-1)),
        *[(seconds < days * 86400, literal(i)) for i, days in enumerate(BUCKET_DAYS)],
        else_=literal(len(BUCKET_DAYS)),
    )
    return union_all(
        *kinds("claim", claims.c.day, none, no_bucket, claims, [], counted),
        *kinds(
            "tag",
            claims.c.day,
            t.c.tag,
            no_bucket,
            claims.join(t, t.c.claim_id == claims.c.id),
            [],
            counted,
        ),
        *kinds(
            "claimant",
            claims.c.day,
            claims.c.claimant,
            no_bucket,
            claims,
            [claims.c.claimant != ""],
            counted,
        ),
        *kinds(
            "repeat",
            claims.c.day,
            cast(claims.c.repeat_of_id, String),
            no_bucket,
            claims,
            [claims.c.repeat_of_id.is_not(None)],
            counted,
        ),
        *kinds(
            "approval",
            approved_day,
            none,
            bucket,
            verdicts,
            [],
            (
                func.count(),
                func.sum(case((first, 1), else_=0)),
                func.sum(case((first, seconds), else_=0)),
            ),
        ),
        *kinds(
            "author",
            approved_day,
            cast(verdicts.c.author, String),
            no_bucket,
            verdicts,
            [],
            counted,
        ),
    )


def with_all_time(facts: Any) -> Any:
    """The facts (a CTE of :func:`fact_query`) plus their all-time sums: the rows to add."""
    rollup = (
        select(
            facts.c.kind,
            literal(ALL_TIME, Date).label("day"),
            *[facts.c[k] for k in KEY[2:]],
            *[func.sum(facts.c[s]) for s in SUMS],
        )
        .where(facts.c.kind.not_in(ALL_TIME_ONLY))
        .group_by(facts.c.kind, *[facts.c[k] for k in KEY[2:]])
    )
    return union_all(select(*[facts.c[k] for k in KEY + SUMS]), rollup).subquery()
