"""Suggested claims in the article itself (Chromium): a dotted underline with the score and
reasons in the hover title, and a click that opens Accept / Not check-worthy beside the
sentence; both write through the same services as the list, and the sentence loses its
mark."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, wait_for_app
from workbench import claims, db, users
from workbench.models import ClaimState
from workbench.sample import load_sample
from workbench.ui.components.suggestions_panel import SHOWN

TIMEOUT = 20_000


def test_accept_one_suggestion_and_dismiss_another_from_the_text(
    app_server: Server, page: Page
) -> None:
    engine = db.get_engine(app_server.database_url)
    with db.write_session(engine) as session:
        article = load_sample(session, users.builtin_user(session, users.LOCAL_USER))
    page.goto(f"{app_server.url}/annotate?article={article.id}")
    wait_for_app(page)
    marked = page.locator(".wb-article .wb-suggested")
    expect(marked).to_have_count(SHOWN, timeout=TIMEOUT)
    money = marked.filter(has_text="$6.2 billion")
    title = money.first.get_attribute("title") or ""
    assert "Suggested claim · score 0." in title
    assert "Why: a sum of money ($6.2 billion)" in title

    money.first.click()
    choice = page.locator(".wb-choice")
    expect(choice).to_be_visible()
    expect(choice).to_contain_text("a sum of money ($6.2 billion)")
    choice.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Claim #1 created from the suggestion")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text("Claim #1 · new")
    claimed = page.locator(".wb-article mark[data-claim-id]").filter(has_text="$6.2 billion")
    expect(claimed).to_have_count(1, timeout=TIMEOUT)
    expect(money).to_have_count(0)
    expect(choice).to_be_hidden()

    iraq = marked.filter(has_text="Iraq in 2003")
    iraq.first.click()
    expect(choice).to_be_visible()
    choice.get_by_role("button", name="Not check-worthy").click()
    expect(iraq).to_have_count(0, timeout=TIMEOUT)
    dismissed = page.locator(".wb-article mark[data-claim-id]").filter(has_text="Iraq in 2003")
    expect(dismissed).to_have_count(1, timeout=TIMEOUT)
    wait_for_app(page)

    with db.read_session(engine) as session:
        stored = sorted(claims.claims_for_article(session, article.id), key=lambda c: c.id)
    assert [(c.state, c.claimant, "$6.2 billion" in c.quote) for c in stored] == [
        (ClaimState.new, "TROIB News", True),
        (ClaimState.dismissed, "", False),
    ]
    assert "Iraq in 2003" in stored[1].quote
