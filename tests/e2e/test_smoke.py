"""A new user's first minute: open the app, load the sample article, see its title."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, wait_for_app
from workbench.sample import sample_draft


def test_load_sample_article(app_server: Server, page: Page) -> None:
    page.goto(app_server.url)
    wait_for_app(page)
    expect(page.get_by_text("The workbench is empty")).to_be_visible()
    page.locator(".st-key-welcome_load_sample button").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=sample_draft().title)).to_be_visible(timeout=20_000)
    assert "article=" in page.url
