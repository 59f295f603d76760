"""The database tables (SQLModel).

Offsets (``Claim.start``/``Claim.end``) are Python code points into
``Article.body``. Datetimes are timezone-aware UTC. ``version`` columns drive
optimistic locking: SQLAlchemy adds ``WHERE version = <loaded>`` to every
UPDATE, so a stale write touches no row and raises instead of overwriting.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    bindparam,
    text,
)
from sqlalchemy.orm import declared_attr
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel, col


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Stored) -> int:
    """The primary key of a row that was loaded or flushed.

    The tables declare ``id: int | None`` because a new row has no id until the database
    assigns one; past a flush it always has one. This says so once, for the type checker
    and the reader, instead of an ``assert`` at every use. Raises ``ValueError`` for a row
    never flushed (a bug in the caller, not bad input).
    """
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush the session first")
    return row.id


def _ts(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kwargs)


class Role(enum.StrEnum):
    reviewer = "reviewer"
    editor = "editor"
    admin = "admin"


class ClaimState(enum.StrEnum):
    new = "new"
    researching = "researching"
    in_review = "in_review"
    approved = "approved"
    dismissed = "dismissed"


class ClaimType(enum.StrEnum):
    numeric = "numeric"
    quote = "quote"
    historical = "historical"
    comparison = "comparison"
    causal = "causal"
    prediction = "prediction"
    other = "other"


class AnchorStatus(enum.StrEnum):
    """Where a claim's quote stands in its article's current version."""

    anchored = "anchored"
    needs_review = "needs_review"  # a new version moved or repeated it: a person confirms
    unplaced = "unplaced"  # not found in the current version; quote and verdict are kept
    none = "none"  # imported without an article


class Stance(enum.StrEnum):
    supports = "supports"
    refutes = "refutes"
    context = "context"


class SourceKind(enum.StrEnum):
    primary_document = "primary document"
    official_statement = "official statement"
    data_set = "data set"
    news_report = "news report"
    expert = "expert"
    other = "other"


class VerdictStatus(enum.StrEnum):
    proposed = "proposed"
    approved = "approved"
    returned = "returned"
    superseded = "superseded"


class _Versioned:
    """Mixin turning ``version`` into SQLAlchemy's optimistic-lock column.

    SQLModel only accepts this as a ``declared_attr`` (see
    docs/decisions/0002-optimistic-locking-with-declared-attr.md); ``.directive`` is
    SQLAlchemy's typed spelling of it for a mapper argument rather than a column.
    """

    @declared_attr.directive
    def __mapper_args__(cls: type[Any]) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(default=Role.reviewer, max_length=20)
    password_hash: str | None = Field(default=None, max_length=255)
    external_subject: str | None = Field(default=None, max_length=255, unique=True)
    active: bool = True
    created_at: datetime = _ts()


class RatingScale(SQLModel, table=True):
    __tablename__: ClassVar[str] = "rating_scale"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    description: str = Field(default="", sa_type=Text)
    ordered: bool = True
    conclusion_only: bool = False
    is_default: bool = False


class Rating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("scale_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    scale_id: int = Field(foreign_key="rating_scale.id", index=True)
    label: str = Field(max_length=80)
    position: int = 0
    colour: str = Field(default="#888888", max_length=7)
    rating_value: int | None = None
    best_rating: int | None = None
    worst_rating: int | None = None


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    outlet: str = Field(default="", max_length=200, index=True)
    url: str = Field(default="", max_length=2000)
    author: str = Field(default="", max_length=300)
    published: date | None = None
    language: str = Field(default="en", max_length=12)
    body: str = Field(sa_type=Text)
    body_hash: str = Field(max_length=64, index=True)
    #: Number of the version ``body`` holds; earlier bodies live in ``article_version``.
    current_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    #: The reviewer an editor gave the article to; claims made on it later go to them too.
    assignee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts(index=True)


class ArticleVersion(SQLModel, table=True):
    """Every body an article has had, with who stored it, when and why.

    Version 1 is written when the first new version arrives (until then the article's own
    body is the only one), so articles that never change cost no extra row.
    """

    __tablename__: ClassVar[str] = "article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    number: int
    body: str = Field(sa_type=Text)
    body_hash: str = Field(max_length=64)
    reason: str = Field(default="", max_length=500)
    #: Set when the version was fetched from the web: where, when, and the raw page's digest.
    source_url: str = Field(default="", max_length=2000)
    fetched_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    raw_sha256: str = Field(default="", max_length=64)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()


#: The condition of ``ix_claim_unsettled``; queries say it with :func:`unsettled_claim`.
_UNSETTLED = "anchor_status IN ('needs_review', 'unplaced')"


class Claim(_Versioned, SQLModel, table=True):
    __table_args__ = (
        Index("ix_claim_article_start", "article_id", "start"),
        Index("ix_claim_state_updated", "state", "updated_at"),
        # My work and the per-reviewer dashboard figure: one reviewer's open claims.
        Index("ix_claim_assignee_state", "assignee_id", "state"),
        # Only the few claims a new article version unsettled: the dashboard and the Annotate
        # page count them without an index over every anchored claim.
        Index(
            "ix_claim_unsettled",
            "article_id",
            sqlite_where=text(_UNSETTLED),
            postgresql_where=text(_UNSETTLED),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="RESTRICT")
    start: int | None = None
    end: int | None = None
    quote: str = Field(default="", sa_type=Text)
    prefix: str = Field(default="", max_length=64)
    suffix: str = Field(default="", max_length=64)
    anchor_status: str = Field(default=AnchorStatus.anchored, max_length=12)
    #: The article version ``start``/``end`` point into.
    article_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    #: Where a new version probably holds the quote, until a reviewer confirms it.
    proposed_start: int | None = None
    proposed_end: int | None = None
    statement: str = Field(default="", sa_type=Text)
    #: What the claim is about, in a line: the article's title for a claim made in the app,
    #: an imported fact-check's headline. Searched with the claim (``search.claim_document``).
    context: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    claimant: str = Field(default="", max_length=300, index=True)
    claim_date: date | None = None
    claim_type: str = Field(default=ClaimType.other, max_length=20)
    score: float | None = None
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=ClaimState.new, max_length=20)
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    repeat_of_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = _ts(index=True)
    updated_at: datetime = _ts()
    version: int = Field(default=1)


def unsettled_claim() -> ColumnElement[bool]:
    """Claims a new article version left for a person (needing review or unplaced), in
    words ``ix_claim_unsettled`` is found by.

    The statuses are written into the SQL, not bound: SQLite uses a partial index only when
    it can see that the query's condition implies the index's, which it cannot for bound
    parameters. Bound, the dashboard's count read every claim (28 ms at 100,000 claims, on
    every run of the page); inline, it reads the few unsettled ones (0.3 ms).
    """
    statuses = [AnchorStatus.needs_review, AnchorStatus.unplaced]
    return col(Claim.anchor_status).in_(
        bindparam("unsettled", statuses, expanding=True, literal_execute=True)
    )


class ExternalReview(SQLModel, table=True):
    """Another fact-checker's published review of a claim (``workbench import claimreview``).

    The claim and its approved verdict are theirs, kept read-only so "seen before?" can say
    "PolitiFact rated this False on 2024-05-02": a claim with a row here is refused by every
    service that writes (``claims.get_claim(for_update=True)``). One row per review address,
    so importing a file again adds nothing twice (docs/decisions/0014).
    """

    __tablename__: ClassVar[str] = "external_review"
    __table_args__ = (Index("ux_external_review_url", "url", unique=True),)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    publisher: str = Field(default="", max_length=300)
    #: The day the review was published (None when the file does not say).
    published: date | None = None


class ClaimVector(SQLModel, table=True):
    """A claim's sentence vector for the optional semantic re-rank of "seen before?"
    (``workbench.embeddings``, docs/decisions/0015-semantic-rerank.md): int8 components
    (scale 127) of the model named in ``model``, of the claim's statement: written with it,
    and dropped when it changes while no model is configured."""

    __tablename__: ClassVar[str] = "claim_vector"
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    #: The model's directory name and file digest: vectors of another model are not compared.
    model: str = Field(max_length=200)
    vector: bytes = Field(sa_type=LargeBinary)


class ClaimTag(SQLModel, table=True):
    """Tags as rows, so dashboards can count per tag in SQL."""

    __tablename__: ClassVar[str] = "claim_tag"
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=60, primary_key=True, index=True)


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000, index=True)
    title: str = Field(default="", max_length=500)
    publisher: str = Field(default="", max_length=300)
    published: date | None = None
    accessed: date | None = None
    archive_url: str = Field(default="", max_length=2000)
    kind: str = Field(default=SourceKind.other, max_length=30)
    notes: str = Field(default="", sa_type=Text)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()


class SourceSnapshot(SQLModel, table=True):
    """A copy of a source's page taken by the workbench when a person asked for it."""

    __tablename__: ClassVar[str] = "source_snapshot"
    __table_args__ = (Index("ix_source_snapshot_source_fetched", "source_id", "fetched_at"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    final_url: str = Field(default="", max_length=2000)
    http_status: int
    fetched_at: datetime = Field(sa_type=DateTime(timezone=True))
    raw_sha256: str = Field(max_length=64)
    text: str = Field(default="", sa_type=Text)
    #: A public archive's copy (e.g. the Wayback Machine), when one was configured and answered.
    public_copy_url: str = Field(default="", max_length=2000)
    created_by: int | None = Field(default=None, foreign_key="user.id")


class Evidence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    source_id: int = Field(foreign_key="source.id", index=True)
    stance: str = Field(default=Stance.context, max_length=12)
    excerpt: str = Field(default="", sa_type=Text)
    independent: bool = True
    added_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()


class Verdict(_Versioned, SQLModel, table=True):
    """Append-only: a new judgement is a new row; only review fields change."""

    __table_args__ = (
        Index("ix_verdict_claim_created", "claim_id", "created_at"),
        Index("ix_verdict_status_created", "status", "created_at"),
        Index("ix_verdict_status_rating", "status", "rating_id", "claim_id"),
        Index("ix_verdict_status_reviewed", "status", "reviewed_at", "author_id", "claim_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    rating_id: int | None = Field(default=None, foreign_key="rating.id", index=True)
    conclusion: str = Field(default="", max_length=300)
    rationale: str = Field(sa_type=Text)
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = _ts()
    status: str = Field(default=VerdictStatus.proposed, max_length=12)
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    review_comment: str = Field(default="", sa_type=Text)
    corrects_id: int | None = Field(default=None, foreign_key="verdict.id")
    correction_reason: str = Field(default="", sa_type=Text)
    version: int = Field(default=1)


class AuditEvent(SQLModel, table=True):
    __tablename__: ClassVar[str] = "audit_event"
    __table_args__ = (
        Index("ix_audit_claim_at", "claim_id", "at"),
        Index("ix_audit_entity", "entity", "entity_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts()
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_name: str = Field(default="", max_length=80)
    entity: str = Field(max_length=30)
    entity_id: int
    action: str = Field(max_length=30)
    claim_id: int | None = None
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class UserSession(SQLModel, table=True):
    """A signed-in browser, stored server-side so sign-out and password changes revoke it.

    ``id`` is the SHA-256 hex digest of the opaque token in the cookie: a copy of
    this table (a backup, a log) cannot be replayed as a cookie.
    """

    __tablename__: ClassVar[str] = "user_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = _ts()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_seen_at: datetime = _ts()


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins for one attempted account name or one client address.

    Kept in the database, not in a process, so a restart or a second server shares the
    count (``workbench.throttle``). ``failures`` is only ever changed by one SQL
    statement (an upsert that adds 1), so concurrent failures from two servers both count.
    """

    __tablename__: ClassVar[str] = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=10)  # "account" or "address"
    key: str = Field(max_length=255)
    failures: int = 0
    last_failed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime: SQLite hands back naive ones, stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DashboardCount(SQLModel, table=True):
    """Pre-counted dashboard figures (``workbench.summary``): one row per day (or all
    time, ``day = summary.ALL_TIME``) and fact key; never edited by hand.

    ``rating`` is the claim's published rating id (0: none, -1: approved without a
    rating); ``creator`` the claim creator's user id (0: none); ``bucket`` the
    time-to-verdict bucket of an approval (-1: a correction, or not an approval);
    ``tag`` one of the claim's tags in the tag-keyed kinds (``claim#``, …), else "".
    The indexes serve an outlet, reviewer or tag filter (migration 0008).
    """

    __tablename__: ClassVar[str] = "dashboard_count"
    __table_args__ = (
        Index("ix_dashboard_count_outlet", "kind", "outlet", "day"),
        Index("ix_dashboard_count_creator", "kind", "creator", "day"),
        Index("ix_dashboard_count_tag", "kind", "tag", "day"),
    )
    _NO_AUTOINCREMENT: ClassVar[dict[str, Any]] = {"autoincrement": False}
    kind: str = Field(primary_key=True, max_length=12)
    day: date = Field(primary_key=True)
    state: str = Field(primary_key=True, max_length=20)
    rating: int = Field(primary_key=True, sa_column_kwargs=_NO_AUTOINCREMENT)
    outlet: str = Field(primary_key=True, max_length=200)
    creator: int = Field(primary_key=True, sa_column_kwargs=_NO_AUTOINCREMENT)
    value: str = Field(primary_key=True, max_length=300)
    bucket: int = Field(primary_key=True, sa_column_kwargs=_NO_AUTOINCREMENT)
    tag: str = Field(default="", primary_key=True, max_length=60)
    n: int = 0
    first_n: int = 0
    seconds: int = Field(default=0, sa_type=BigInteger)


class CheckworthinessModel(SQLModel, table=True):
    """A check-worthiness ranker trained in this newsroom (``workbench/model_registry.py``).

    ``artefact`` is the JSON format of ``workbench/text/checkworthiness_model.py``, never a
    pickle, so a row cannot run code when read. The model in use is the newest ``active``
    row, else the one shipped in the package; rows are never deleted, so an admin can roll
    back to any earlier one.
    """

    __tablename__: ClassVar[str] = "checkworthiness_model"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="user.id")
    format_version: int
    artefact: str = Field(sa_type=Text)
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=False, index=True)


class ClaimComment(SQLModel, table=True):
    """One message in a claim's discussion thread.

    Edits and deletions keep the row (``edited_at``, ``deleted_at``) so the thread never
    silently loses a message someone replied to; the audit log holds what changed.
    """

    __tablename__: ClassVar[str] = "claim_comment"
    __table_args__ = (Index("ix_claim_comment_claim", "claim_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(sa_type=Text)
    created_at: datetime = _ts()
    edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    version: int = Field(default=1)


class CommentMention(SQLModel, table=True):
    """An ``@name`` in a comment: it lands in that person's My work until they have seen it."""

    __tablename__: ClassVar[str] = "comment_mention"
    __table_args__ = (Index("ix_comment_mention_user", "user_id", "seen_at"),)
    comment_id: int = Field(foreign_key="claim_comment.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    seen_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class DismissedHint(SQLModel, table=True):
    """A first-run hint a person closed, so it stays closed on every browser they use."""

    __tablename__: ClassVar[str] = "dismissed_hint"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    hint: str = Field(max_length=60, primary_key=True)
    dismissed_at: datetime = _ts()
