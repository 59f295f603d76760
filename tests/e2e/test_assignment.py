"""Assignment in two real browsers: the editor gives an article to a reviewer on the
Articles page, the reviewer finds its claim under the Claims filter "Assigned to me", and
the Dashboard's drill-down from a chart in its third tab opens in a dialog over the
charts with the bar and the tab in the URL (a reload reopens both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import new_claim
from tests.e2e.conftest import (
    Server,
    open_dropdown,
    open_expander,
    sample_desk,
    signed_in_page,
    wait_for_app,
)
from workbench import assignments, db
from workbench.models import Role

TIMEOUT = 20_000


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Server]:
    """Editor eddie, reviewer rita, the sample article with two claims: one nobody holds
    (it follows the article) and eddie's own (it stays with him)."""
    with sample_desk(tmp_path / "desk.sqlite3", {"eddie": Role.editor, "rita": Role.reviewer}) as (
        server,
        article,
        eddie,
    ):
        engine = db.get_engine(server.database_url)
        free = new_claim(engine, eddie, article)
        new_claim(engine, eddie, article, text="Ursula von der Leyen")
        with db.write_session(engine) as session:
            assignments.assign_claim(session, eddie, free.id, free.version, None)
        yield server


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the select box ``key``."""
    open_dropdown(page, key)
    page.get_by_role("listbox").get_by_role("option", name=option, exact=True).click()


def test_assign_an_article_then_find_it_and_drill_down(desk: Server, browser: Browser) -> None:
    eddie = signed_in_page(browser, desk, "eddie")
    eddie.goto(f"{desk.url}/articles")
    wait_for_app(eddie)
    open_expander(eddie, "Assign an article to a reviewer", "articles_assign_to")
    choose(eddie, "articles_assign_to", "rita")
    eddie.locator(".st-key-articles_assign").get_by_role("button").click()
    wait_for_app(eddie)
    expect(eddie.get_by_text("is now with rita")).to_be_visible(timeout=TIMEOUT)
    expect(eddie.get_by_text("· with rita")).to_be_visible(timeout=TIMEOUT)

    rita = signed_in_page(browser, desk, "rita")
    rita.goto(f"{desk.url}/claims")
    wait_for_app(rita)
    expect(rita.get_by_text("2 claims · page 1 of 1")).to_be_visible(timeout=TIMEOUT)
    choose(rita, "claims_assignee", "Assigned to me")
    expect(rita.get_by_text("1 claims · page 1 of 1")).to_be_visible(timeout=TIMEOUT)

    eddie.goto(f"{desk.url}/dashboard")
    wait_for_app(eddie)
    tab = eddie.locator(".st-key-dash_tab").get_by_role("tab", name="Outlets", exact=True)
    tab.click()
    bar = eddie.locator(".st-key-dash_chart_outlet .point path").first
    expect(bar).to_be_attached(timeout=TIMEOUT)  # drawn by the rerun the tab started
    wait_for_app(eddie)
    bar.evaluate("element => element.scrollIntoView({block: 'center'})")
    box = bar.bounding_box()
    assert box is not None
    # Plotly's drag layer sits above the bars: click where the bar is, not on it.
    eddie.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_app(eddie)
    dialog = eddie.get_by_role("dialog")
    expect(dialog.get_by_text("Claims: outlet = TROIB News")).to_be_visible(timeout=TIMEOUT)
    assert "dash_drill=outlet" in eddie.url and "dash_tab=Outlets" in eddie.url
    eddie.goto(eddie.url)  # a reload (or the link sent to a colleague) reopens it
    wait_for_app(eddie)
    expect(eddie.get_by_role("dialog").get_by_text("Claims: outlet = TROIB News")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(eddie.locator(".st-key-dash_chart_outlet")).to_be_attached()
    expect(eddie.locator(".st-key-dash_chart_rating")).to_have_count(0)  # the first tab's
    expect(eddie.get_by_text("Open claims per reviewer")).to_be_attached()
