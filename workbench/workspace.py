"""What the annotate page shows for one article, read in a few queries.

Kept out of the page so it can be tested without Streamlit and reused by the CLI.
:func:`load_workspace` answers from a cache keyed on :func:`workspace_version` when
nothing the page shows has changed (``workbench.read_cache``).

An article can have several versions (``workbench/article_versions.py``). A claim's
``start``/``end`` point into the version it names (``article_version``), so only a claim
anchored in the current version is drawn there (:attr:`Workspace.placed`); a claim a new
version left for a person is listed apart, needing review at a proposed span or unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from workbench.article_versions import VersionInfo, versions
from workbench.articles import get_article
from workbench.claims import ClaimDraft, claims_for_article, create_claim, move_claim
from workbench.errors import WorkbenchError
from workbench.model_registry import active_model_id, rank_with_model_in_use
from workbench.models import (
    AnchorStatus,
    Article,
    AuditEvent,
    Claim,
    ClaimState,
    ClaimType,
    Evidence,
    Rating,
    User,
    Verdict,
    VerdictStatus,
    stored_id,
)
from workbench.read_cache import VersionedCache
from workbench.sql import select_columns
from workbench.text.attribution import proposed_claimant
from workbench.text.checkworthiness import Suggestion

#: Highlight colours for claims without a published verdict.
STATE_COLOURS: dict[str, str] = {
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
    body: str  # the current version's
    current_version: int


@dataclass(frozen=True)
class ClaimView:
    """What the article view and the claim list need of a claim. ``start``/``end`` are
    code points of version ``article_version``, which may be an older one; ``proposed``
    is a span of the current version awaiting a reviewer (``needs_review``)."""

    id: int
    start: int | None
    end: int | None
    state: str
    quote: str
    statement: str
    anchor_status: str = AnchorStatus.anchored
    article_version: int = 1
    proposed: tuple[int, int] | None = None
    version: int = 1  # what a write on the claim sends as the version it was based on


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
    marks: tuple[ClaimMark, ...]  # every claim of the article
    suggestions: tuple[Suggestion, ...]
    versions: tuple[VersionInfo, ...]  # oldest first; the last is the current one

    @property
    def placed(self) -> tuple[ClaimMark, ...]:
        """Claims anchored in the current version: the only ones drawn at their span."""
        return tuple(
            m for m in self.marks if _placed_span(m.claim, self.article.current_version) is not None
        )

    @property
    def needs_review(self) -> tuple[ClaimMark, ...]:
        """Claims a new version moved or found more than once: drawn at ``proposed`` (when
        there is one) until a reviewer confirms."""
        return tuple(m for m in self.marks if m.claim.anchor_status == AnchorStatus.needs_review)

    @property
    def unplaced(self) -> tuple[ClaimMark, ...]:
        """Claims whose quote the current version no longer holds (quote and verdict kept)."""
        return tuple(m for m in self.marks if m.claim.anchor_status == AnchorStatus.unplaced)

    def drawn_in(self, number: int) -> tuple[ClaimMark, ...]:
        """The claims to draw at ``start``/``end`` in version ``number``: in the current
        one those anchored there, in an older one those whose offsets point into it."""
        if number == self.article.current_version:
            return self.placed
        return tuple(
            m for m in self.marks if m.claim.article_version == number and m.claim.start is not None
        )


def _placed_span(claim: ClaimView, version: int) -> tuple[int, int] | None:
    """The claim's span when it is anchored in ``version``, else None."""
    if (
        claim.anchor_status == AnchorStatus.anchored
        and claim.article_version == version
        and claim.start is not None
        and claim.end is not None
    ):
        return claim.start, claim.end
    return None


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
    rows = session.exec(
        select(Evidence.claim_id, func.count())
        .where(col(Evidence.claim_id).in_(claim_ids))
        .group_by(col(Evidence.claim_id))
    )
    return dict(rows.all())


def open_suggestions(
    session: Session, body: str, language: str, claims: list[ClaimView], current_version: int = 1
) -> list[Suggestion]:
    """Suggested sentences that no claim (kept or dismissed) overlaps yet in the current
    version, best first: a claim placed there, or one awaiting review at its proposed span."""
    taken = [span for c in claims if (span := _placed_span(c, current_version)) is not None]
    taken += [c.proposed for c in claims if c.proposed is not None]
    # ranked by the newsroom's model in use, cached per body and model (the page reruns on
    # every click; a new version or a newly activated model gets its own ranking)
    ranking = rank_with_model_in_use(session, body, language)
    return [
        s
        for s in ranking.chosen()
        if not any(start < s.end and s.start < end for start, end in taken)
    ]


def workspace_version(session: Session, article_id: int) -> tuple[int, int, int, int, int]:
    """Changes whenever the workspace of ``article_id`` would: its claims' count, versions
    (every claim update bumps one) and newest id, the newest audit event on them (every
    write on a claim, its evidence and its verdicts records one in its transaction), and
    the article's current version (a new body, even for an article without claims).

    Not covered: rows changed with plain SQL, and rating scales (set up once).
    """
    claim_ids = select(Claim.id).where(Claim.article_id == article_id)
    newest_event = (
        select(func.max(AuditEvent.id))
        .where(col(AuditEvent.claim_id).in_(claim_ids))
        .scalar_subquery()
    )
    current = select(Article.current_version).where(Article.id == article_id).scalar_subquery()
    count, claim_versions, newest, event, version = session.exec(
        select_columns(
            func.count(col(Claim.id)),
            func.coalesce(func.sum(Claim.version), 0),
            func.coalesce(func.max(Claim.id), 0),
            func.coalesce(newest_event, 0),
            func.coalesce(current, 0),
        ).where(Claim.article_id == article_id)
    ).one()
    return count, claim_versions, newest, event, version


def load_workspace(session: Session, article_id: int) -> Workspace:
    """The article's workspace; raises NotFound for an unknown article."""
    key = (article_id, workspace_version(session, article_id), active_model_id(session))
    return _WORKSPACES.get(session, key, lambda: _read_workspace(session, article_id))


def _read_workspace(session: Session, article_id: int) -> Workspace:
    article = get_article(session, article_id)
    claims = claims_for_article(session, article_id)
    ratings = published_ratings(session, [stored_id(c) for c in claims])
    evidence = evidence_counts(session, [stored_id(c) for c in claims])
    marks = []
    for claim in claims:
        rating = ratings.get(stored_id(claim))
        state = claim.state.replace("_", " ")
        label = f"#{claim.id} · {state}" + (f" · {rating.label}" if rating else "")
        marks.append(
            ClaimMark(
                _claim_view(claim),
                rating.colour if rating else STATE_COLOURS[claim.state],
                label,
                rating.label if rating else None,
                evidence.get(stored_id(claim), 0),
            )
        )
    views = [mark.claim for mark in marks]
    return Workspace(
        ArticleView(
            stored_id(article),
            article.title,
            article.outlet,
            article.author,
            article.published,
            article.language,
            article.url,
            article.body,
            article.current_version,
        ),
        tuple(marks),
        tuple(
            open_suggestions(
                session, article.body, article.language, views, article.current_version
            )
        ),
        tuple(versions(session, article_id)),
    )


def _claim_view(claim: Claim) -> ClaimView:
    proposed = (
        None
        if claim.proposed_start is None or claim.proposed_end is None
        else (claim.proposed_start, claim.proposed_end)
    )
    return ClaimView(
        stored_id(claim),
        claim.start,
        claim.end,
        str(claim.state),
        claim.quote,
        claim.statement,
        str(claim.anchor_status),
        claim.article_version,
        proposed,
        claim.version,
    )


def suggested_type(reasons: tuple[str, ...]) -> ClaimType:
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


def _suggestion_draft(article_id: int, suggestion: Suggestion, claimant: str = "") -> ClaimDraft:
    return ClaimDraft(
        article_id=article_id,
        start=suggestion.start,
        end=suggestion.end,
        claimant=claimant,
        score=suggestion.score,
        reasons=list(suggestion.reasons),
        claim_type=suggested_type(suggestion.reasons),
    )


def _proposed_claimant(session: Session, article_id: int, suggestion: Suggestion) -> str:
    """Who the article says made the suggested claim (``text/attribution.py``): a
    transcript's speaker, the person an attribution names, else the outlet."""
    article = session.get(Article, article_id)
    if article is None:
        return ""  # create_claim says the article does not exist
    return proposed_claimant(
        article.body, suggestion.start, suggestion.end, article.language, article.outlet
    )


class SuggestionTaken(WorkbenchError):
    """The suggested sentence is already a claim (another reviewer, or this one from a page
    that was out of date, got there first): nothing was written; open ``claim_id``."""

    def __init__(self, claim_id: int) -> None:
        super().__init__(f"This sentence is already claim #{claim_id}; it is open now.")
        self.claim_id = claim_id


def _claim_on(session: Session, article_id: int, suggestion: Suggestion) -> int | None:
    """The claim already at the suggestion's span of the current version (placed there or
    proposed there), read after locking the article so two writers cannot both miss it:
    SQLite's ``BEGIN IMMEDIATE`` serialises writers, PostgreSQL waits on the row lock."""
    current = session.exec(
        select(Article.current_version).where(Article.id == article_id).with_for_update()
    ).first()
    if current is None:
        return None  # create_claim says the article does not exist
    at_span = (
        (Claim.article_version == current)
        & (Claim.start == suggestion.start)
        & (Claim.end == suggestion.end)
    )
    proposed = (Claim.proposed_start == suggestion.start) & (Claim.proposed_end == suggestion.end)
    return session.exec(
        select(Claim.id)
        .where(Claim.article_id == article_id, or_(at_span, proposed))
        .order_by(col(Claim.id))
        .limit(1)
    ).first()


def _claim_from(
    session: Session, actor: User, article_id: int, suggestion: Suggestion, claimant: str = ""
) -> Claim:
    """A new claim at the suggestion, or SuggestionTaken when the span already has one."""
    existing = _claim_on(session, article_id, suggestion)
    if existing is not None:
        raise SuggestionTaken(existing)
    return create_claim(session, actor, _suggestion_draft(article_id, suggestion, claimant))


def accept_suggestion(
    session: Session, actor: User, article_id: int, suggestion: Suggestion
) -> Claim:
    """Turn a suggested sentence into a new claim, keeping its score and reasons, with the
    claimant the text proposes (the reviewer can change it). Raises SuggestionTaken when the
    sentence is already a claim (two reviewers accepting it, or a second Accept from a page
    that was out of date)."""
    claimant = _proposed_claimant(session, article_id, suggestion)
    return _claim_from(session, actor, article_id, suggestion, claimant)


def dismiss_suggestion(
    session: Session, actor: User, article_id: int, suggestion: Suggestion
) -> Claim:
    """Record the sentence as not check-worthy (a dismissed claim), so it is not suggested again
    and the decision is in the audit trail. Raises SuggestionTaken like
    :func:`accept_suggestion`."""
    claim = _claim_from(session, actor, article_id, suggestion)
    return move_claim(session, actor, stored_id(claim), claim.version, ClaimState.dismissed)
