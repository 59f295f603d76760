"""Acceptance steps 5 and 6 in two real browsers: a reviewer proposes, the editor returns it
with a comment, the reviewer sees the comment and proposes again, the editor approves; the
dashboard counts the published verdict and the CSV report downloads with every field."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import new_claim
from tests.e2e.conftest import (
    Server,
    open_claim_tab,
    open_expander,
    sample_desk,
    signed_in_page,
    wait_for_app,
)
from workbench import db, sources
from workbench.models import Role

TIMEOUT = 20_000
COMMENT = "Please cite the Council's own figure."


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Server, int, int]]:
    """Reviewer rita and editor eddie; one claim with two independent sources."""
    with sample_desk(tmp_path / "desk.sqlite3", {"rita": Role.reviewer, "eddie": Role.editor}) as (
        server,
        article,
        rita,
    ):
        engine = db.get_engine(server.database_url)
        claim = new_claim(engine, rita, article, claimant="EU officials")
        with db.write_session(engine) as session:
            for n in range(2):
                source = sources.add_source(
                    session,
                    rita,
                    sources.SourceDraft(
                        url=f"https://example.org/aid-{n}", archive_url=f"https://archive.org/{n}"
                    ),
                )
                sources.attach_source(session, rita, claim.id, source.id, stance="refutes")
        yield server, article.id, claim.id


def propose(page: Page, server: Server, article_id: int, claim_id: int, rationale: str) -> None:
    page.goto(f"{server.url}/annotate?article={article_id}&claim={claim_id}")
    wait_for_app(page)
    open_claim_tab(page, "Verdict")
    form = page.locator(f".st-key-annotate_verdict_box_{claim_id}")
    form.get_by_label("Rationale (required)").fill(rationale)
    form.get_by_role("button", name="Propose verdict").click()
    wait_for_app(page)
    expect(page.get_by_text("Proposed verdict waiting for an editor")).to_be_visible(
        timeout=TIMEOUT
    )


def open_queue(page: Page, server: Server):  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/review")
    wait_for_app(page)
    item = page.locator("[class*='st-key-review_item_']").first
    expect(item).to_contain_text("$6.2 billion", timeout=TIMEOUT)
    return item


def test_return_then_approve_then_dashboard_and_csv(desk, browser: Browser) -> None:
    server, article_id, claim_id = desk
    reviewer = signed_in_page(browser, server, "rita")
    editor = signed_in_page(browser, server, "eddie")

    propose(reviewer, server, article_id, claim_id, "Reports differ on the amount.")
    item = open_queue(editor, server)
    item.get_by_label("Comment for the reviewer (required to return)").fill(COMMENT)
    item.get_by_role("button", name="Return with comment").click()
    wait_for_app(editor)

    reviewer.reload()
    wait_for_app(reviewer)
    expect(reviewer.get_by_text(f"Returned by the editor: {COMMENT}")).to_be_visible(
        timeout=TIMEOUT
    )
    propose(reviewer, server, article_id, claim_id, "The Council's release gives €5.9bn.")

    item = open_queue(editor, server)
    item.get_by_role("button", name=re.compile("^Approve$")).click()
    # The card reruns alone and shows the outcome in its place; the page catches up later.
    expect(editor.get_by_text("approved and published")).to_be_visible(timeout=TIMEOUT)
    editor.reload()
    wait_for_app(editor)
    expect(editor.get_by_text("Nothing waiting for review.")).to_be_visible(timeout=TIMEOUT)

    editor.goto(f"{server.url}/dashboard")
    wait_for_app(editor)
    published = editor.locator("[data-testid='stMetric']").filter(has_text="Published verdicts")
    expect(published).to_contain_text("1", timeout=TIMEOUT)
    # Current figures: while a recount is under way the page polls, then reruns in full.
    expect(editor.get_by_text("Updating the figures…")).to_have_count(0, timeout=TIMEOUT)
    wait_for_app(editor)

    open_expander(editor, "CSV report of these claims", "dash_csv_download")
    with editor.expect_download() as download:
        editor.get_by_role("button", name="Download the CSV report").click()
    data = Path(download.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == 1
    row = rows[0]
    assert row["claim_id"] == str(claim_id) and row["state"] == "approved"
    assert row["rationale"] == "The Council's release gives €5.9bn."
    assert row["approver"] == "eddie" and row["reviewer"] == "rita"
    assert row["independent_source_count"] == "2"
    assert row["archive_urls"] == "https://archive.org/0 | https://archive.org/1"
    assert row["quote"] == "valued at least at $6.2 billion"
