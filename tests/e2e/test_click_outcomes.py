"""A stored write is always confirmed on the page, and a click right after it does not drop
it (docs/reruns.md): writes run in callbacks, confirmations are part of the rendered page
(not a toast that hides itself after a few seconds), and a claim click re-renders the panel
and the article without reloading the whole page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import new_claim
from tests.e2e.conftest import Server, listed_claim, wait_for_app
from workbench import claims, db, users
from workbench.sample import load_sample

TIMEOUT = 20_000


def two_claims(server: Server) -> tuple[int, int, int]:
    engine = db.get_engine(server.database_url)
    with db.write_session(engine) as session:
        article = load_sample(session, users.builtin_user(session, users.LOCAL_USER))
    with db.read_session(engine) as session:
        local = users.find_user(session, users.LOCAL_USER)
    first = new_claim(engine, local, article)
    second = new_claim(engine, local, article, text="coalition of the willing")
    return article.id, first.id, second.id


def test_save_then_quick_claim_click_is_stored_and_confirmed(
    app_server: Server, page: Page
) -> None:
    article_id, first, second = two_claims(app_server)
    page.goto(f"{app_server.url}/annotate?article={article_id}&claim={first}")
    wait_for_app(page)
    panel = page.locator(".st-key-annotate_claim_panel")
    panel.get_by_role("textbox", name="Claimant", exact=True).fill("Council spokesperson")
    panel.get_by_role("button", name="Save claim").click()
    page.locator(listed_claim(second)).click()  # no wait in between
    expect(panel).to_contain_text(f"Claim #{second} ", timeout=TIMEOUT)
    expect(page.get_by_text(f"Claim #{first} saved (version 2)")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    with db.read_session(db.get_engine(app_server.database_url)) as session:
        assert claims.get_claim(session, first).claimant == "Council spokesperson"
    assert f"claim={second}" in page.url  # the URL follows the fragment's selection


def test_clicking_a_highlight_selects_its_claim(app_server: Server, page: Page) -> None:
    article_id, first, second = two_claims(app_server)
    page.goto(f"{app_server.url}/annotate?article={article_id}&claim={first}")
    wait_for_app(page)
    page.locator(f".wb-article mark[data-claim-id='{second}']").first.click()
    panel = page.locator(".st-key-annotate_claim_panel")
    expect(panel).to_contain_text(f"Claim #{second} ", timeout=TIMEOUT)
    expect(
        page.locator(f".wb-article mark.wb-selected[data-claim-id='{second}']").first
    ).to_be_visible(timeout=TIMEOUT)
    assert f"claim={second}" in page.url
