"""Other fact-checkers' archives: importing their ClaimReview JSON-LD.

``workbench import claimreview FILE`` reads the schema.org ``ClaimReview`` objects
fact-checkers publish, so "seen before?" can answer "PolitiFact rated this False on
2024-05-02" (docs/decisions/0014-claim-context-and-external-reviews.md). Nothing is
fetched: the file is all there is.

* **Shapes.** One ClaimReview object, a list of them, an object with ``@graph``, or a
  ``DataFeed`` whose ``dataFeedElement`` entries are reviews or ``DataFeedItem``\\ s with an
  ``item`` (one review or a list), as fact-checkers publish feeds and the Fact Check
  Explorer aggregates them; containers may nest. An object is a review when its ``@type``
  is (or lists) ``ClaimReview``, or when it has no ``@type`` but a ``claimReviewed``.
* **What is kept.** Each review becomes a free-standing claim (``claimReviewed`` as its
  statement, ``itemReviewed.author`` as claimant, ``itemReviewed.datePublished`` as claim
  date, the review's ``headline`` or ``name`` as context), an *approved* verdict whose
  conclusion is their rating in their words (``reviewRating.alternateName``, else its
  ``name``, else the number on its scale), with our rating where it maps
  (:func:`_our_rating`), and an ``external_review`` row: the review's ``url``, its
  publisher (``author``, else ``publisher``, else the address's host: real files omit the
  author) and its ``datePublished``. The claim is read-only from then on
  (``claims.refuse_external``), assigned to nobody, and never in our ClaimReview feed.
* **Duplicates.** One claim per review address (a unique index): a review whose ``url`` is
  stored, or came earlier in the file, is counted as a duplicate and changes nothing. A
  stored review is never updated in place: it is what the publisher said when it was
  imported, and a reviewer may have marked claims as its repeats since.
* **Problems.** A file that is not UTF-8 JSON, is larger than :data:`MAX_BYTES`, or holds
  no ClaimReview is refused whole. A review with a problem (no ``claimReviewed``, no
  rating, a ``url`` that is not an absolute web address, a statement longer than a claim
  may be) is skipped with its reason and position, and the others are imported: reviews
  of one file are independent of each other, unlike the rows of a CSV report, and feeds
  gathered from many publishers always hold a few broken ones.
* **One transaction**, editors and admins only, one audit event per claim ("import", with
  the file and position, the address, the publisher and the rating).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from workbench import db, embeddings, search, summary
from workbench.drafts import MAX_CLAIMANT, ClaimDraft, DraftRefused, RecordedVerdict
from workbench.errors import InvalidInput
from workbench.models import (
    AnchorStatus,
    ClaimState,
    ClaimType,
    ExternalReview,
    Rating,
    User,
    VerdictStatus,
    stored_id,
    utcnow,
)
from workbench.permissions import EDITORS, require
from workbench.ratings import default_scale, ratings_of
from workbench.reports.bulk import (
    AUDIT_COLUMNS,
    CLAIM_COLUMNS,
    VERDICT_COLUMNS,
    Rows,
    insert_vectors,
)
from workbench.reports.csv_read import Source, decode, open_binary
from workbench.reports.rating_map import RatingMap, load_rating_map, normalise
from workbench.validation import clean_url, one_line, shorten

_LOG = logging.getLogger(__name__)
#: Largest file read (about 20,000 reviews): the whole file is parsed in memory.
MAX_BYTES = 20 * 1024 * 1024
#: Tables tried, in order, for a rating the caller's map does not know.
BUILTIN_MAPS = ("politifact", "xfact_master")
#: The longest publisher name and textual rating kept (the columns' lengths).
MAX_PUBLISHER, MAX_RATING_WORDS = 300, 300
_CONTAINERS = ("@graph", "dataFeedElement", "item")
_URL_CHUNK = 500
#: The model's name and packed sentence vectors by statement (``workbench.embeddings``).
TextVectors = tuple[str, dict[str, bytes]]


@dataclass(frozen=True)
class Review:
    """One ClaimReview object of a file, with its 1-based position among the file's reviews."""

    position: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Skipped:
    """A review left out, with its position, its address as the file gives it, and why."""

    position: int
    url: str
    reason: str


@dataclass
class ClaimReviewImport:
    """What an import did (or, in a dry run, would do)."""

    source: str = ""
    reviews: int = 0
    imported: int = 0
    duplicates: int = 0
    #: Imported with their rating in their words only: it has no place on our scale.
    unrated: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    claim_ids: list[int] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in vars(self).items() if k != "skipped"},
            "skipped": [vars(s) for s in self.skipped],
        }

    def describe(self) -> str:
        """The report in sentences, one line per skipped review (for the command line)."""
        verb = "Would import" if self.dry_run else "Imported"
        lines = [
            f"{verb} {self.imported:,} of {self.reviews:,} reviews from "
            f"{self.source or 'the file'}: {self.duplicates:,} already stored or earlier in "
            f"the file, {len(self.skipped):,} skipped."
        ]
        if self.unrated:
            lines.append(
                f"{self.unrated:,} ratings have no place on our scale: kept in the "
                "publisher's words, without our rating."
            )
        lines += [
            f"review {s.position}{f' ({s.url})' if s.url else ''}: {s.reason}" for s in self.skipped
        ]
        return "\n".join(lines)


# --- reading the file ---------------------------------------------------------------------


def read_claimreview(source: Source, name: str = "the file") -> list[Review]:
    """The ClaimReview objects of a JSON-LD file, in file order. Raises InvalidInput for a
    file too big, not UTF-8 JSON, or without any ClaimReview; nothing is fetched."""
    stream = open_binary(source)
    try:
        data = stream.read(MAX_BYTES + 1)
    finally:
        stream.close()
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files."
        )
    try:
        document = json.loads(decode(data))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{name} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise InvalidInput(f"{name} is nested too deeply to be a ClaimReview file.") from None
    found = [Review(n, item) for n, item in enumerate(_walk(document), start=1)]
    if not found:
        raise InvalidInput(
            f"{name} holds no ClaimReview (looked in a single object, a list, "
            "@graph and a DataFeed's dataFeedElement items)."
        )
    return found


def _types(node: dict[str, Any]) -> list[str]:
    """``@type`` as bare names: ``schema:ClaimReview`` and ``https://schema.org/ClaimReview``
    are ``ClaimReview``."""
    kinds = node.get("@type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return [str(kind).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for kind in kinds]


def _walk(document: Any) -> Iterator[dict[str, Any]]:
    """Every ClaimReview in ``document``, depth first, without recursion (a hostile file
    may nest lists thousands deep)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        kinds = _types(node)
        if "ClaimReview" in kinds or (not kinds and "claimReviewed" in node):
            yield node
            continue
        stack.extend(node[key] for key in reversed(_CONTAINERS) if key in node)


# --- one review ---------------------------------------------------------------------------


def _first(value: Any) -> Any:
    """JSON-LD allows a list wherever one value is expected: the first one counts."""
    while isinstance(value, list):
        value = value[0] if value else None
    return value


def _words(value: Any) -> str:
    """A text value on one line: a string, a number, or an object's ``@value``/``name``."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return ""
    return one_line(str(value))


def _number(value: Any) -> float | None:
    """A finite number, written as a number or as text (``"4"``); None otherwise."""
    value = _first(value)
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _day(value: Any) -> date | None:
    """The day of an ISO date or date-time (``2024-05-02T10:00:00-04:00``); None otherwise."""
    try:
        return date.fromisoformat(_words(value)[:10])
    except ValueError:
        return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


@dataclass(frozen=True)
class _Rating:
    words: str
    value: float | None
    best: float | None
    worst: float | None


def _rating(data: dict[str, Any]) -> _Rating:
    given = _first(data.get("reviewRating"))
    given = given if isinstance(given, dict) else {}
    value, best, worst = (
        _number(given.get(k)) for k in ("ratingValue", "bestRating", "worstRating")
    )
    words = _words(given.get("alternateName")) or _words(given.get("name"))
    if not words and value is not None and best is not None and worst is not None:
        words = f"{value:g} on a scale from {worst:g} to {best:g}"
    return _Rating(shorten(words, MAX_RATING_WORDS), value, best, worst)


@dataclass
class _Scale:
    """Our default scale's ratings and the tables that map a publisher's words onto it."""

    by_label: dict[str, Rating]
    numeric: list[tuple[float, Rating]]
    maps: list[RatingMap]

    @classmethod
    def load(cls, session: Session, rating_map: RatingMap | None) -> _Scale:
        ratings = ratings_of(session, stored_id(default_scale(session)))
        numeric = [
            ((r.rating_value - r.worst_rating) / (r.best_rating - r.worst_rating), r)
            for r in ratings
            if r.rating_value is not None
            and r.best_rating is not None
            and r.worst_rating is not None
            and r.best_rating != r.worst_rating
        ]
        maps = [load_rating_map(name) for name in BUILTIN_MAPS]
        return cls(
            {normalise(r.label): r for r in ratings},
            numeric,
            [rating_map, *maps] if rating_map else maps,
        )


def _our_rating(rating: _Rating, scale: _Scale) -> Rating | None:
    """Our rating for a publisher's: their words as one of our labels, else through the
    caller's map and the built-in ones (a label a map leaves empty has no place on our
    scale), else their number's place between ``worstRating`` and ``bestRating`` matched
    to the nearest of ours. None: kept in their words only."""
    if rating.words:
        ours = scale.by_label.get(normalise(rating.words))
        if ours is not None:
            return ours
        for mapping in scale.maps:
            mapped = mapping.lookup(rating.words)
            if mapped is not None:
                return scale.by_label.get(normalise(mapped)) if mapped else None
    value, best, worst = rating.value, rating.best, rating.worst
    if value is None or best is None or worst is None or best == worst or not scale.numeric:
        return None
    place = (value - worst) / (best - worst)
    if not 0 <= place <= 1:
        return None
    return min(scale.numeric, key=lambda pair: abs(pair[0] - place))[1]


@dataclass(frozen=True)
class _Planned:
    position: int
    url: str
    publisher: str
    published: date | None
    claim: ClaimDraft
    verdict: RecordedVerdict
    rating_label: str


def _publisher(data: dict[str, Any], url: str) -> str:
    name = _words(data.get("author")) or _words(data.get("publisher")) or _host(url)
    return shorten(name, MAX_PUBLISHER)


def _plan(review: Review, scale: _Scale) -> _Planned | Skipped:
    """The drafts of one review, or why it is skipped."""
    data = review.data
    raw_url = _words(data.get("url"))
    try:
        url = clean_url(raw_url, field="Its url", required=True)
    except InvalidInput as error:
        return Skipped(review.position, raw_url[:200], str(error))
    rating = _rating(data)
    if not rating.words:
        return Skipped(review.position, url, "It has no rating (reviewRating.alternateName).")
    ours = _our_rating(rating, scale)
    statement = _words(data.get("claimReviewed"))
    if not statement:
        return Skipped(review.position, url, "It has no claimReviewed (the claim it checks).")
    item = _first(data.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    try:
        claim = ClaimDraft(
            None,
            statement=statement,
            claimant=shorten(_words(item.get("author")), MAX_CLAIMANT),
            claim_date=_day(item.get("datePublished")),
            claim_type=ClaimType.other,
            context=_words(data.get("headline")) or _words(data.get("name")),
        )
        verdict = RecordedVerdict(ours.id if ours else None, "", rating.words)
    except DraftRefused as refused:
        return Skipped(review.position, url, str(refused))
    return _Planned(
        review.position,
        url,
        _publisher(data, url),
        _day(data.get("datePublished")),
        claim,
        verdict,
        ours.label if ours else "",
    )


# --- the import ---------------------------------------------------------------------------


def _stored_urls(session: Session, urls: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(urls), _URL_CHUNK):
        chunk = urls[start : start + _URL_CHUNK]
        found.update(
            session.exec(select(ExternalReview.url).where(col(ExternalReview.url).in_(chunk)))
        )
    return found


def import_reviews(
    session: Session,
    actor: User,
    reviews: list[Review],
    *,
    rating_map: RatingMap | None = None,
    source_name: str = "",
    dry_run: bool = False,
    vectors: TextVectors | None = None,
) -> ClaimReviewImport:
    """Store ``reviews`` (from :func:`read_claimreview`) as read-only claims of other
    fact-checkers in the caller's transaction; see the module docstring for the rules.
    ``vectors`` (from :func:`encode_reviews`) are stored with the claims whose text they
    encode. Editors and admins only (PermissionDenied). A dry run checks and counts,
    writing nothing."""
    require(actor, EDITORS, "import other fact-checkers' reviews")
    if not dry_run and session.get_bind().dialect.name == "postgresql":
        # One import at a time, so two cannot both find a review new (SQLite's BEGIN
        # IMMEDIATE already serialises writers); readers and other writers are not held.
        session.execute(text("LOCK TABLE external_review IN SHARE ROW EXCLUSIVE MODE"))
    report = ClaimReviewImport(source=source_name, reviews=len(reviews), dry_run=dry_run)
    scale = _Scale.load(session, rating_map)
    planned: list[_Planned] = []
    for review in reviews:
        plan = _plan(review, scale)
        if isinstance(plan, Skipped):
            report.skipped.append(plan)
        else:
            planned.append(plan)
    stored = _stored_urls(session, sorted({plan.url for plan in planned}))
    fresh: dict[str, _Planned] = {}
    for plan in planned:
        if plan.url in stored or plan.url in fresh:
            report.duplicates += 1
        else:
            fresh[plan.url] = plan
    report.imported = len(fresh)
    report.unrated = sum(plan.verdict.rating_id is None for plan in fresh.values())
    if not dry_run and fresh:
        report.claim_ids = _write(
            session, actor, list(fresh.values()), source_name or "file", vectors
        )
        _LOG.info(
            "imported reviews from %s",
            source_name or "a file",
            extra={
                "actor_id": actor.id,
                "actor_name": actor.name,
                "source": source_name,
                "claims_created": report.imported,
            },
        )
    return report


def _write(
    session: Session,
    actor: User,
    plans: list[_Planned],
    where: str,
    vectors: TextVectors | None = None,
) -> list[int]:
    """Insert the claims, verdicts, review rows, audit events, search documents and
    sentence vectors in bulk (``bulk.Rows``: one statement per table, as the CSV import
    writes), and count the claims into the dashboard summary."""
    rows = Rows(session)
    claim_ids = rows.reserve("claim", len(plans))
    verdict_ids = rows.reserve("verdict", len(plans))
    at = rows.time(utcnow())
    pairs = list(zip(claim_ids, plans, strict=True))
    rows.insert("claim", CLAIM_COLUMNS, [_claim_row(rows, cid, p, actor, at) for cid, p in pairs])
    rows.insert(
        "verdict",
        VERDICT_COLUMNS,
        [
            _verdict_row(vid, cid, p, actor, at, where)
            for vid, (cid, p) in zip(verdict_ids, pairs, strict=True)
        ],
    )
    rows.insert(
        "external_review",
        ("claim_id", "url", "publisher", "published"),
        [(cid, p.url, p.publisher, rows.day(p.published)) for cid, p in pairs],
    )
    rows.insert(
        "audit_event",
        AUDIT_COLUMNS,
        [
            (at, actor.id, actor.name, "claim", cid, "import", cid, json.dumps(_changes(p, where)))
            for cid, p in pairs
        ],
    )
    search.index_claims(
        session,
        (
            (
                cid,
                search.claim_document(
                    p.claim.statement,
                    p.claim.statement,
                    p.claim.claimant,
                    (),
                    "",
                    context=p.claim.context,
                ),
            )
            for cid, p in pairs
        ),
    )
    if vectors is not None:
        model, known = vectors
        texts = ((cid, p.claim.statement) for cid, p in pairs)
        insert_vectors(rows, model, ((cid, known[text]) for cid, text in texts if text in known))
    summary.add_claims(session, claim_ids)
    return claim_ids


def encode_reviews(
    session: Session, reviews: list[Review], rating_map: RatingMap | None = None
) -> TextVectors | None:
    """The sentence vectors of the claims ``reviews`` would become, by statement, when a
    model is configured: encoded in a read session, before the import's write transaction,
    so the write lock is not held while the model runs (about 5 ms a review)."""
    model = embeddings.encoder()
    if model is None:
        return None
    scale = _Scale.load(session, rating_map)
    plans = (_plan(review, scale) for review in reviews)
    texts = sorted({plan.claim.statement for plan in plans if isinstance(plan, _Planned)})
    return model.name, dict(zip(texts, embeddings.encode_claims(model, texts), strict=True))


def _claim_row(rows: Rows, claim_id: int, plan: _Planned, actor: User, at: Any) -> tuple[Any, ...]:
    """A row in ``bulk.CLAIM_COLUMNS`` order: free-standing, approved, assigned to nobody."""
    claim = plan.claim
    return (
        claim_id,
        None,
        None,
        None,
        claim.statement,
        "",
        "",
        AnchorStatus.none.value,
        claim.statement,
        claim.context,
        claim.claimant,
        rows.day(claim.claim_date),
        claim.claim_type.value,
        None,
        "[]",
        ClaimState.approved.value,
        None,
        None,
        actor.id,
        at,
        at,
        1,
    )


def _verdict_row(
    verdict_id: int, claim_id: int, plan: _Planned, actor: User, at: Any, where: str
) -> tuple[Any, ...]:
    """A row in ``bulk.VERDICT_COLUMNS`` order: approved, by no one of the desk, with no
    approval time (the dashboard counts the desk's own approvals only)."""
    comment = f"Published by {plan.publisher}: {plan.url}. Imported from {where} by {actor.name}."
    return (
        verdict_id,
        claim_id,
        plan.verdict.rating_id,
        plan.verdict.conclusion,
        plan.verdict.rationale,
        None,
        at,
        VerdictStatus.approved.value,
        None,
        None,
        comment,
        None,
        "",
        1,
    )


def _changes(plan: _Planned, where: str) -> dict[str, list[Any]]:
    return {
        "imported_from": [None, f"{where}, review {plan.position}"],
        "review_url": [None, plan.url],
        "publisher": [None, plan.publisher],
        "rating": [None, plan.verdict.conclusion],
        **({"rating_label": [None, plan.rating_label]} if plan.rating_label else {}),
    }


def run_claimreview_import(
    actor: User,
    source: Source,
    *,
    engine: Engine | None = None,
    rating_map: RatingMap | None = None,
    dry_run: bool = False,
    source_name: str = "",
) -> ClaimReviewImport:
    """Read ``source`` (before any transaction: a refused file locks nothing), then import
    it in one write transaction (a read one for a dry run). What ``workbench import
    claimreview`` calls."""
    reviews = read_claimreview(source, source_name or "the file")
    vectors = None
    if not dry_run and embeddings.encoder() is not None:
        with db.read_session(engine) as session:
            vectors = encode_reviews(session, reviews, rating_map)
    opened = db.read_session(engine) if dry_run else db.write_session(engine)
    with opened as session:
        return import_reviews(
            session,
            actor,
            reviews,
            rating_map=rating_map,
            source_name=source_name,
            dry_run=dry_run,
            vectors=vectors,
        )
