"""What the annotate page shows for one article, read in a few queries.

Kept out of the page so it can be tested without Streamlit and reused by the CLI.
:func:`load_workspace` answers from a cache keyed on :func:`workspace_version` when
nothing the page shows has changed (``workbench.read_cache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.articles import get_article
from workbench.claims import ClaimDraft, claims_for_article, create_claim, move_claim
from workbench.models import (
    AuditEvent,
    Claim,
    ClaimState,
    ClaimType,
    Evidence,
    Rating,
    User,
    Verdict,
    VerdictStatus,
)
from workbench.read_cache import VersionedCache
from workbench.text.checkworthiness import Suggestion, suggest_claims

#: Highlight colours for claims without a published verdict.
STATE_COLOURS = {
    ClaimState.new: "#9ecae1",
    ClaimState.researching: "#fdd49e",
    ClaimState.in_review: "#bcbddc",
    ClaimState.approved: "#a1d99b",
    ClaimState.dismissed: "#e0e0e0",
}


@dataclass(frozen=True)
class ArticleView:
    """The article as the Annotate page shows it (plain data, no ORM row)."""

    id: int
    title: str
    outlet: str
    author: str
    published: date | None
    language: str
    url: str
    body: str


@dataclass(frozen=True)
class ClaimView:
    """What the article view and the claim list need of a claim."""

    id: int
    start: int | None
    end: int | None
    state: str
    quote: str
    statement: str


@dataclass(frozen=True)
class ClaimMark:
    """A claim as the article view shows it."""

    claim: ClaimView
    colour: str
    label: str
    rating: str | None
    evidence_count: int


@dataclass(frozen=True)
class Workspace:
    """Shared between sessions through the cache: read-only."""

    article: ArticleView
    marks: tuple[ClaimMark, ...]
    suggestions: tuple[Suggestion, ...]


_WORKSPACES: VersionedCache[Workspace] = VersionedCache(size=32)


def published_ratings(session: Session, claim_ids: list[int]) -> dict[int, Rating]:
    """The rating of each claim's published verdict (at most one approved verdict per claim)."""
    if not claim_ids:
        return {}
    rows = session.exec(
        select(Verdict.claim_id, Rating)
        .join(Rating, col(Rating.id) == Verdict.rating_id)
        .where(col(Verdict.claim_id).in_(claim_ids), Verdict.status == VerdictStatus.approved)
    )
    return dict(rows.all())


def evidence_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    if not claim_ids:
        return {}
    rows = session.exec(select(Evidence.claim_id, func.count()).where(
        col(Evidence.claim_id).in_(claim_ids)).group_by(Evidence.claim_id))
    return dict(rows.all())


@lru_cache(maxsize=64)
def _suggestions(body: str, language: str) -> tuple[Suggestion, ...]:
    # The annotate page reruns on every click; bodies never change once stored.
    return tuple(suggest_claims(body, language))


def open_suggestions(body: str, language: str, claims: list[Claim]) -> list[Suggestion]:
    """Suggested sentences that no claim (kept or dismissed) overlaps yet, best first."""
    taken = [(c.start, c.end) for c in claims if c.start is not None]
    return [s for s in _suggestions(body, language)
            if not any(start < s.end and s.start < end for start, end in taken)]


def workspace_version(session: Session, article_id: int) -> tuple[int, int, int, int]:
    """Changes whenever the workspace of ``article_id`` would: its claims' count, versions
    (every claim update bumps one) and newest id, and the newest audit event on them
    (every write on a claim, its evidence and its verdicts records one in its transaction).

    Not covered: rows changed with plain SQL, and rating scales (set up once).
    """
    claim_ids = select(Claim.id).where(Claim.article_id == article_id)
    newest_event = (select(func.max(AuditEvent.id))
                     .where(col(AuditEvent.claim_id).in_(claim_ids)).scalar_subquery())
    count, versions, newest, event = session.exec(
        select(func.count(col(Claim.id)), func.coalesce(func.sum(Claim.version), 0),
               func.coalesce(func.max(Claim.id), 0), func.coalesce(newest_event, 0))
        .where(Claim.article_id == article_id)).one()
    return count, versions, newest, event


def load_workspace(session: Session, article_id: int) -> Workspace:
    """The article's workspace; raises NotFound for an unknown article."""
    key = (article_id, workspace_version(session, article_id))
    return _WORKSPACES.get(session, key, lambda: _read_workspace(session, article_id))


def _read_workspace(session: Session, article_id: int) -> Workspace:
    article = get_article(session, article_id)
    claims = claims_for_article(session, article_id)
    ratings = published_ratings(session, [c.id for c in claims])
    evidence = evidence_counts(session, [c.id for c in claims])
    marks = []
    for claim in claims:
        rating = ratings.get(claim.id)
        state = claim.state.replace("_", " ")
        label = f"#{claim.id} · {state}" + (f" · {rating.label}" if rating else "")
        view = ClaimView(claim.id, claim.start, claim.end, str(claim.state), claim.quote,
                         claim.statement)
        marks.append(ClaimMark(view, rating.colour if rating else STATE_COLOURS[claim.state],
                               label, rating.label if rating else None,
                               evidence.get(claim.id, 0)))
    return Workspace(ArticleView(article.id, article.title, article.outlet, article.author,
                                 article.published, article.language, article.url,
                                 article.body),
                     tuple(marks), tuple(open_suggestions(article.body, article.language,
                                                          claims)))


def suggested_type(reasons: tuple[str, ...]) -> str:
    """A first guess at the claim type from the suggestion's reasons; the reviewer can change it."""
    kinds = {reason.split(":", 1)[0] for reason in reasons}
    if kinds & {"money amount", "percentage", "other number"}:
        return ClaimType.numeric
    if "past event" in kinds:
        return ClaimType.historical
    if "comparison or superlative" in kinds:
        return ClaimType.comparison
    if "year or date" in kinds:
        return ClaimType.historical
    if "attribution" in kinds:
        return ClaimType.quote
    return ClaimType.other


def _suggestion_draft(article_id: int, suggestion: Suggestion) -> ClaimDraft:
    return ClaimDraft(article_id=article_id, start=suggestion.start, end=suggestion.end,
                      score=suggestion.score, reasons=list(suggestion.reasons),
                      claim_type=suggested_type(suggestion.reasons))


def accept_suggestion(session: Session, actor: User, article_id: int,
                      suggestion: Suggestion) -> Claim:
    """Turn a suggested sentence into a new claim, keeping its score and reasons."""
    return create_claim(session, actor, _suggestion_draft(article_id, suggestion))


def dismiss_suggestion(session: Session, actor: User, article_id: int,
                       suggestion: Suggestion) -> Claim:
    """Record the sentence as not check-worthy (a dismissed claim), so it is not suggested again
    and the decision is in the audit trail."""
    claim = create_claim(session, actor, _suggestion_draft(article_id, suggestion))
    return move_claim(session, actor, claim.id, claim.version, ClaimState.dismissed)
