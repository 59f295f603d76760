"""New versions of an article, and the claims that must follow its text.

Articles are corrected after publication. A new version keeps every earlier body (who stored
it, when, why, and where it was fetched from) and re-anchors every claim of the article in
the same transaction: a quote the new text holds unambiguously moves silently (audited); a
quote that changed, moved among look-alikes or repeats becomes "needs review" with a
proposed span a reviewer confirms; a quote that is gone is "unplaced" and keeps its quote
and verdict. Nothing is moved to a place a person has not confirmed unless the text leaves
no doubt (``workbench/text/anchor.py`` decides; ``docs/decisions/0011``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session, col, func, select

from workbench import audit
from workbench.articles import get_article
from workbench.claims import apply_changes, get_claim
from workbench.errors import InvalidInput, NotFound, StaleEdit
from workbench.models import (
    AnchorStatus,
    Article,
    ArticleVersion,
    Claim,
    User,
    stored_id,
    unsettled_claim,
)
from workbench.permissions import REVIEW_DESK, require
from workbench.sql import select_columns
from workbench.text.anchor import ClaimSpan, Placement, Selector, make_selector, reanchor
from workbench.text.extract import ArticleInputError, body_hash, clean_pasted_text
from workbench.validation import clean_line, clean_url

MAX_REASON = 500


@dataclass(frozen=True)
class FetchRecord:
    """Where and when a body was fetched from the web, and the raw page's SHA-256."""

    source_url: str
    fetched_at: datetime
    raw_sha256: str


@dataclass(frozen=True)
class ClaimOutcome:
    """What a new version did to one claim; offsets are code points of the new body
    (the new span when moved, the proposed one when it needs review)."""

    claim_id: int
    state: Literal["moved", "needs_review", "unplaced"]
    start: int | None
    end: int | None


@dataclass(frozen=True)
class StoredVersion:
    article_id: int
    version: int
    claims: list[ClaimOutcome]


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: datetime
    created_by: int | None
    reason: str
    source_url: str
    fetched_at: datetime | None
    characters: int


def record_first_version(
    session: Session, article: Article, fetched: FetchRecord | None = None, *, reason: str = ""
) -> ArticleVersion:
    """Keep the article's current body as version 1 (once), with its fetch record if any."""
    existing = session.exec(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id, ArticleVersion.number == 1
        )
    ).first()
    if existing is not None:
        return existing
    first = ArticleVersion(
        article_id=stored_id(article),
        number=1,
        body=article.body,
        body_hash=article.body_hash,
        reason=reason,
        created_by=article.created_by,
        created_at=article.created_at,
        **_fetch_fields(fetched),
    )
    session.add(first)
    session.flush()
    return first


def add_version(
    session: Session,
    actor: User,
    article_id: int,
    text: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    fetched: FetchRecord | None = None,
) -> StoredVersion:
    """Store ``text`` as the article's next version and re-anchor every claim on it.

    ``expected_version`` is the version the person looked at: if someone stored another one
    meanwhile, the new text is refused (nothing is lost: the caller still holds it) rather
    than silently re-anchoring claims against a body they never saw.
    """
    require(actor, REVIEW_DESK, "store a new version of an article")
    try:
        body = clean_pasted_text(text)
    except ArticleInputError as error:
        raise InvalidInput(f"The new version was not stored: {error}") from error
    reason = clean_line(reason, field="Reason for the new version", max_length=MAX_REASON)
    article = locked_article(session, article_id)
    if expected_version is not None and expected_version != article.current_version:
        raise StaleEdit(
            f"Someone stored version {article.current_version} of this article after you opened "
            f"version {expected_version}. Look at it first, then store yours again.",
            current={"version": article.current_version},
            attempted={"version": expected_version},
        )
    digest = body_hash(body)
    if digest == article.body_hash:
        raise InvalidInput(
            "The new version is the same text as the current one; nothing was stored."
        )
    record_first_version(session, article)
    number = article.current_version + 1
    session.add(
        ArticleVersion(
            article_id=stored_id(article),
            number=number,
            body=body,
            body_hash=digest,
            reason=reason,
            created_by=actor.id,
            **_fetch_fields(fetched),
        )
    )
    previous = article.current_version
    article.body, article.body_hash, article.current_version = body, digest, number
    session.add(article)
    session.flush()
    outcomes = _reanchor_claims(session, actor, article, body)
    article_id = stored_id(article)
    audit.record(
        session,
        actor,
        entity="article",
        entity_id=article_id,
        action="new_version",
        changes={
            "version": [previous, number],
            **{
                state: [None, sum(o.state == state for o in outcomes)]
                for state in ("moved", "needs_review", "unplaced")
            },
        },
    )
    return StoredVersion(article_id, number, outcomes)


def confirm_anchor(
    session: Session,
    actor: User,
    claim_id: int,
    expected_version: int,
    start: int | None = None,
    end: int | None = None,
) -> Claim:
    """A reviewer places a claim in the current version: on the proposed span by default,
    or on a span they selected. The quote becomes the text now at that place."""
    require(actor, REVIEW_DESK, "confirm where a claim stands")
    claim = get_claim(session, claim_id, for_update=True)
    if claim.article_id is None:
        raise InvalidInput("This claim has no article, so it has no place to confirm.")
    if start is None or end is None:
        start, end = claim.proposed_start, claim.proposed_end
    if start is None or end is None:
        raise InvalidInput(
            "No place is proposed for this claim; select its words in the article to place it."
        )
    article = get_article(session, claim.article_id)
    if not 0 <= start < end <= len(article.body) or not article.body[start:end].strip():
        raise InvalidInput(
            f"The span {start}–{end} is not a stretch of words in the current "
            f"version (0–{len(article.body)} characters)."
        )
    return apply_changes(
        session,
        actor,
        claim,
        expected_version,
        _placed_at(article.body, start, end, article.current_version),
        action="anchor_confirmed",
    )


def versions(session: Session, article_id: int) -> list[VersionInfo]:
    """Every version of the article, oldest first (just the current one if never updated)."""
    article = get_article(session, article_id)
    rows = session.exec(
        select_columns(
            ArticleVersion.number,
            ArticleVersion.created_at,
            ArticleVersion.created_by,
            ArticleVersion.reason,
            ArticleVersion.source_url,
            ArticleVersion.fetched_at,
            func.length(ArticleVersion.body),
        )
        .where(ArticleVersion.article_id == article_id)
        .order_by(col(ArticleVersion.number))
    ).all()
    if not rows:
        return [
            VersionInfo(
                1, article.created_at, article.created_by, "", article.url, None, len(article.body)
            )
        ]
    return [VersionInfo(*row) for row in rows]


def version_body(session: Session, article_id: int, number: int) -> str:
    article = get_article(session, article_id)
    if number == article.current_version:
        return article.body
    body = session.exec(
        select(ArticleVersion.body).where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
    ).first()
    if body is None:
        raise NotFound(f"Article #{article_id} has no version {number}.")
    return body


def unsettled_count(session: Session, article_id: int | None = None) -> int:
    """Claims a new version left for a person: needing review or unplaced."""
    query = select(func.count()).select_from(Claim).where(unsettled_claim())
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    return session.exec(query).one()


def locked_article(session: Session, article_id: int) -> Article:
    """The article, read afresh under its row lock, so writes to it (a new version, an
    assignment) happen one after another."""
    article = session.exec(
        select(Article)
        .where(Article.id == article_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


def _fetch_fields(fetched: FetchRecord | None) -> dict[str, Any]:
    if fetched is None:
        return {}
    return {
        "source_url": clean_url(fetched.source_url, field="Fetched URL"),
        "fetched_at": fetched.fetched_at,
        "raw_sha256": fetched.raw_sha256,
    }


def _reanchor_claims(
    session: Session, actor: User, article: Article, body: str
) -> list[ClaimOutcome]:
    """Re-anchor the article's claims, grouped by the version their offsets point into."""
    claims = session.exec(
        select(Claim)
        .where(
            Claim.article_id == article.id,
            Claim.anchor_status != AnchorStatus.none,
            col(Claim.start).is_not(None),
        )
        .order_by(col(Claim.id))
    ).all()
    by_version: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_version[claim.article_version].append(claim)
    placements: dict[int, Placement] = {}
    for number, group in by_version.items():
        old_body = version_body(session, stored_id(article), number)
        spans = [
            ClaimSpan(
                stored_id(claim),
                claim.start,
                claim.end,
                Selector(claim.quote, claim.prefix, claim.suffix),
            )
            for claim in group  # the query selects placed claims; this says so to mypy
            if claim.start is not None and claim.end is not None
        ]
        placements.update({p.key: p for p in reanchor(old_body, body, spans)})
    if len(by_version) > 1:
        placements = _without_cross_version_collisions(placements)
    outcomes = []
    for claim in claims:
        claim_id = stored_id(claim)
        placement = placements[claim_id]
        locked = get_claim(session, claim_id, for_update=True)
        apply_changes(
            session,
            actor,
            locked,
            locked.version,
            _changes_for(placement, body, article.current_version),
            action=f"anchor_{placement.state}",
        )
        outcomes.append(ClaimOutcome(claim_id, placement.state, placement.start, placement.end))
    return outcomes


def _without_cross_version_collisions(placements: dict[int, Placement]) -> dict[int, Placement]:
    """``reanchor`` never moves two claims of one old version onto one span; claims still
    waiting from older versions are placed in separate calls, so the same rule is applied
    across them here: every claim of such a collision goes to review."""
    landed = Counter((p.start, p.end) for p in placements.values() if p.state == "moved")
    return {
        key: replace(
            p, state="needs_review", reason="Another claim would be moved onto the same words."
        )
        if p.state == "moved" and landed[(p.start, p.end)] > 1
        else p
        for key, p in placements.items()
    }


def _changes_for(placement: Placement, body: str, version: int) -> dict[str, object]:
    if placement.state == "moved":
        assert placement.start is not None and placement.end is not None  # a move has a span
        return _placed_at(body, placement.start, placement.end, version)
    status = (
        AnchorStatus.needs_review if placement.state == "needs_review" else AnchorStatus.unplaced
    )
    return {
        "anchor_status": status,
        "proposed_start": placement.start,
        "proposed_end": placement.end,
    }


def _placed_at(body: str, start: int, end: int, version: int) -> dict[str, object]:
    selector = make_selector(body, start, end)
    return {
        "start": start,
        "end": end,
        "quote": selector.quote,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "article_version": version,
        "anchor_status": AnchorStatus.anchored,
        "proposed_start": None,
        "proposed_end": None,
    }
