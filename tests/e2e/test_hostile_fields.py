"""Every user-controlled field holds hostile markup, and every page stays inert in Chromium.

The data is stored through the services (bypassing the UI's own checks, with values the
services accept), then the URLs are overwritten with ``javascript:`` straight in the
database, as an old or imported row might hold them. Each page is opened, with the
annotate page's claim panels and tabs and the dashboard's drill-down; the browser must
send no request outside the app's origin, open no dialog and show no ``javascript:``
link or link to the attacker's host, while the payloads are visible as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import (
    Server,
    open_claim_tab,
    open_dropdown,
    require_browser,
    serving_app,
    signed_in_page,
    wait_for_app,
)
from tests.hostile_data import ATTACKER, Hostile, marker, seed_hostile
from workbench import db

SHOWN = 20_000  # ms; the page is idle, but a busy CI machine draws dropdowns slowly


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[tuple[Server, Hostile]]:
    require_browser()
    with serving_app(tmp_path / "hostile.sqlite3") as server:
        yield server, seed_hostile(db.get_engine(server.database_url))


@dataclass
class Watch:
    """Everything the browser did that it must not do, per page visited."""

    origin: str
    external: list[str]
    dialogs: list[str]

    def attach(self, page: Page) -> None:
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _request(self, request) -> None:  # type: ignore[no-untyped-def]
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.origin:
            self.external.append(request.url)

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def open_tab(page: Page, name: str) -> None:
    open_claim_tab(page, name)


def show(
    page: Page | Locator, text: str | re.Pattern[str], problems: list[str], where: str = ""
) -> None:
    """The payload is on screen as text (so the test proves it was rendered, not hidden)."""
    try:
        expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=SHOWN)
    except AssertionError:
        problems.append(f"{where}: not shown as text: {getattr(text, 'pattern', text)}")


def inert(page: Page, where: str, problems: list[str]) -> None:
    """No clickable javascript: link and no link to the attacker's host on this page, in
    HTML or in SVG (Plotly draws ``<a xlink:href>``)."""
    hrefs = page.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href') ?? "
        "a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '')"
    )
    bad = [h for h in hrefs if h.strip().lower().startswith("javascript") or ATTACKER in h]
    if bad:
        problems.append(f"{where}: links {bad}")


def click_first_bar(page: Page, chart: Locator, problems: list[str]) -> None:
    """Plotly's drag layer sits above the bars, so click where the bar is, not on it."""
    bar = chart.locator(".point path").first
    try:
        bar.evaluate("element => element.scrollIntoView({block: 'center'})", timeout=SHOWN)
    except PlaywrightError:
        problems.append("dashboard: no bar to click")
        return
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_app(page)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def test_hostile_fields_render_inert_on_every_page(
    hostile: tuple[Server, Hostile], browser: Browser
) -> None:
    server, hostile_ids = hostile
    page = signed_in_page(browser, server, "ada")
    watch = Watch(urlsplit(server.url).netloc, [], [])
    watch.attach(page)
    problems: list[str] = []
    show(page, marker("dname"), problems)  # the sidebar's "signed in as"

    visit(page, server.url)
    inert(page, "my work", problems)
    visit(page, f"{server.url}/welcome")
    show(page, marker("title"), problems, "welcome")
    inert(page, "welcome", problems)

    visit(page, f"{server.url}/articles")
    show(page, marker("outlet"), problems, "articles")
    inert(page, "articles", problems)

    annotate = f"{server.url}/annotate?article={hostile_ids.article_id}"
    visit(page, f"{annotate}&claim={hostile_ids.returned_claim}")
    for text in ("title", "author", "comment", "returned"):
        show(page, marker(text), problems)
    for tab in ("Evidence", "Verdict", "Corrections", "History"):
        open_tab(page, tab)
    inert(page, "annotate (returned claim)", problems)
    visit(page, f"{annotate}&claim={hostile_ids.corrected_claim}")
    show(page, marker("cconclusion0"), problems)  # the published correction
    show(page, marker("cconclusion1"), problems)  # the correction waiting for review
    for tab in ("Evidence", "Corrections", "History"):
        open_tab(page, tab)
    inert(page, "annotate (corrected claim)", problems)

    visit(page, f"{server.url}/claims")
    open_dropdown(page, "claims_outlet")
    show(page, marker("outlet"), problems, "claims outlet filter")
    page.keyboard.press("Escape")
    inert(page, "claims", problems)

    visit(page, f"{server.url}/review")
    for text in ("conclusion-pending", "reason1", "rationale-pending"):
        show(page, marker(text), problems)
    inert(page, "review", problems)

    visit(page, f"{server.url}/dashboard?dash_tab=Claimants+and+tags")  # the claimants' tab
    chart = page.locator(".st-key-dash_chart_claimant")
    show(chart, f"{ATTACKER}/claimant", problems)
    click_first_bar(page, chart, problems)
    show(page, "Claims: claimant =", problems)
    inert(page, "dashboard", problems)

    visit(page, f"{server.url}/reports")
    inert(page, "reports", problems)
    visit(page, f"{server.url}/users")
    inert(page, "users", problems)

    print(
        f"external requests: {len(watch.external)}; dialogs: {len(watch.dialogs)}; "
        f"links: {problems}"
    )
    assert watch.external == [], f"{len(watch.external)} requests left the app: {watch.external}"
    assert watch.dialogs == []
    assert problems == []
