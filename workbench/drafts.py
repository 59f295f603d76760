"""Drafts: what a person, a file or a command hands to a service, typed and checked once.

Each draft is a frozen pydantic dataclass, so callers build it positionally or by keyword as
they built the plain dataclasses before, and the checks run as it is built: text fields go
through :mod:`workbench.validation` (control characters, length limits, web addresses),
enumerated fields are matched by *value* (``"data set"``, never the Python name ``data_set``)
and dates are ISO days. The services (claims, articles, sources, verdicts), the CSV importer and
the CLI all build these drafts, so each input has one set of rules, and a service trusts what
its draft guarantees; checks that need the database (a span inside its article, a rating on
the scale, permissions, versions) stay in the services. Decision 0009 says why.

A refused draft raises :class:`DraftRefused`: an InvalidInput whose message is written for a
fact-checker and which lists *every* problem of the draft (``problems``, by field), so the
importer can report each against its column.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar, dataclass_transform

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.dataclasses import dataclass
from pydantic_core import ErrorDetails

from workbench.errors import InvalidInput
from workbench.models import ClaimType, SourceKind, Stance
from workbench.text.extract import (
    MAX_ARTICLE_CHARS,
    MAX_TITLE_CHARS,
    ArticleInputError,
    clean_pasted_text,
)
from workbench.validation import choice, clean_line, clean_text, clean_url, parse_day

MAX_STATEMENT = 2000
#: A claim's context is a line (an article title, a fact-check's headline), not a text.
MAX_CONTEXT = 1000
MAX_CLAIMANT = 300
MAX_TAGS = 20
#: Longest source note or evidence excerpt: a few paragraphs, not a copy of the source.
MAX_NOTE = 10_000
MIN_RATIONALE = 10
#: About 8,000 words: room for a full fact-check write-up.
MAX_RATIONALE = 50_000
#: Review comments and correction reasons: a few paragraphs.
MAX_COMMENT = 5_000

Draft = TypeVar("Draft")

#: What pydantic's own refusals (a value of the wrong type) say, by the first word of the
#: error type; the rules below phrase every other refusal themselves.
_TYPE_PROBLEMS = {
    "int": "must be a whole number",
    "float": "must be a number",
    "bool": "must be yes or no",
    "string": "must be text",
    "list": "must be a list",
    "missing": "is required",
}


class DraftRefused(InvalidInput):
    """A draft that breaks its rules. ``problems`` holds (field, message) for every problem,
    not only the first; the message is their messages in a row."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(message for _field, message in problems))
        self.problems = problems


class ArticleRefused(DraftRefused, ArticleInputError):
    """A refused article draft is also an ArticleInputError, what the forms that bring an
    article in already catch and show (an unreadable upload is one too)."""


def _problem(fields: dict[str, Any], detail: ErrorDetails) -> tuple[str, str]:
    """(field, message) for one of pydantic's error details. Positional arguments are
    located by index, so the index is turned back into the field's name; the message of a
    value of the wrong type names the field as a sentence would ("Start", "Claim date")."""
    where = detail["loc"][0] if detail["loc"] else ""
    name = list(fields)[where] if isinstance(where, int) and where < len(fields) else str(where)
    if detail["type"] == "value_error":
        return name, str(detail.get("ctx", {}).get("error", detail["msg"]))
    label, kind = name.replace("_", " ").capitalize(), detail["type"].split("_")[0]
    if kind in _TYPE_PROBLEMS:
        return name, f"{label} {_TYPE_PROBLEMS[kind]}."
    if detail["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        return name, f"“{name}” is not one of the fields here ({', '.join(fields)})."
    return name, f"{label}: {detail['msg']}."


def _refusal(kind: type[Any], refused: type[DraftRefused], error: ValidationError) -> DraftRefused:
    """pydantic's ValidationError as ``refused``: pages show ``str(error)`` and the CLI prints
    it, so it must read as sentences, not as a dump of locations and types."""
    fields = kind.__pydantic_fields__
    return refused([_problem(fields, detail) for detail in error.errors()])


@dataclass_transform(frozen_default=True, field_specifiers=(Field,))
def draft(cls: type[Draft]) -> type[Draft]:
    """``cls`` as a frozen pydantic dataclass that refuses with its ``refused`` class
    (:class:`DraftRefused` unless it says otherwise) and takes no unknown field. Frozen, so
    what was checked is what the service gets; defaults are checked too, so a rule such as
    "a correction needs a reason" holds when the field is left out."""
    checked: Any = dataclass(frozen=True, config=ConfigDict(extra="forbid", validate_default=True))(
        cls
    )
    validate = checked.__init__
    refused = getattr(cls, "refused", DraftRefused)

    @functools.wraps(validate)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            validate(self, *args, **kwargs)
        except ValidationError as error:
            raise _refusal(checked, refused, error) from None

    checked.__init__ = __init__
    return checked


# --- rules for one field, built on workbench.validation -----------------------------------


def _refusing(check: Callable[[Any], Any]) -> BeforeValidator:
    """A field rule from a validation helper. Its InvalidInput becomes the ValueError pydantic
    collects, so a draft reports all its problems, not just the first."""

    def run(value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from None

    return BeforeValidator(run)


def _line(field: str, max_length: int, *, required: bool = False) -> BeforeValidator:
    return _refusing(
        functools.partial(clean_line, field=field, max_length=max_length, required=required)
    )


def _text(field: str, max_length: int) -> BeforeValidator:
    return _refusing(functools.partial(clean_text, field=field, max_length=max_length))


def _url(field: str, *, required: bool = False) -> BeforeValidator:
    return _refusing(functools.partial(clean_url, field=field, required=required))


def _day(field: str) -> BeforeValidator:
    return _refusing(functools.partial(parse_day, field=field))


def _one_of(kind: type[Any], field: str) -> BeforeValidator:
    return _refusing(lambda value: choice(kind, value, field=field))


def clean_tags(tags: list[str] | str) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively), order kept; a string is split at commas."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: dict[str, str] = {}
    for tag in tags:
        text = clean_line(tag, field="Tag", max_length=60)
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    if len(seen) > MAX_TAGS:
        raise InvalidInput(f"At most {MAX_TAGS} tags per claim.")
    return list(seen.values())


def _language(value: str | None) -> str:
    return clean_line(value or "en", field="Language", max_length=12).lower() or "en"


Statement = Annotated[str, _line("Claim statement", MAX_STATEMENT)]
Claimant = Annotated[str, _line("Claimant", MAX_CLAIMANT)]
ClaimContext = Annotated[str, _line("Context", MAX_CONTEXT)]
ClaimDay = Annotated[date | None, _day("Claim date")]
KindOfClaim = Annotated[ClaimType, _one_of(ClaimType, "Claim type")]
Tags = Annotated[list[str], _refusing(clean_tags)]
Rationale = Annotated[str, _text("Rationale", MAX_RATIONALE)]


# --- the drafts ---------------------------------------------------------------------------


@draft
class ArticleDraft:
    """An article to add. The body is normalised here, once (``clean_pasted_text``: line
    breaks, control characters, NFC), so stored offsets never move; it must not be empty or
    longer than ``MAX_ARTICLE_CHARS``. A title that was typed is refused when too long, never
    shortened; an empty one is derived from the body by ``articles.add_article``."""

    refused: ClassVar[type[DraftRefused]] = ArticleRefused
    title: Annotated[str, _line("Title", MAX_TITLE_CHARS)]
    body: Annotated[str, BeforeValidator(clean_pasted_text)]
    outlet: Annotated[str, _line("Outlet", 200)] = ""
    url: Annotated[str, _url("Article URL")] = ""
    author: Annotated[str, _line("Author", 300)] = ""
    published: Annotated[date | None, _day("Published")] = None
    language: Annotated[str, _refusing(_language)] = "en"


@draft
class ClaimDraft:
    """A claim to create: ``article.body[start:end]`` (code points; ``claims.create_claim``
    checks the span against the stored article), or, without an article, a free-standing
    claim that needs a quote or a statement (imports). An empty ``context`` becomes the
    article's title in ``claims.create_claim``."""

    article_id: int | None
    start: int | None = None
    end: int | None = None
    quote: Annotated[str, _text("Quote", MAX_ARTICLE_CHARS)] = ""  # claims without an article
    statement: Statement = ""
    claimant: Claimant = ""
    claim_date: ClaimDay = None
    claim_type: KindOfClaim = ClaimType.other
    tags: Tags = Field(default_factory=list)
    score: float | None = None
    reasons: list[str] = Field(default_factory=list)
    repeat_of_id: int | None = None
    context: ClaimContext = ""

    @field_validator("statement")
    @classmethod
    def _says_something(cls, statement: str, info: ValidationInfo) -> str:
        # Only when article_id and quote were valid: a refused quote is reported once.
        free_standing = "article_id" in info.data and info.data["article_id"] is None
        if free_standing and not statement and info.data.get("quote") == "":
            raise ValueError("A claim needs a quote or a statement.")
        return statement


class ClaimEdit(BaseModel):
    """An edit to a stored claim (``claims.update_claim``, an import's update row): only the
    fields given change, each under the rule it has in a :class:`ClaimDraft`, except that an
    edited statement may not be empty. Keyword-only, so pydantic knows which were given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    statement: Annotated[str, _line("Claim statement", MAX_STATEMENT, required=True)] = ""
    context: ClaimContext = ""
    claimant: Claimant = ""
    claim_date: ClaimDay = None
    claim_type: KindOfClaim = ClaimType.other
    tags: Tags = Field(default_factory=list)
    start: int | None = None
    end: int | None = None
    repeat_of_id: int | None = None
    assignee_id: int | None = None

    def __init__(self, **fields: Any) -> None:
        try:
            super().__init__(**fields)
        except ValidationError as error:
            raise _refusal(type(self), DraftRefused, error) from None

    def changes(self) -> dict[str, Any]:
        """The fields given, cleaned, in the order above."""
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if name in self.model_fields_set
        }


@draft
class SourceDraft:
    """A source to add (reusable across claims). ``accessed`` defaults to the day it is
    stored (``sources.add_source``) and may not be before ``published``."""

    url: Annotated[str, _url("Source URL", required=True)]
    title: Annotated[str, _line("Source title", 500)] = ""
    publisher: Annotated[str, _line("Publisher", 300)] = ""
    published: Annotated[date | None, _day("Published")] = None
    accessed: Annotated[date | None, _day("Accessed")] = None
    archive_url: Annotated[str, _url("Archived copy URL")] = ""
    kind: Annotated[SourceKind, _one_of(SourceKind, "Source kind")] = SourceKind.other
    notes: Annotated[str, _text("Notes", MAX_NOTE)] = ""

    @field_validator("accessed")
    @classmethod
    def _not_before_published(cls, accessed: date | None, info: ValidationInfo) -> date | None:
        published = info.data.get("published")
        if published and accessed and accessed < published:
            raise ValueError("The accessed date is before the published date.")
        return accessed


@draft
class EvidenceDraft:
    """What a source says about a claim (``sources.attach_source``): its stance, an excerpt,
    and whether it is independent of the claimant (only independent sources count towards
    the two an approval expects)."""

    stance: Annotated[Stance, _one_of(Stance, "Stance")]
    excerpt: Annotated[str, _text("Excerpt", MAX_NOTE)] = ""
    independent: bool = True


@draft
class RecordedVerdict:
    """A verdict as a file records it (CSV import): a rating with whatever rationale the file
    has, possibly none (LIAR's ratings come without one)."""

    rating_id: int | None = None
    rationale: Rationale = ""
    conclusion: Annotated[str, _line("Conclusion", 300)] = ""


@draft
class VerdictDraft(RecordedVerdict):
    """A verdict proposed in the workbench (``verdicts.propose_verdict``) is argued: a rationale
    of at least a sentence, and a rating or a one-line conclusion. Whether the rating's scale
    also needs a conclusion is the service's check (it reads the scale)."""

    @field_validator("rationale")
    @classmethod
    def _argued(cls, rationale: str) -> str:
        if len(rationale) < MIN_RATIONALE:
            raise ValueError("Write the rationale: why this rating? (at least a sentence).")
        return rationale

    @field_validator("conclusion")
    @classmethod
    def _rated(cls, conclusion: str, info: ValidationInfo) -> str:
        if "rating_id" in info.data and info.data["rating_id"] is None and not conclusion:
            raise ValueError("Choose a rating, or write a one-line conclusion.")
        return conclusion


@draft
class CorrectionDraft(VerdictDraft):
    """A new verdict for a published one (``verdicts.propose_correction``), with the reason,
    which is shown publicly with the claim."""

    reason: Annotated[str, _text("Correction reason", MAX_COMMENT)] = ""

    @field_validator("reason")
    @classmethod
    def _explained(cls, reason: str) -> str:
        if not reason:
            raise ValueError("A correction needs a reason; it is shown publicly with the claim.")
        return reason
