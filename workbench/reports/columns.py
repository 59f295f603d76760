"""The CSV claim report's columns: a documented, stable contract.

Spreadsheets, scripts and the importer rely on these names and their order, so
columns are only ever appended, never renamed or reordered.

=========================  ===============================================================
column                     meaning
=========================  ===============================================================
claim_id                   the claim's number in the workbench
article_title, article_url the article the claim was pinned in (empty for imported claims)
quote, start, end          the exact words and their code-point offsets into the article
statement                  the claim as the reviewer normalised it
claimant, claim_date       who said it, when (YYYY-MM-DD)
type                       numeric, quote, historical, comparison, causal, prediction, other
tags                       tags, sorted, joined with " | "
state                      new, researching, in_review, approved, dismissed
rating_label, rating_value the current (approved) verdict's label and ClaimReview number
rationale                  the current verdict's rationale
evidence_count             evidence items linked to the claim
independent_source_count   distinct sources marked independent
source_urls                distinct source URLs: independent sources first, then the others
archive_urls               the archived copy of each source in ``source_urls`` (same order;
                           an empty entry where a source has none; empty when none has one)
reviewer                   author of the current verdict; without one, the claim's assignee
approver                   the editor who approved the current verdict (empty if imported)
approved_at                when it was approved (UTC, ``YYYY-MM-DDTHH:MM:SSZ``)
corrections_count          approved corrections of the published verdict
created_at, updated_at     the claim's own timestamps (UTC)
version                    the claim's version, so a re-import can refuse stale edits
article_version            the article version ``start`` and ``end`` point into (empty
                           without an article): the one the claim was made or last placed on
anchor_status              where the quote stands in the article's current version:
                           anchored, needs_review (a new version proposes a place a person
                           has not confirmed), unplaced (not found in it: quote and verdict
                           kept), none (no article)
assignee                   who the claim is assigned to (empty: nobody); a restore or an
                           import that creates the claim gives it to that account, an
                           update ignores it (assignment changes in the app)
context                    what the claim is about, in a line: the article's title for a
                           claim made in the app, an imported fact-check's headline;
                           searched with the claim, and changed by an update row
publisher, review_url      for another fact-checker's review (``workbench import
                           claimreview``): who published it and where; empty for the
                           desk's own claims. Such rows are read-only: an import never
                           creates them from a CSV file (it counts them as skipped)
=========================  ===============================================================

**Formula neutralisation (OWASP CSV injection).** A *text* cell whose value starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (optionally after
apostrophes) is written with one extra leading apostrophe ``'``, so spreadsheets
show it as text instead of evaluating it. The importer removes exactly that one
apostrophe again, so the round trip is exact. Numeric columns are never changed.
"""

from __future__ import annotations

import re

COLUMNS: tuple[str, ...] = (
    "claim_id",
    "article_title",
    "article_url",
    "quote",
    "start",
    "end",
    "statement",
    "claimant",
    "claim_date",
    "type",
    "tags",
    "state",
    "rating_label",
    "rating_value",
    "rationale",
    "evidence_count",
    "independent_source_count",
    "source_urls",
    "archive_urls",
    "reviewer",
    "approver",
    "approved_at",
    "corrections_count",
    "created_at",
    "updated_at",
    "version",
    "article_version",
    "anchor_status",
    "assignee",
    "context",
    "publisher",
    "review_url",
)

#: Columns holding integers: written as numbers, never neutralised.
NUMERIC_COLUMNS = frozenset(
    {
        "claim_id",
        "start",
        "end",
        "rating_value",
        "evidence_count",
        "independent_source_count",
        "corrections_count",
        "version",
        "article_version",
    }
)
TEXT_COLUMNS = frozenset(COLUMNS) - NUMERIC_COLUMNS

#: Multi-value cells (tags, URLs) join their values with this.
MULTI_SEPARATOR = " | "

#: Short names accepted in ``--columns`` mappings and foreign headers.
ALIASES = {
    "id": "claim_id",
    "rating": "rating_label",
    "label": "rating_label",
    "claim": "statement",
    "speaker": "claimant",
    "date": "claim_date",
}

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

#: First characters that may need neutralising (a fast pre-check before the regex).
TRIGGERS = frozenset("=+-@\t\r'")
_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """Prefix a formula-looking text cell with ``'`` (see the module docstring)."""
    return "'" + value if _DANGEROUS.match(value) else value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise`: drop the one apostrophe it added. (The first-character test
    spares the regex for nearly every cell; an import undoes 18 cells per row.)"""
    return value[1:] if value[:1] == "'" and _NEUTRALISED.match(value) else value


def split_multi(value: str) -> list[str]:
    """Values of a multi-value cell: `` | ``-separated (ours) or comma-separated (foreign)."""
    value = value.strip()
    if not value:
        return []
    parts = value.split("|") if "|" in value else value.split(",")
    return [part.strip() for part in parts]
