"""What the pages read: each loader opens one read session and returns plain data.

The pages never open a session or hold a row (``tests/test_imports.py`` checks); they
call one of these per page run, or per fragment run, and get frozen dataclasses back
(ids, strings, versions, lists of small dataclasses). Loaders that need to know who is
reading take the request's :class:`~workbench.identity.Credentials` and identify the
person in the same session, so a page costs one session, not one per panel. The read
models they combine (``workspace``, ``claim_panel``, ``claim_list``, ``review``,
``dashboard``, ``summary``) stay callable with a caller's session for the CLI and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from workbench import (
    article_history,
    article_versions,
    articles,
    assignments,
    auth,
    claim_list,
    dashboard,
    db,
    matching,
    ratings,
    review,
    sources,
    summary,
    users,
    verdicts,
)
from workbench.claim_panel import ClaimPanel, RatingChoice, load_claim_panel
from workbench.claims import get_claim
from workbench.errors import NotFound
from workbench.filters import ClaimFilters
from workbench.identity import Credentials, Person, acting_user, person
from workbench.models import ClaimState, Role, stored_id
from workbench.permissions import EDITORS, require
from workbench.workspace import Workspace, load_workspace


@dataclass(frozen=True)
class StartPage:
    article_count: int
    recent: list[articles.ArticleRow]


def start_page(recent: int = 5) -> StartPage:
    """How many articles there are, and the newest ``recent`` of them."""
    with db.read_session() as session:
        return StartPage(
            articles.count_articles(session), articles.list_articles(session, limit=recent)
        )


def article_list(*, search: str, page: int, page_size: int) -> list[articles.ArticleRow]:
    """Page ``page`` (from 0) of the articles matching ``search``, plus the first row of
    the next page when there is one (so the page knows to offer "Older")."""
    with db.read_session() as session:
        return articles.list_articles(
            session, search=search, limit=page_size + 1, offset=page * page_size
        )


def desk_has_accounts() -> bool:
    """Whether any real account exists (the sign-in page says how to make the first)."""
    with db.read_session() as session:
        return auth.has_accounts(session)


def workspace(article_id: int) -> Workspace:
    """The Annotate page's article and claims; raises NotFound for an unknown article."""
    with db.read_session() as session:
        return load_workspace(session, article_id)


@dataclass(frozen=True)
class AnnotateArticle:
    """The Annotate page's article view: the workspace and the version shown."""

    workspace: Workspace
    shown: article_history.ShownVersion


def annotate_article(
    article_id: int, version: int | None = None, *, changes: bool = False
) -> AnnotateArticle:
    """:func:`workspace` and version ``version`` of the article (the current one when
    None), compared with the previous version when ``changes``."""
    with db.read_session() as session:
        found = load_workspace(session, article_id)
        return AnnotateArticle(
            found, article_history.shown_version(session, found.article, version, changes=changes)
        )


def version_target(article_id: int) -> article_history.VersionTarget:
    """What the Articles page's "New version" form needs of an article, and where its
    claims stand; raises NotFound for an unknown article."""
    with db.read_session() as session:
        return article_history.version_target(session, article_id)


@dataclass(frozen=True)
class AnnotatePanel:
    """The Annotate page's panel: the article's workspace and the selected claim's panel
    (None when ``claim_id`` is not one of the article's claims)."""

    workspace: Workspace
    claim: ClaimPanel | None


def annotate_panel(article_id: int, claim_id: int | None) -> AnnotatePanel:
    """:func:`workspace` and, when it is one of the article's, the claim's panel."""
    with db.read_session() as session:
        found = load_workspace(session, article_id)
        mine = any(mark.claim.id == claim_id for mark in found.marks)
        return AnnotatePanel(
            found, load_claim_panel(session, claim_id) if mine and claim_id is not None else None
        )


def seen_before(text: str, limit: int = 5) -> list[matching.Match]:
    """The earlier claims "Seen before?" shows for ``text``, best first, with their tier
    (the same matcher as ``workbench claims match``: :func:`workbench.matching.seen_before`).
    Raises :class:`~workbench.errors.InvalidInput` for a text too short to match."""
    with db.read_session() as session:
        return [m for m in matching.seen_before(session, text, limit=limit) if m.shown]


@dataclass(frozen=True)
class SourceMatch:
    id: int
    title: str
    url: str
    score: float


def find_sources(query: str) -> list[SourceMatch]:
    """Stored sources whose URL or title looks like ``query``, best first."""
    with db.read_session() as session:
        return [
            SourceMatch(stored_id(source), source.title, source.url, score)
            for source, score in sources.find_sources(session, query)
        ]


@dataclass(frozen=True)
class Unsettled:
    """Claims that new article versions left for a person (needing review or unplaced),
    and the articles holding most of them."""

    count: int
    articles: list[article_history.UnsettledArticle]


def unsettled_claims(limit: int = 20) -> Unsettled:
    """For the Dashboard: both read through the partial index ``ix_claim_unsettled``."""
    with db.read_session() as session:
        count = article_versions.unsettled_count(session)
        return Unsettled(count, article_history.unsettled_articles(session, limit) if count else [])


@dataclass(frozen=True)
class FilterPage:
    """Who reads a filtered page, and the values its filter widgets offer."""

    person: Person
    options: dict[str, list[str]]


def filter_page(credentials: Credentials, allowed: frozenset[Role], action: str) -> FilterPage:
    """For the Claims, Dashboard and Reports pages; raises PermissionDenied (naming
    ``action``) unless the person holds an ``allowed`` role."""
    with db.read_session() as session:
        actor = require(acting_user(session, credentials), allowed, action)
        return FilterPage(person(actor), summary.filter_options(session))


def claim_page(
    credentials: Credentials,
    filters: ClaimFilters,
    *,
    page: int = 0,
    before_id: int | None = None,
    after_id: int | None = None,
) -> tuple[list[claim_list.ClaimRow], int]:
    """:func:`workbench.claim_list.list_claims` as the person behind ``credentials``."""
    with db.read_session() as session:
        return claim_list.list_claims(
            session,
            acting_user(session, credentials),
            filters,
            page=page,
            before_id=before_id,
            after_id=after_id,
        )


def dashboard_claims(
    credentials: Credentials, filters: ClaimFilters, dimension: str, value: str, limit: int = 200
) -> list[dashboard.ClaimRef]:
    """The claims behind a clicked dashboard bar (editors only)."""
    with db.read_session() as session:
        return dashboard.claims_for_selection(
            session, acting_user(session, credentials), filters, dimension, value, limit=limit
        )


@dataclass(frozen=True)
class ReviewPage:
    """One page of the review queue; ``total`` and ``queue`` stay empty for a person who
    is not an editor."""

    person: Person
    total: int
    page: int  # from 1, within the pages there are
    queue: list[review.QueueItem]

    @property
    def pages(self) -> int:
        return _pages(self.total)


def _pages(total: int) -> int:
    return max(1, -(-total // review.PAGE_SIZE))


def review_page(credentials: Credentials, page: int = 1) -> ReviewPage:
    """Page ``page`` (from 1; past the last, the last) of the proposed verdicts."""
    with db.read_session() as session:
        actor = acting_user(session, credentials)
        if actor.role not in EDITORS:
            return ReviewPage(person(actor), 0, 1, [])
        total = review.count_queue(session, actor)
        page = min(max(page, 1), _pages(total))
        queue = (
            review.review_queue(
                session, actor, limit=review.PAGE_SIZE, offset=(page - 1) * review.PAGE_SIZE
            )
            if total
            else []
        )
        return ReviewPage(person(actor), total, page, queue)


@dataclass(frozen=True)
class CorrectionTarget:
    """A claim an editor may correct: ``published_rationale`` is None unless it has a
    published verdict (then there is nothing to correct)."""

    claim_id: int
    version: int
    text: str  # the statement, or the quote when there is none
    published_rationale: str | None
    rating_choices: list[RatingChoice]
    corrections: list[review.Correction]


def correction_target(claim_id: int) -> CorrectionTarget | None:
    """What the correction form needs of ``claim_id``; None for an unknown claim."""
    with db.read_session() as session:
        try:
            claim = get_claim(session, claim_id)
        except NotFound:
            return None
        published = (
            verdicts.current_verdict(session, claim_id)
            if claim.state == ClaimState.approved
            else None
        )
        scale = ratings.default_scale(session)
        return CorrectionTarget(
            claim_id,
            claim.version,
            claim.statement or claim.quote,
            published.rationale if published is not None else None,
            [
                RatingChoice(stored_id(r), r.label)
                for r in ratings.ratings_of(session, stored_id(scale))
            ],
            review.corrections(session, claim_id),
        )


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    display_name: str
    role: Role
    active: bool
    single_sign_on: bool  # signs in through the identity provider, never with a password
    has_password: bool
    since: datetime

    @property
    def sign_in(self) -> str:
        """How the account signs in, in words."""
        return (
            "single sign-on" if self.single_sign_on else "password" if self.has_password else "none"
        )


@dataclass(frozen=True)
class AccountsPage:
    """The Users page: who looks at it, the real accounts, and whether any exists."""

    me: Person
    accounts: list[Account]

    @property
    def has_accounts(self) -> bool:
        return bool(self.accounts)


def accounts_page(credentials: Credentials) -> AccountsPage:
    """Every account but the built-in ``cli`` and ``local``, by name."""
    with db.read_session() as session:
        me = person(acting_user(session, credentials))
        return AccountsPage(
            me,
            [
                Account(
                    stored_id(u),
                    u.name,
                    u.display_name,
                    Role(u.role),
                    u.active,
                    bool(u.external_subject),
                    bool(u.password_hash),
                    u.created_at,
                )
                for u in users.list_users(session)
                if u.name not in (users.CLI_USER, users.LOCAL_USER)
            ],
        )


def people_to_ask(roles: frozenset[Role]) -> list[str]:
    """The names (display name where there is one) of the active accounts holding one of
    ``roles``: whom a person sent to a page not meant for their role can ask."""
    with db.read_session() as session:
        return [
            u.display_name or u.name
            for u in users.list_users(session)
            if u.active
            and Role(u.role) in roles
            and u.name not in (users.CLI_USER, users.LOCAL_USER)
        ]


@dataclass(frozen=True)
class Assignee:
    """Someone who can be given work."""

    id: int
    name: str
    display_name: str


@dataclass(frozen=True)
class Assigning:
    """Who reads, whether they may assign (editors), and who can be given work."""

    me: Person
    may_assign: bool
    people: list[Assignee]

    def name_of(self, user_id: int | None) -> str | None:
        """The display name of ``user_id`` when it is among :attr:`people`."""
        return next((p.display_name or p.name for p in self.people if p.id == user_id), None)


def _assigning(session: Session, credentials: Credentials) -> Assigning:
    actor = acting_user(session, credentials)
    return Assigning(
        person(actor),
        actor.role in EDITORS,
        [
            Assignee(stored_id(u), u.name, u.display_name)
            for u in assignments.assignable_people(session)
        ],
    )


def assigning(credentials: Credentials) -> Assigning:
    """For the claim panel's "Assigned to" controls and the Claims page's filter."""
    with db.read_session() as session:
        return _assigning(session, credentials)


@dataclass(frozen=True)
class ArticleDesk:
    """A page of the Articles list with each article's assignee (user id, or None)."""

    rows: list[articles.ArticleRow]
    assignees: dict[int, int | None]
    assigning: Assigning


def article_desk(
    credentials: Credentials, *, search: str, page: int, page_size: int
) -> ArticleDesk:
    """:func:`article_list` with the assignees of the page's articles (one more query by
    primary key) and who may be given them."""
    with db.read_session() as session:
        rows = articles.list_articles(
            session, search=search, limit=page_size + 1, offset=page * page_size
        )
        return ArticleDesk(
            rows,
            assignments.article_assignees(session, [r.id for r in rows]),
            _assigning(session, credentials),
        )


def open_claims_per_reviewer(credentials: Credentials) -> tuple[assignments.Workload, ...]:
    """The Dashboard's open claims per reviewer (editors only)."""
    with db.read_session() as session:
        return assignments.open_claims_per_reviewer(session, acting_user(session, credentials))
