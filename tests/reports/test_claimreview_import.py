"""Other fact-checkers' archives (issue 10, item 6): ClaimReview JSON-LD imported as
read-only, approved claims of theirs, de-duplicated by review address, and named by
"seen before?". Generated reviews in every shape, and hand-written real-world ones
(``tests/reports/data/claimreview_*.json``: a missing author, a rating without a number,
several appearances, a DataFeed, a graph with broken reviews)."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import col, select

from tests.conftest import new_claim
from tests.factories import cli_admin_user, import_as_cli
from workbench import assignments, audit, claims, db, matching, sources, summary, verdicts
from workbench.errors import InvalidInput, PermissionDenied, WorkflowError
from workbench.models import Claim, ClaimState, ExternalReview, Rating, User, Verdict
from workbench.reports import claimreview_import
from workbench.reports.claimreview import claim_review, claimreview_feed
from workbench.reports.claimreview_import import (
    ClaimReviewImport,
    read_claimreview,
    run_claimreview_import,
)
from workbench.reports.csv_export import csv_bytes
from workbench.reports.rating_map import parse_rating_map
from workbench.settings import Settings

DATA = Path(__file__).parent / "data"
POLITIFACT = DATA / "claimreview_politifact.json"
POLITIFACT_URL = (
    "https://www.politifact.com/factchecks/2024/may/02/viral-image/no-the-eu-did-not-ban-cheese/"
)


@pytest.fixture
def importer(engine: Engine, editor: User):
    """Import a file (a path, or JSON as text or an object) as the editor."""

    def run(source: Any, **kw: Any) -> ClaimReviewImport:
        if not isinstance(source, Path | str | bytes):
            source = json.dumps(source)
        return run_claimreview_import(editor, source, engine=engine, source_name="f.json", **kw)

    return run


def _reviews(engine: Engine) -> list[tuple[Any, ...]]:
    """(statement, context, claimant, claim date, state, our rating, their words, publisher,
    url, published) of every imported review, by address."""
    with db.read_session(engine) as session:
        rows = session.exec(
            select(
                Claim.statement,
                Claim.context,
                Claim.claimant,
                Claim.claim_date,
                Claim.state,
                Rating.label,
                Verdict.conclusion,
                ExternalReview.publisher,
                ExternalReview.url,
                ExternalReview.published,
            )
            .join(ExternalReview, col(ExternalReview.claim_id) == Claim.id)
            .join(Verdict, col(Verdict.claim_id) == Claim.id)
            .join(Rating, col(Rating.id) == Verdict.rating_id, isouter=True)
            .order_by(col(ExternalReview.url))
        )
        return [tuple(row) for row in rows]


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()  # noqa: S608


# --- generated reviews, every shape ---------------------------------------------------------

LABELS = ["True", "Mostly true", "Half true", "Mostly false", "False", "Pants on fire"]


def _generated(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """ClaimReview objects as the workbench's own export writes them (``claim_review``)."""
    rng = random.Random(seed)
    settings = Settings(organisation_name="Desk Example", organisation_url="https://desk.example")
    reviews = []
    for n in range(1, count + 1):
        label, animals = rng.choice(LABELS), rng.choice(["cats", "dogs"])
        row = {
            "claim_id": n,
            "statement": f"Claim {n}: {rng.randint(2, 99)} percent of {animals}",
            "rating_label": label,
            "rating_value": 6 - LABELS.index(label),
            "best_rating": 6,
            "worst_rating": 1,
            "claimant": rng.choice(["", "A Senator", "News Corp"]),
            "claim_date": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "article_url": f"https://news.example/{n}",
            "article_title": f"Story {n}",
            "approved_at": "2024-05-02T10:00:00Z",
        }
        reviews.append(claim_review(row, settings))
    return reviews


SHAPES = {
    "one object": lambda reviews: {"@context": "https://schema.org", **reviews[0]},
    "a list": lambda reviews: reviews,
    "a graph": lambda reviews: {"@context": "https://schema.org", "@graph": reviews},
    "a data feed": lambda reviews: {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": reviews[: len(reviews) // 2]},
            *({"@type": "DataFeedItem", "item": r} for r in reviews[len(reviews) // 2 :]),
        ],
    },
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_imports_each_generated_review(engine: Engine, importer, shape: str) -> None:
    generated = _generated(1 if shape == "one object" else 40)
    report = importer(SHAPES[shape](generated))
    assert (report.reviews, report.imported, report.duplicates, report.skipped) == (
        len(generated),
        len(generated),
        0,
        [],
    )
    stored = _reviews(engine)
    assert [r[8] for r in stored] == sorted(g["url"] for g in generated)
    by_url = {g["url"]: g for g in generated}
    for statement, _ctx, claimant, day, state, ours, words, publisher, url, published in stored:
        given = by_url[url]
        assert statement == given["claimReviewed"] and state == ClaimState.approved
        assert ours == words == given["reviewRating"]["alternateName"]
        assert claimant == given["itemReviewed"].get("author", {}).get("name", "")
        assert day == date.fromisoformat(given["itemReviewed"]["datePublished"])
        assert (publisher, published) == ("Desk Example", date(2024, 5, 2))
    with db.read_session(engine) as session:
        assert summary.stored(session) == summary.recount(session)


# --- hand-written, real-world shapes -------------------------------------------------------


def test_a_politifact_review_with_several_appearances(engine: Engine, importer) -> None:
    report = importer(POLITIFACT)
    assert (report.imported, report.unrated, report.skipped) == (1, 0, [])
    assert _reviews(engine) == [
        (
            "The European Union banned the sale of aged cheese in 2024.",
            "No, the EU did not ban aged cheese",
            "Viral image",
            date(2024, 4, 28),
            "approved",
            "False",
            "False",
            "PolitiFact",
            POLITIFACT_URL,
            date(2024, 5, 2),
        )
    ]


def test_a_data_feed_with_missing_authors_and_ratings_without_numbers(
    engine: Engine, importer
) -> None:
    report = importer(DATA / "claimreview_datafeed.json")
    assert (report.reviews, report.imported, report.unrated, report.skipped) == (4, 4, 1, [])
    assert [(r[5], r[6], r[7], r[2], r[9]) for r in _reviews(engine)] == [
        # No author or publisher: the address's host names the fact-checker.
        ("Mostly false", "Mostly False", "checks.example.org", "A congressman", date(2024, 5, 10)),
        ("Pants on fire", "Pants on Fire!", "factcheck.example.com", "", None),
        # A number alone: its place between worst and best, and its words kept.
        ("Pants on fire", "1 on a scale from 1 to 5", "Verify Example", "", None),
        # A label with no place on our scale: kept in their words, without our rating.
        (None, "Four Pinocchios", "The Washington Post", "", date(2024, 5, 9)),
    ]
    assert _reviews(engine)[0][1] == "Do wind turbines kill whales?"  # the review's name


def test_a_rating_map_places_a_publishers_own_labels(engine: Engine, importer) -> None:
    mapping = parse_rating_map("four pinocchios\tFalse\n", "wapo")
    report = importer(DATA / "claimreview_datafeed.json", rating_map=mapping)
    assert report.unrated == 0
    assert ("False", "Four Pinocchios") in [(r[5], r[6]) for r in _reviews(engine)]


def test_a_broken_review_is_skipped_with_its_reason_and_the_others_imported(
    engine: Engine, importer
) -> None:
    report = importer(DATA / "claimreview_graph_with_problems.json")
    assert (report.reviews, report.imported, report.duplicates) == (5, 1, 1)
    assert [(s.position, s.url) for s in report.skipped] == [
        (2, "https://checks.example.org/no-claim"),
        (3, "javascript:alert(1)"),
        (4, "https://checks.example.org/no-rating"),
    ]
    reasons = [s.reason for s in report.skipped]
    assert "no claimReviewed" in reasons[0]
    assert "full web address" in reasons[1]
    assert "no rating" in reasons[2]
    assert [r[0] for r in _reviews(engine)] == ["Bananas are berries."]
    lines = report.describe().splitlines()
    assert lines[0] == (
        "Imported 1 of 5 reviews from f.json: 1 already stored or earlier in the file, 3 skipped."
    )
    assert lines[1].startswith("review 2 (https://checks.example.org/no-claim): ")


def test_a_statement_too_long_for_a_claim_is_skipped(engine: Engine, importer) -> None:
    [review] = _generated(1)
    report = importer({**review, "claimReviewed": "word " * 500})
    assert report.imported == 0
    assert "Claim statement is too long" in report.skipped[0].reason


# --- duplicates, refusals, permissions ------------------------------------------------------


def test_importing_again_adds_nothing_and_changes_nothing(engine: Engine, importer) -> None:
    generated = _generated(5)
    first = importer(generated)
    before = _reviews(engine), _count(engine, "audit_event")
    changed = [{**r, "claimReviewed": "Reworded since"} for r in generated]
    again = importer([*changed, generated[0]])
    assert (first.imported, again.imported, again.duplicates) == (5, 0, 6)
    assert (_reviews(engine), _count(engine, "audit_event")) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "is not JSON (line 1, column 2"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"@type": "WebPage", "url": "https://a.example"}', "holds no ClaimReview"),
        (b"[]", "holds no ClaimReview"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_file_is_refused_whole(engine: Engine, importer, data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        importer(data)
    assert _count(engine, "claim") == 0


def test_a_file_too_big_is_refused_before_it_is_read_whole(
    engine: Engine, importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claimreview_import, "MAX_BYTES", 1000)
    with pytest.raises(InvalidInput, match="larger than"):
        importer(json.dumps(_generated(20)))
    assert _count(engine, "claim") == 0


def test_only_editors_import_and_a_dry_run_writes_nothing(
    engine: Engine, importer, reviewer: User
) -> None:
    with pytest.raises(PermissionDenied):
        run_claimreview_import(reviewer, POLITIFACT, engine=engine)
    dry = importer(POLITIFACT, dry_run=True)
    assert (dry.imported, dry.claim_ids, _count(engine, "claim")) == (1, [], 0)
    assert dry.describe().startswith("Would import 1 of 1 reviews")


def test_each_imported_review_is_audited(engine: Engine, importer, editor: User) -> None:
    [claim_id] = importer(POLITIFACT).claim_ids
    with db.read_session(engine) as session:
        [event] = audit.claim_history(session, claim_id)
    assert (event.action, event.actor_name) == ("import", editor.name)
    assert event.changes == {
        "imported_from": [None, "f.json, review 1"],
        "review_url": [None, POLITIFACT_URL],
        "publisher": [None, "PolitiFact"],
        "rating": [None, "False"],
        "rating_label": [None, "False"],
    }


# --- read-only, and what the desk sees of them ----------------------------------------------


def test_an_imported_review_is_read_only(
    engine: Engine, importer, editor: User, reviewer: User, article
) -> None:
    [claim_id] = importer(POLITIFACT).claim_ids
    with db.read_session(engine) as session:
        version = claims.get_claim(session, claim_id).version
    writes = [
        lambda s: claims.update_claim(s, editor, claim_id, version, claimant="Someone"),
        lambda s: claims.move_claim(s, editor, claim_id, version, "dismissed"),
        lambda s: verdicts.propose_correction(
            s, editor, claim_id, version, rating_id=None, rationale="A long reason.", reason="x"
        ),
        lambda s: assignments.assign_claim(s, editor, claim_id, version, reviewer.id),
        lambda s: sources.attach_source(
            s,
            editor,
            claim_id,
            sources.add_source(s, editor, sources.SourceDraft("https://a.example/s")).id,
            stance="supports",
        ),
    ]
    for write in writes:
        with pytest.raises(WorkflowError, match="is PolitiFact's published review"):
            with db.write_session(engine) as session:
                write(session)
    assert _count(engine, "evidence") == 0
    # A claim of the desk's own may say it repeats theirs.
    repeat = new_claim(engine, reviewer, article, repeat_of_id=claim_id)
    assert repeat.repeat_of_id == claim_id


def test_seen_before_says_who_rated_it_what_and_when(engine: Engine, importer) -> None:
    importer(POLITIFACT)
    with db.read_session(engine) as session:
        [match] = matching.seen_before(session, "EU banned the sale of aged cheese")
    assert match.rated() == "PolitiFact rated this False on 2024-05-02"
    assert (match.review_url, match.publisher, match.review_rating) == (
        POLITIFACT_URL,
        "PolitiFact",
        "False",
    )
    assert (match.context, match.rating_label, match.url) == (
        "No, the EU did not ban aged cheese",
        "False",
        "",
    )


def test_an_undated_review_says_no_day(engine: Engine, importer) -> None:
    importer(DATA / "claimreview_datafeed.json")
    with db.read_session(engine) as session:
        [match] = matching.seen_before(session, "moon landing filmed in a studio")
    assert match.rated() == "factcheck.example.com rated this Pants on Fire!"
    assert match.checked_on is None


def test_reviews_are_never_in_our_feed_and_stay_theirs_in_the_report(
    engine: Engine, importer, editor: User
) -> None:
    importer(POLITIFACT)
    feed, issues = claimreview_feed(editor, engine)
    assert (feed["@graph"], issues) == ([], [])
    report = csv_bytes(editor, engine)
    [row] = csv.DictReader(io.StringIO(report.decode(), newline=""))
    assert (row["publisher"], row["review_url"], row["rating_label"], row["approved_at"]) == (
        "PolitiFact",
        POLITIFACT_URL,
        "False",
        "",
    )
    assert row["context"] == "No, the EU did not ban aged cheese"
    # The same report imported again changes nothing; into an empty desk it creates no
    # claim of ours from their review.
    assert import_as_cli(engine, report).unchanged == 1
    with engine.begin() as connection:
        for table in ("audit_event", "external_review", "verdict", "claim"):
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    again = import_as_cli(engine, report)
    assert (again.created, again.skipped, again.errors) == (0, 1, [])
    assert "other fact-checkers' reviews" in again.notes[0]


def test_reading_finds_reviews_in_order_and_nothing_else() -> None:
    found = read_claimreview(DATA / "claimreview_datafeed.json")
    assert [r.position for r in found] == [1, 2, 3, 4]
    assert [r.data["url"] for r in found][:2] == [
        "https://checks.example.org/2024/05/10/wind-turbines-whales",
        "https://www.washingtonpost.com/politics/2024/05/09/biden-jobs/",
    ]


def test_the_cli_user_imports_too(engine: Engine) -> None:
    report = run_claimreview_import(cli_admin_user(engine), POLITIFACT, engine=engine)
    assert report.imported == 1
    with db.read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(ExternalReview)).one() == 1
