"""ClaimReview (schema.org JSON-LD) for published verdicts, validated before export.

Google's Fact Check tools and aggregators read ``ClaimReview``. Required by them:
``claimReviewed``, ``reviewRating.alternateName`` and ``url``; recommended:
``author``, ``datePublished``, ``itemReviewed`` (a ``Claim`` with ``author``,
``datePublished`` and ``appearance``). A claim missing a required property, or
with a relative URL, is *reported and left out* of the feed; recommended gaps,
a ``claimReviewed`` of 75 characters or more, or one that contains the verdict
label itself (the review text should state the claim, not the rating) are warnings.

Claims imported from other fact-checkers' ClaimReview (``reports/claimreview_import.py``)
are never in the feed: those reviews are theirs to publish.

The claimant's kind (person or organisation) is not stored, so ``itemReviewed.author``
is a ``Person`` unless the name looks like an organisation (a short keyword list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from workbench import db
from workbench.filters import ClaimFilters
from workbench.models import User
from workbench.permissions import EDITORS, require
from workbench.reports.query import iter_report_rows
from workbench.settings import Settings, get_settings
from workbench.validation import is_web_url

CONTEXT = "https://schema.org"
MAX_CLAIM_REVIEWED = 75
_ORGANISATION = re.compile(
    r"\b(party|committee|ministry|government|department|agency|council|inc|ltd|llc|"
    r"corporation|company|news|posts|campaign|association|union|office|pac)\b",
    re.I,
)


@dataclass
class Issue:
    claim_id: int
    level: str  # "error" (left out of the feed) or "warning"
    message: str


def _claimant(name: str) -> dict[str, str]:
    kind = "Organization" if _ORGANISATION.search(name.replace("-", " ")) else "Person"
    return {"@type": kind, "name": name}


def claim_review(row: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """One ``ClaimReview`` object (without ``@context``) from a report row."""
    settings = settings or get_settings()
    base = settings.organisation_url.rstrip("/")
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": row["rating_label"]}
    if row["rating_value"] is not None:
        rating["ratingValue"] = row["rating_value"]
        rating.update(_scale_bounds(row))
    item: dict[str, Any] = {"@type": "Claim"}
    if row["claimant"]:
        item["author"] = _claimant(row["claimant"])
    if row["claim_date"]:
        item["datePublished"] = row["claim_date"]
    if row["article_url"]:
        appearance = {"@type": "CreativeWork", "url": row["article_url"]}
        if row["article_title"]:
            appearance["headline"] = row["article_title"]
        if row.get("article_version"):
            # the version of the article the quote was checked in (schema.org "version")
            appearance["version"] = row["article_version"]
        item["appearance"] = appearance
    return {
        "@type": "ClaimReview",
        "url": f"{base}/claims/{row['claim_id']}",
        "claimReviewed": row["statement"],
        "datePublished": row["approved_at"][:10],
        "author": {"@type": "Organization", "name": settings.organisation_name, "url": base},
        "reviewRating": rating,
        "itemReviewed": item,
    }


def _scale_bounds(row: dict[str, Any]) -> dict[str, Any]:
    best, worst = row.get("best_rating"), row.get("worst_rating")
    return {"bestRating": best, "worstRating": worst} if best is not None else {}


def validate(review: dict[str, Any], claim_id: int) -> list[Issue]:
    """Problems with one object; any ``error`` keeps it out of the feed."""
    issues: list[Issue] = []

    def add(level: str, message: str) -> None:
        issues.append(Issue(claim_id, level, message))

    text = (review.get("claimReviewed") or "").strip()
    label = ((review.get("reviewRating") or {}).get("alternateName") or "").strip()
    if not text:
        add("error", "claimReviewed is missing (the claim has no statement)")
    if not label:
        add("error", "reviewRating.alternateName is missing (the verdict has no label)")
    if not is_web_url(review.get("url") or ""):
        add("error", f"url “{review.get('url', '')}” is not an absolute http(s) URL")
    if len(text) >= MAX_CLAIM_REVIEWED:
        add(
            "warning",
            f"claimReviewed has {len(text)} characters (keep it under "
            f"{MAX_CLAIM_REVIEWED}; search results cut it)",
        )
    if label and re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text, re.I):
        add(
            "warning",
            f"claimReviewed contains the verdict “{label}”: state the claim, not the rating",
        )
    item = review.get("itemReviewed") or {}
    author = review.get("author") or {}
    if not author.get("name"):
        add("warning", "author (the organisation) has no name")
    elif not is_web_url(author.get("url") or ""):
        add("error", f"author.url “{author.get('url', '')}” is not an absolute http(s) URL")
    if not review.get("datePublished"):
        add("warning", "datePublished is missing")
    for name in ("author", "datePublished", "appearance"):
        if name not in item:
            add("warning", f"itemReviewed.{name} is missing")
    appearance = item.get("appearance") or {}
    if appearance and not is_web_url(appearance.get("url") or ""):
        add(
            "error",
            f"itemReviewed.appearance.url “{appearance.get('url')}” is not an absolute http(s) URL",
        )
    return issues


def claimreview_feed(
    actor: User,
    engine: Engine | None = None,
    filters: ClaimFilters | None = None,
    settings: Settings | None = None,
) -> tuple[dict[str, Any], list[Issue]]:
    """``({"@context", "@graph": [...]}, issues)`` for the claims with a published verdict
    that match ``filters``: the desk's check before publishing (editors only, since the
    issues name claims that are not public). Invalid claims appear only in ``issues``;
    warnings leave the object in the feed."""
    require(actor, EDITORS, "check the ClaimReview feed")
    return _feed(engine, filters, settings)


def public_claimreview_feed(
    engine: Engine | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """The published fact-checks, for anyone (``GET /claimreview.jsonld``): public on
    purpose, since it holds only approved verdicts that pass validation, which is what
    publishing means. No role check, no filters, no issues."""
    return _feed(engine, None, settings)[0]


def _feed(
    engine: Engine | None, filters: ClaimFilters | None, settings: Settings | None
) -> tuple[dict[str, Any], list[Issue]]:
    settings = settings or get_settings()
    graph: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for row in iter_report_rows(engine or db.get_engine(), filters):
        # Another fact-checker's review is theirs to publish, never part of ours.
        if row["review_url"] or (not row["rating_label"] and not row["approved_at"]):
            continue
        review = claim_review(row, settings)
        found = validate(review, row["claim_id"])
        issues.extend(found)
        if not any(issue.level == "error" for issue in found):
            graph.append(review)
    return {"@context": CONTEXT, "@graph": graph}, issues


def single(review: dict[str, Any]) -> dict[str, Any]:
    """One object for embedding in an article page (``<script type="application/ld+json">``)."""
    return {"@context": CONTEXT, **review}
