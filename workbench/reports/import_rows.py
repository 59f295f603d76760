"""Checking one imported record and turning it into a compact plan (create or update).

Every problem with a record is collected (not just the first), so a dry run can
list them all with line numbers. A record's claim, sources and verdict are built as the
same drafts the services take (:mod:`workbench.drafts`: ``ClaimDraft``, ``SourceDraft``,
``RecordedVerdict``, and ``ClaimEdit`` for an update), so a cell follows the rules a form
field does (control characters removed, lengths, types by value, ISO dates) and a file
imports the same on SQLite and PostgreSQL; each problem a draft reports is listed against
its column (the article's checks need the claim's cleaned quote, so they wait until the
claim's own cells pass). Integer cells must be ASCII digits within the database's range.

What an import may say (documented for users in ``csv_import``):

* **Normal import**: a rating becomes a *proposed* verdict written by the importing
  user (claim ``in_review``); a second editor approves it in the review queue. The
  file's ``approver`` and ``approved_at`` are not used; its ``assignee`` (else its
  ``reviewer``; an existing account) is the claim's assignee. An update row's
  ``assignee`` is ignored: assignment changes in the app, with its own rules.
* **Restore** (admins): a rating stays an *approved* verdict with its ``approved_at``;
  author and approver are the people named in the file, matched by name or created as
  deactivated accounts; with no approver it is marked as approved outside the workbench.
* Either way an ``article_url`` that is not stored creates the article from the file's
  ``article_title`` and the quotes at their offsets (the report does not carry the
  article's text), so an export re-imports into an empty database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from workbench.drafts import (
    MAX_STATEMENT,
    ClaimDraft,
    ClaimEdit,
    DraftRefused,
    RecordedVerdict,
    SourceDraft,
)
from workbench.errors import InvalidInput
from workbench.models import Article, ClaimState, ClaimType, Rating, User
from workbench.reports.columns import TEXT_COLUMNS, split_multi, unneutralise
from workbench.reports.rating_map import RatingMap
from workbench.search import claim_document
from workbench.text.anchor import make_selector
from workbench.text.extract import MAX_ARTICLE_CHARS, MAX_TITLE_CHARS
from workbench.validation import MAX_ID, clean_line, clean_url, enum_member, shorten

#: The CSV columns a file may change on a stored claim, and the claim field each sets (a
#: part of ``claims.EDITABLE``: spans, assignment and repeats are changed in the app).
EDITABLE_COLUMNS = {
    "statement": "statement",
    "context": "context",
    "claimant": "claimant",
    "claim_date": "claim_date",
    "type": "claim_type",
    "tags": "tags",
}
FROZEN = (
    "article_url",
    "quote",
    "start",
    "end",
    "state",
    "rating_label",
    "publisher",
    "review_url",
)
#: The column of each draft field whose name differs (problems are reported by column).
DRAFT_COLUMNS = {"claim_type": "type", "url": "source_urls", "archive_url": "archive_urls"}
_ASCII_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
Draft = TypeVar("Draft")
#: A person named in the file, not yet an account (restore creates it, deactivated).
Person = int | str | None


@dataclass
class NewArticle:
    """An article the file names by URL that is not stored: built from its claims' quotes."""

    url: str
    title: str
    claims: list[NewClaim] = field(default_factory=list)
    body: str = ""


@dataclass
class Context:
    """What checking needs: loaded once per import, or per chunk of records
    (``articles`` and ``existing`` are looked up in bulk for each chunk)."""

    actor: User
    now: datetime
    ratings: dict[str, Rating]
    rating_map: RatingMap | None
    users: dict[str, int]
    restore: bool = False
    search_docs: bool = True
    articles: dict[str, list[Article]] = field(default_factory=dict)
    existing: dict[int, dict[str, Any]] = field(default_factory=dict)
    seen_ids: dict[int, int] = field(default_factory=dict)
    labels: dict[str, tuple[Rating | None, str]] = field(default_factory=dict)
    new_articles: dict[str, NewArticle] = field(default_factory=dict)
    #: On restore: every person the file names (name → first line); accounts are looked
    #: up again, or created deactivated, when writing.
    people: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class NewClaim:
    """One claim to create, compact (a 100,000-row import holds 100,000 of these).
    ``article`` is an article id or the URL of a :class:`NewArticle`; people are ids or,
    on restore, names of accounts still to create."""

    line: int
    claim_id: int | None
    article: int | str | None
    start: int | None
    end: int | None
    quote: str
    prefix: str
    suffix: str
    statement: str
    context: str
    claimant: str
    claim_date: date | None
    claim_type: str
    state: str
    assignee: Person
    created_at: datetime
    updated_at: datetime
    version: int
    tags: list[str]
    sources: list[tuple[str, str, bool]]
    rating_id: int | None
    rating_label: str
    rationale: str
    author: Person
    approver: Person
    approved_at: datetime | None
    doc: str


@dataclass(frozen=True)
class ExternalRow:
    """A new claim that is another fact-checker's review (the row has a ``review_url``):
    never created from a CSV file, where it would become the desk's own claim and verdict;
    its ClaimReview file brings it back (``claimreview_import``)."""

    line: int


@dataclass
class Update:
    line: int
    claim_id: int
    version: int
    changes: dict[str, Any]


class Problems(list[tuple[str, str]]):
    """(column, message) pairs for one record."""

    def add(self, column: str, message: str) -> None:
        self.append((column, message))


def read_int(text: str, name: str, problems: Problems, minimum: int = 0) -> int | None:
    """An integer cell: ASCII digits (``²`` and ``١٢`` are digits to Python, not to a
    database) within ``minimum``..``MAX_ID`` (integer columns); None if empty or refused."""
    text = text.strip()
    if not text:
        return None
    if not _ASCII_INT.fullmatch(text):
        problems.add(name, f"“{shorten(text, 40)}” is not a whole number")
        return None
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > len(str(MAX_ID)) or not minimum <= int(text) <= MAX_ID:
        problems.add(name, f"{shorten(text, 40)} is out of range ({minimum}–{MAX_ID:,})")
        return None
    return int(text)


def _int(cells: dict[str, str], name: str, problems: Problems, minimum: int = 0) -> int | None:
    return read_int(cells.get(name, ""), name, problems, minimum)


def _time(cells: dict[str, str], name: str, problems: Problems) -> datetime | None:
    text = cells.get(name, "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        problems.add(name, f"“{text[:40]}” is not a time (write YYYY-MM-DDTHH:MM:SSZ)")
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _clean(problems: Problems, column: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return check(*args, **kwargs)
    except InvalidInput as error:
        problems.add(column, str(error))
        return None


def _draft(
    problems: Problems, make: Callable[..., Draft], *args: Any, **fields: Any
) -> Draft | None:
    """The draft ``make`` builds from a record's cells, or None with each of its problems
    added against its column."""
    try:
        return make(*args, **fields)
    except DraftRefused as refused:
        for name, message in refused.problems:
            problems.add(DRAFT_COLUMNS.get(name, name), message)
        return None


def clean_cells(cells: dict[str, str]) -> dict[str, str]:
    """Undo the export's formula neutralisation in text cells."""
    return {k: unneutralise(v) if k in TEXT_COLUMNS else v for k, v in cells.items()}


def resolve_rating(label: str, ctx: Context, problems: Problems) -> Rating | None:
    """Our rating for a file's label (through the mapping table, if any); None = no verdict.
    Computed once per distinct label: a file has a handful of labels and many rows."""
    label = label.strip()
    if not label:
        return None
    if label not in ctx.labels:
        found = Problems()
        ctx.labels[label] = (_lookup_rating(label, ctx, found), found[0][1] if found else "")
    rating, problem = ctx.labels[label]
    if problem:
        problems.add("rating_label", problem)
    return rating


def _lookup_rating(label: str, ctx: Context, problems: Problems) -> Rating | None:
    ours = label
    if ctx.rating_map is not None:
        mapped = ctx.rating_map.lookup(label)
        if mapped is None:
            problems.add("rating_label", f"unknown rating “{label}” (not in the rating map)")
            return None
        if mapped == "":
            return None
        ours = mapped
    rating = ctx.ratings.get(ours.casefold())
    if rating is None:
        problems.add(
            "rating_label",
            f"unknown rating “{ours}” (our scale: "
            f"{', '.join(r.label for r in ctx.ratings.values())})",
        )
    return rating


def _person(
    cells: dict[str, str], name: str, line: int, ctx: Context, problems: Problems
) -> Person:
    """An account named in the file: on restore its name (matched, or created deactivated,
    when writing); otherwise the id of an existing account (an unknown name is a problem)."""
    who = _clean(
        problems, name, clean_line, cells.get(name), field=name.capitalize(), max_length=80
    )
    if not who:
        return None
    if ctx.restore:
        ctx.people.setdefault(who, line)
        return who
    if who in ctx.users:
        return ctx.users[who]
    problems.add(
        name,
        f"there is no user “{who}” in the workbench (an admin can restore the "
        "file to create deactivated accounts for the people it names)",
    )
    return None


def _anchor(
    cells: dict[str, str], quote: str, ctx: Context, problems: Problems, values: dict[str, Any]
) -> None:
    """Pin the claim (its cleaned ``quote``) to its article (found by URL, or created from
    the file) or keep it free-standing."""
    url = (
        _clean(problems, "article_url", clean_url, cells.get("article_url"), field="Article URL")
        or ""
    )
    start, end = _int(cells, "start", problems), _int(cells, "end", problems)
    values.update(article=None, start=None, end=None, quote=quote, prefix="", suffix="")
    if not url:
        if start is not None or end is not None:
            problems.add("start", "offsets need an article (article_url is empty)")
        return
    title = (
        _clean(
            problems,
            "article_title",
            clean_line,
            cells.get("article_title"),
            field="Article title",
            max_length=MAX_TITLE_CHARS,
        )
        or ""
    )
    found = ctx.articles.get(url, [])
    if len(found) > 1:
        found = [a for a in found if a.title == title]
    if len(found) > 1:
        problems.add(
            "article_url",
            "more than one article with this URL and title in the "
            "workbench: leave article_url unmapped",
        )
        return
    if not found:
        _new_article_claim(url, title, quote, start, end, ctx, problems, values)
        return
    body = found[0].body
    if start is None and end is None and quote and body.count(quote) == 1:
        start = body.index(quote)
        end = start + len(quote)
    if start is None or end is None or not 0 <= start < end <= len(body):
        problems.add("start", f"the span {start}–{end} is not inside the article")
        return
    if quote and body[start:end] != quote:
        problems.add("quote", f"does not match the article's text at {start}–{end}")
        return
    selector = make_selector(body, start, end)
    values.update(
        article=found[0].id,
        start=start,
        end=end,
        quote=selector.quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        title=found[0].title,
        language=found[0].language,
    )


def _new_article_claim(
    url: str,
    title: str,
    quote: str,
    start: int | None,
    end: int | None,
    ctx: Context,
    problems: Problems,
    values: dict[str, Any],
) -> None:
    if not quote:
        problems.add("quote", "a claim in an article that is not stored needs its quote")
        return
    if start is not None and (end != start + len(quote) or end > MAX_ARTICLE_CHARS):
        problems.add(
            "end",
            f"the span {start}–{end} does not fit the quote "
            f"({len(quote)} characters) in an article of at most "
            f"{MAX_ARTICLE_CHARS:,} characters",
        )
        return
    ctx.new_articles.setdefault(url, NewArticle(url, title or url[:MAX_TITLE_CHARS]))
    values.update(article=url, start=start, end=end, title=ctx.new_articles[url].title)


def _pipe_split(value: str) -> list[str]:
    """URL lists split at `` | `` only (URLs may contain commas)."""
    return [part.strip() for part in value.split("|")] if value.strip() else []


def _sources(cells: dict[str, str], problems: Problems) -> list[tuple[str, str, bool]]:
    urls = _pipe_split(cells.get("source_urls", ""))
    archives = _pipe_split(cells.get("archive_urls", ""))
    if archives and len(archives) != len(urls):
        problems.add("archive_urls", f"{len(archives)} archive URLs for {len(urls)} sources")
        return []
    independent = _int(cells, "independent_source_count", problems) or 0
    if independent > len(urls):
        problems.add("independent_source_count", f"{independent} for {len(urls)} sources")
    result = []
    for i, url in enumerate(urls):
        source = _draft(problems, SourceDraft, url, archive_url=archives[i] if archives else "")
        if source is not None:
            result.append((source.url, source.archive_url, i < independent))
    return result


def _verdict(
    line: int, cells: dict[str, str], ctx: Context, problems: Problems, values: dict[str, Any]
) -> None:
    rating = resolve_rating(cells.get("rating_label", ""), ctx, problems)
    reviewer = _person(cells, "reviewer", line, ctx, problems)
    # Files written before the assignee column name the assignee as the reviewer.
    values["assignee"] = (
        _person(cells, "assignee", line, ctx, problems)
        or reviewer
        or (None if ctx.restore else ctx.actor.id)
    )
    verdict = _draft(
        problems, RecordedVerdict, rating.id if rating else None, cells.get("rationale", "")
    )
    values.update(
        rating=rating,
        author=None,
        approver=None,
        approved_at=None,
        rationale=verdict.rationale if verdict else "",
    )
    state = cells.get("state", "").strip() or (ClaimState.approved if rating else ClaimState.new)
    if enum_member(ClaimState, state) is None:
        problems.add("state", f"“{state[:40]}” is not a state ({', '.join(ClaimState)})")
    elif rating is not None and state not in (ClaimState.approved, ClaimState.in_review):
        problems.add("state", f"a claim with a rating cannot be {state}")
    elif (
        rating is None
        and state == ClaimState.approved
        and not any(column == "rating_label" for column, _ in problems)
    ):
        problems.add("rating_label", "an approved claim needs a rating")
    published = ClaimState.approved if ctx.restore else ClaimState.in_review
    values["state"] = (
        published
        if rating
        else (ClaimState.researching if state == ClaimState.in_review else state)
    )
    if rating is None or not ctx.restore:
        values["author"] = ctx.actor.id if rating else None
        return
    approver = _person(cells, "approver", line, ctx, problems)
    if approver is not None and approver == reviewer:
        problems.add("approver", "the approver wrote this verdict (two-person rule)")
    values.update(
        author=reviewer,
        approver=approver,
        approved_at=_time(cells, "approved_at", problems) or ctx.now,
    )


def plan_row(
    line: int, raw: dict[str, str], ctx: Context
) -> NewClaim | Update | ExternalRow | None | Problems:
    """A create or update plan for one record, None if it changes nothing, or its problems."""
    cells, problems = clean_cells(raw), Problems()
    claim_id = _int(cells, "claim_id", problems, minimum=1)
    if claim_id is not None:
        if claim_id in ctx.seen_ids:
            problems.add("claim_id", f"claim {claim_id} is also on line {ctx.seen_ids[claim_id]}")
        ctx.seen_ids.setdefault(claim_id, line)
    version = _int(cells, "version", problems, minimum=1)
    if claim_id in ctx.existing:
        return problems or _update(line, claim_id, version, cells, ctx, problems)
    if cells.get("review_url", "").strip():
        return ExternalRow(line)
    values: dict[str, Any] = {}
    # Without an article for now: the article is resolved from article_url below.
    draft = _draft(
        problems,
        ClaimDraft,
        None,
        quote=cells.get("quote", ""),
        statement=cells.get("statement", ""),
        claimant=cells.get("claimant", ""),
        claim_date=cells.get("claim_date", ""),
        claim_type=cells.get("type", "").strip() or ClaimType.other,
        tags=split_multi(cells.get("tags", "")),
        context=cells.get("context", ""),
    )
    if draft is not None:  # the article checks need the claim's cleaned quote
        _anchor(cells, draft.quote, ctx, problems, values)
    _verdict(line, cells, ctx, problems, values)
    sources = _sources(cells, problems)
    created = _time(cells, "created_at", problems) or ctx.now
    updated = _time(cells, "updated_at", problems) or created
    if problems or draft is None:
        return problems
    quote, rating, title = values["quote"], values["rating"], values.get("title", "")
    statement = draft.statement or " ".join(quote.split())[:MAX_STATEMENT]
    plan = NewClaim(
        line,
        claim_id,
        values["article"],
        values["start"],
        values["end"],
        quote or statement,
        values["prefix"],
        values["suffix"],
        statement,
        draft.context,
        draft.claimant,
        draft.claim_date,
        draft.claim_type,
        values["state"],
        values["assignee"],
        created,
        updated,
        version or 1,
        draft.tags,
        sources,
        rating.id if rating else None,
        rating.label if rating else "",
        values["rationale"],
        values["author"],
        values["approver"],
        values["approved_at"],
        claim_document(
            statement,
            quote or statement,
            draft.claimant,
            draft.tags,
            title,
            values.get("language", "en"),
            context=draft.context,
        )
        if ctx.search_docs
        else "",
    )
    if isinstance(plan.article, str):
        ctx.new_articles[plan.article].claims.append(plan)
    return plan


def build_new_articles(ctx: Context) -> list[tuple[int, str]]:
    """Give each article the file creates a body: its claims' quotes at their offsets
    (blank elsewhere; quotes without offsets follow after a blank line), and pin its
    claims. Returns (line, problem) for quotes that overlap with different text."""
    problems: list[tuple[int, str]] = []
    for article in ctx.new_articles.values():
        chars: list[str] = []
        placed = sorted(
            (c for c in article.claims if c.start is not None), key=lambda c: c.start or 0
        )
        for claim in placed:
            start = claim.start or 0
            chars.extend(" " * (start + len(claim.quote) - len(chars)))
            if any(chars[start + i] not in (" ", ch) for i, ch in enumerate(claim.quote)):
                problems.append(
                    (
                        claim.line,
                        "the quote overlaps another claim's quote in "
                        "the same article with different text",
                    )
                )
            chars[start : start + len(claim.quote)] = claim.quote
        for claim in (c for c in article.claims if c.start is None):
            chars.extend("\n\n" if chars else "")
            claim.start, claim.end = len(chars), len(chars) + len(claim.quote)
            chars.extend(claim.quote)
        article.body = "".join(chars)
        for claim in article.claims:
            selector = make_selector(article.body, claim.start or 0, claim.end or 0)
            claim.prefix, claim.suffix = selector.prefix, selector.suffix
    return problems


def _update(
    line: int,
    claim_id: int,
    version: int | None,
    cells: dict[str, str],
    ctx: Context,
    problems: Problems,
) -> Update | None | Problems:
    """Only the editable columns change; the others must match what is stored."""
    current = ctx.existing[claim_id]
    for column in FROZEN:
        if column in cells and cells[column].strip() != str(current[column] or "").strip():
            problems.add(
                column,
                f"differs from the stored claim ({current[column]!r}); "
                "change it in the app (spans, states and verdicts have a workflow)",
            )
    changes: dict[str, Any] = {}
    for column, name in EDITABLE_COLUMNS.items():
        if column in cells and cells[column].strip() != str(current[column]).strip():
            changes[name] = split_multi(cells[column]) if column == "tags" else cells[column]
    edit = _draft(problems, ClaimEdit, **changes)
    if problems or edit is None:
        return problems
    if not changes:
        return None
    if version is None:
        problems.add("version", f"needed to update claim {claim_id}")
    elif version != current["version"]:
        problems.add(
            "version",
            f"claim {claim_id} was changed after this file was exported "
            f"(file: version {version}, now version {current['version']}); export "
            "again and redo the edit",
        )
    if problems or version is None:  # a missing version is one of the problems
        return problems
    return Update(line, claim_id, version, edit.changes())
