"""A corrected article in a real browser: the reviewer stores the new version (a figure
changed) from the Articles page, finds the claim on that figure under "Needs review" in
Annotate, drawn dashed at its proposed place, confirms it with one click and sees it
anchored in the new version."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, wait_for_app
from workbench import articles, claims, db, users
from workbench.models import AnchorStatus, Claim

TIMEOUT = 20_000
OLD = (
    "City budget grows again\n\nThe council spent $6.2 billion on roads in 2024, officials "
    "said on Monday. The mayor said the budget would grow next year because tax income "
    "rose.\n\nThe vote is expected in March after two public hearings."
)
NEW = OLD.replace("$6.2 billion", "$6.4 billion")
QUOTE = "The council spent $6.2 billion on roads"


def _seed(server: Server) -> tuple[int, int]:
    engine = db.get_engine(server.database_url)
    with db.write_session(engine) as session:
        local = users.builtin_user(session, users.LOCAL_USER)
        article = articles.add_article(
            session, local, articles.ArticleDraft(title="City budget", body=OLD)
        )
        claim = claims.create_claim(
            session,
            local,
            claims.ClaimDraft(
                article_id=article.id, start=OLD.index(QUOTE), end=OLD.index(QUOTE) + len(QUOTE)
            ),
        )
        return article.id, claim.id


def test_a_corrected_figure_is_confirmed_in_one_click(app_server: Server, page: Page) -> None:
    article_id, claim_id = _seed(app_server)
    page.goto(f"{app_server.url}/articles?article={article_id}")
    wait_for_app(page)
    page.get_by_label("The article's new text").fill(NEW)
    page.get_by_label("Why a new version (optional)").fill("The outlet corrected the figure")
    page.get_by_role("button", name="Store new version").click()
    wait_for_app(page)
    expect(
        page.get_by_text("Version 2 stored: 0 claims moved, 1 need review, 0 unplaced")
    ).to_be_visible(timeout=TIMEOUT)

    page.get_by_role("link", name="Review the claims in Annotate").click()
    wait_for_app(page)
    expect(page.get_by_text("Needs review (1)")).to_be_visible(timeout=TIMEOUT)
    proposed = page.locator(f".wb-article mark.wb-proposed[data-claim-id='{claim_id}']")
    expect(proposed).to_have_text("The council spent $6.4 billion on roads", timeout=TIMEOUT)

    page.locator(f".st-key-annotate_review_{claim_id}").get_by_role(
        "button", name="Confirm proposed place"
    ).click()
    wait_for_app(page)
    expect(page.get_by_text("Needs review (1)")).to_have_count(0, timeout=TIMEOUT)
    placed = page.locator(f".wb-article mark[data-claim-id='{claim_id}']")
    expect(placed).to_have_text("The council spent $6.4 billion on roads", timeout=TIMEOUT)
    expect(placed).not_to_have_class(re.compile(r"\bwb-proposed\b"), timeout=TIMEOUT)
    with db.read_session(db.get_engine(app_server.database_url)) as session:
        claim = session.get(Claim, claim_id)
        assert (claim.anchor_status, claim.article_version) == (AnchorStatus.anchored, 2)
