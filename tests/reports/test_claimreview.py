"""ClaimReview JSON-LD: the shape Google's tools read, parsed as JSON-LD offline, and the
validator that keeps broken objects out of the feed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyld import jsonld
from sqlalchemy import Engine, text

from tests.factories import cli_admin_user
from workbench.reports.claimreview import claim_review, claimreview_feed, single, validate
from workbench.settings import Settings

SCHEMA = "https://schema.org/"


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """schema.org's context as ``@vocab`` only: enough to expand every term, no network."""
    if url.rstrip("/") + "/" != SCHEMA:
        raise AssertionError(f"unexpected remote document {url}")
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA}}}


OPTIONS = {"documentLoader": offline_loader}
SETTINGS = Settings(organisation_name="Fact Desk", organisation_url="https://factdesk.example")


def test_feed_shape(fixed: Engine) -> None:
    feed, issues = claimreview_feed(cli_admin_user(fixed), fixed, settings=SETTINGS)
    assert [i for i in issues if i.level == "error"] == []
    (review,) = feed["@graph"]  # only claim 1 is published
    assert review == {
        "@type": "ClaimReview",
        "url": "https://factdesk.example/claims/1",
        "claimReviewed": "EU aid is $6.2bn",
        "datePublished": "2025-03-07",
        "author": {"@type": "Organization", "name": "Fact Desk", "url": "https://factdesk.example"},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly true",
            "ratingValue": 5,
            "bestRating": 6,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Ursula von der Leyen"},
            "datePublished": "2025-03-04",
            "appearance": {
                "@type": "CreativeWork",
                "url": "https://news.example/aid",
                "headline": 'EU aid, "ReArm"',
                "version": 1,
            },
        },
    }


def test_parses_as_json_ld(fixed: Engine) -> None:
    feed, _ = claimreview_feed(cli_admin_user(fixed), fixed, settings=SETTINGS)
    expanded = jsonld.expand(json.loads(json.dumps(feed)), OPTIONS)
    (node,) = expanded
    assert node["@type"] == [SCHEMA + "ClaimReview"]
    assert node[SCHEMA + "claimReviewed"] == [{"@value": "EU aid is $6.2bn"}]
    rating = node[SCHEMA + "reviewRating"][0]
    assert rating[SCHEMA + "alternateName"] == [{"@value": "Mostly true"}]
    quads = jsonld.to_rdf(feed, {**OPTIONS, "format": "application/n-quads"})
    assert f"<{SCHEMA}appearance>" in quads and f"<{SCHEMA}ratingValue>" in quads
    one = jsonld.expand(single(feed["@graph"][0]), OPTIONS)
    assert one[0]["@type"] == [SCHEMA + "ClaimReview"]


def _review(**changes: Any) -> dict[str, Any]:
    row = {
        "claim_id": 9,
        "statement": "Taxes doubled in 2024",
        "rating_label": "False",
        "rating_value": 2,
        "best_rating": 6,
        "worst_rating": 1,
        "claimant": "Labour Party",
        "claim_date": "2025-01-02",
        "article_url": "https://news.example/x",
        "article_title": "",
        "approved_at": "2025-02-01T10:00:00Z",
    }
    row.update(changes)
    return claim_review(row, SETTINGS)


def _levels(review: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i.level, i.message.split(" ")[0]) for i in validate(review, 9)]


def test_valid_object_has_no_issues() -> None:
    review = _review()
    assert validate(review, 9) == []
    assert review["itemReviewed"]["author"]["@type"] == "Organization"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"statement": ""}, ("error", "claimReviewed")),
        ({"rating_label": ""}, ("error", "reviewRating.alternateName")),
        ({"article_url": "/local/page"}, ("error", "itemReviewed.appearance.url")),
        ({"statement": "x" * 80}, ("warning", "claimReviewed")),
        ({"statement": "This is false: taxes doubled"}, ("warning", "claimReviewed")),
        ({"claimant": ""}, ("warning", "itemReviewed.author")),
        ({"article_url": ""}, ("warning", "itemReviewed.appearance")),
    ],
)
def test_validator(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    assert expected in _levels(_review(**changes))


def test_verdict_word_inside_another_word_is_fine() -> None:
    assert _levels(_review(statement="Falsehoods cost $5bn")) == []


def test_relative_site_url_is_an_error() -> None:
    review = claim_review(
        {
            **_review(),
            "claim_id": 9,
            "statement": "s",
            "rating_label": "False",
            "rating_value": None,
            "claimant": "",
            "claim_date": "",
            "article_url": "",
            "article_title": "",
            "approved_at": "",
        },
        Settings(organisation_url="factdesk.example"),
    )
    assert ("error", "url") in _levels(review)


def test_invalid_claims_are_reported_not_exported(fixed: Engine) -> None:
    with fixed.begin() as connection:
        connection.execute(text("UPDATE claim SET statement = '' WHERE id = 1"))
    feed, issues = claimreview_feed(cli_admin_user(fixed), fixed, settings=SETTINGS)
    assert feed["@graph"] == []
    assert [(i.claim_id, i.level) for i in issues if i.level == "error"] == [(1, "error")]


def test_warnings_still_export(fixed: Engine) -> None:
    long = "Mostly true that " + "the EU sent far more aid than anyone said " * 2
    with fixed.begin() as connection:
        connection.execute(text("UPDATE claim SET statement = :s WHERE id = 1"), {"s": long})
    feed, issues = claimreview_feed(cli_admin_user(fixed), fixed, settings=SETTINGS)
    assert len(feed["@graph"]) == 1
    assert sorted(i.level for i in issues) == ["warning", "warning"]
