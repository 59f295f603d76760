"""Checking one imported record and turning it into a plan (create or update).

Every problem with a record is collected (not just the first), so a dry run can
list them all with line numbers. Text cells go through the same cleaning rules
as the claim services (``clean_line``, ``clean_tags``, ``clean_url``).

Decisions about what an import may say (documented for users in ``csv_import``):
a rating in the file becomes an *approved* verdict, since the report only carries
published verdicts; its author is the ``reviewer`` named in the file (or the
importing user) and its approver the ``approver`` named there (never the same
person), or nobody when the verdict was approved outside the workbench.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from workbench.claims import MAX_STATEMENT, clean_tags
from workbench.errors import InvalidInput
from workbench.models import AnchorStatus, Article, ClaimState, ClaimType, Rating, User
from workbench.reports.columns import TEXT_COLUMNS, split_multi, unneutralise
from workbench.reports.rating_map import RatingMap
from workbench.text.anchor import make_selector
from workbench.validation import clean_line, clean_url

EDITABLE = {"statement": "statement", "claimant": "claimant", "claim_date": "claim_date",
            "type": "claim_type", "tags": "tags"}
FROZEN = ("article_url", "quote", "start", "end", "state", "rating_label")


@dataclass
class Context:
    """What checking needs, loaded once per import."""

    actor: User
    now: datetime
    ratings: dict[str, Rating]
    rating_map: RatingMap | None
    users: dict[str, int]
    articles: dict[str, list[Article]]
    existing: dict[int, dict[str, Any]]
    seen_ids: dict[int, int] = field(default_factory=dict)


@dataclass
class NewClaim:
    line: int
    claim: dict[str, Any]
    tags: list[str]
    verdict: dict[str, Any] | None
    sources: list[tuple[str, str, bool]]
    rating_label: str = ""


@dataclass
class Update:
    line: int
    claim_id: int
    version: int | None
    changes: dict[str, Any]


class Problems(list[tuple[str, str]]):
    """(column, message) pairs for one record."""

    def add(self, column: str, message: str) -> None:
        self.append((column, message))


def _int(cells: dict[str, str], name: str, problems: Problems, minimum: int = 0) -> int | None:
    text = cells.get(name, "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        problems.add(name, f"“{text}” is not a whole number")
        return None
    if value < minimum:
        problems.add(name, f"must be at least {minimum}")
    return value


def _date(cells: dict[str, str], problems: Problems) -> date | None:
    text = cells.get("claim_date", "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        problems.add("claim_date", f"“{text}” is not a date (write YYYY-MM-DD)")
        return None


def _time(cells: dict[str, str], name: str, problems: Problems) -> datetime | None:
    text = cells.get(name, "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        problems.add(name, f"“{text}” is not a time (write YYYY-MM-DDTHH:MM:SSZ)")
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _clean(problems: Problems, column: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return check(*args, **kwargs)
    except InvalidInput as error:
        problems.add(column, str(error))
        return None


def clean_cells(cells: dict[str, str]) -> dict[str, str]:
    """Undo the export's formula neutralisation in text cells."""
    return {k: unneutralise(v) if k in TEXT_COLUMNS else v for k, v in cells.items()}


def resolve_rating(label: str, ctx: Context, problems: Problems) -> Rating | None:
    """Our rating for a file's label (through the mapping table, if any); None = no verdict."""
    label = label.strip()
    if not label:
        return None
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
        problems.add("rating_label", f"unknown rating “{ours}” (our scale: "
                     f"{', '.join(r.label for r in ctx.ratings.values())})")
    return rating


def _user(cells: dict[str, str], name: str, ctx: Context, problems: Problems) -> int | None:
    who = cells.get(name, "").strip()
    if not who:
        return None
    if who not in ctx.users:
        problems.add(name, f"there is no user “{who}” in the workbench")
    return ctx.users.get(who)


def _anchor(cells: dict[str, str], ctx: Context, problems: Problems,
            values: dict[str, Any]) -> None:
    """Pin the claim to its article (found by URL) or keep it free-standing."""
    url, quote = cells.get("article_url", "").strip(), cells.get("quote", "")
    start, end = _int(cells, "start", problems), _int(cells, "end", problems)
    if not url:
        if start is not None or end is not None:
            problems.add("start", "offsets need an article (article_url is empty)")
        values.update(article_id=None, start=None, end=None, quote=quote.strip(), prefix="",
                      suffix="", anchor_status=AnchorStatus.none)
        return
    found = ctx.articles.get(url, [])
    if len(found) > 1:
        found = [a for a in found if a.title == cells.get("article_title", "").strip()]
    if len(found) != 1:
        problems.add("article_url", f"{'no' if not found else 'more than one'} article with "
                     "this URL in the workbench: add it first, or leave article_url unmapped")
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
    values.update(article_id=found[0].id, start=start, end=end, quote=selector.quote,
                  prefix=selector.prefix, suffix=selector.suffix,
                  anchor_status=AnchorStatus.anchored)


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
        clean = _clean(problems, "source_urls", clean_url, url, field="Source URL", required=True)
        archive = _clean(problems, "archive_urls", clean_url, archives[i] if archives else "",
                         field="Archived copy URL")
        if clean:
            result.append((clean, archive or "", i < independent))
    return result


def _verdict(cells: dict[str, str], ctx: Context, problems: Problems,
             values: dict[str, Any]) -> dict[str, Any] | None:
    rating = resolve_rating(cells.get("rating_label", ""), ctx, problems)
    author = _user(cells, "reviewer", ctx, problems) or ctx.actor.id
    approver = _user(cells, "approver", ctx, problems)
    values["assignee_id"] = author
    state = cells.get("state", "").strip() or (ClaimState.approved if rating else ClaimState.new)
    if state not in ClaimState.__members__:
        problems.add("state", f"“{state}” is not a state ({', '.join(ClaimState)})")
    elif rating is not None and state not in (ClaimState.approved, ClaimState.in_review):
        problems.add("state", f"a claim with a published rating cannot be {state}")
    elif rating is None and state == ClaimState.approved and not any(
            column == "rating_label" for column, _ in problems):
        problems.add("rating_label", "an approved claim needs a rating")
    values["state"] = ClaimState.approved if rating else (
        ClaimState.researching if state == ClaimState.in_review else state)
    if rating is None:
        if approver is not None:
            problems.add("approver", "an approver without a rating")
        return None
    if approver is not None and approver == author:
        problems.add("approver", "the approver wrote this verdict (two-person rule)")
    approved_at = _time(cells, "approved_at", problems) or ctx.now
    return {"rating_id": rating.id, "rationale": cells.get("rationale", "").strip(),
            "author_id": author, "reviewer_id": approver, "reviewed_at": approved_at,
            "created_at": approved_at, "label": rating.label}


def plan_row(line: int, raw: dict[str, str], ctx: Context) -> NewClaim | Update | None | Problems:
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
    values: dict[str, Any] = {"id": claim_id} if claim_id else {}
    statement = _clean(problems, "statement", clean_line, cells.get("statement"),
                       field="Claim statement", max_length=MAX_STATEMENT)
    values["claimant"] = _clean(problems, "claimant", clean_line, cells.get("claimant"),
                                field="Claimant", max_length=300)
    values["claim_date"] = _date(cells, problems)
    claim_type = cells.get("type", "").strip() or ClaimType.other
    if claim_type not in ClaimType.__members__:
        problems.add("type", f"“{claim_type}” is not a claim type ({', '.join(ClaimType)})")
    tags = _clean(problems, "tags", clean_tags, split_multi(cells.get("tags", ""))) or []
    _anchor(cells, ctx, problems, values)
    if not values.get("quote") and not statement:
        problems.add("statement", "a claim needs a statement or a quote")
    values["quote"] = values.get("quote") or statement or ""
    values["statement"] = statement or " ".join(values["quote"].split())[:MAX_STATEMENT]
    verdict = _verdict(cells, ctx, problems, values)
    sources = _sources(cells, problems)
    created = _time(cells, "created_at", problems) or ctx.now
    values.update(claim_type=claim_type, created_at=created, version=version or 1,
                  updated_at=_time(cells, "updated_at", problems) or created,
                  created_by=ctx.actor.id, score=None, reasons=[], repeat_of_id=None)
    if problems:
        return problems
    label = verdict.pop("label") if verdict else ""
    return NewClaim(line, values, tags, verdict, sources, label)


def _update(line: int, claim_id: int, version: int | None, cells: dict[str, str],
            ctx: Context, problems: Problems) -> Update | None | Problems:
    """Only the editable columns change; the others must match what is stored."""
    current = ctx.existing[claim_id]
    for column in FROZEN:
        if column in cells and cells[column].strip() != str(current[column] or "").strip():
            problems.add(column, f"differs from the stored claim ({current[column]!r}); "
                         "change it in the app (spans, states and verdicts have a workflow)")
    changes: dict[str, Any] = {}
    for column, name in EDITABLE.items():
        if column in cells and cells[column].strip() != str(current[column]).strip():
            changes[name] = (_date(cells, problems) if column == "claim_date" else
                             split_multi(cells[column]) if column == "tags" else cells[column])
    if problems:
        return problems
    if not changes:
        return None
    if version is None:
        problems.add("version", f"needed to update claim {claim_id}")
    elif version != current["version"]:
        problems.add("version", f"claim {claim_id} was changed after this file was exported "
                     f"(file: version {version}, now version {current['version']}); export "
                     "again and redo the edit")
    return problems or Update(line, claim_id, version, changes)
