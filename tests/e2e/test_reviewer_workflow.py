"""The seed scenario in a real browser: a reviewer's first minutes with the sample article.

Load it, accept two suggestions, create the third claim by a mouse selection, add a
source to each, propose a verdict; then reload and find everything there.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    LISTED_CLAIMS,
    SUGGESTION_CARDS,
    Server,
    drag_select,
    open_claim_tab,
    wait_for_app,
)

TIMEOUT = 20_000


def _accept(page: Page, text: str, claims: int) -> None:
    """Accept the suggestion holding ``text``; the article then has ``claims`` claims."""
    card = page.locator(SUGGESTION_CARDS).filter(has_text=text)
    card.get_by_role("button", name="Accept").click()
    # The claim list grown first, then idle: right after the click the script may not have
    # started yet, and a drag made while it then redraws the article is lost.
    expect(page.locator(LISTED_CLAIMS)).to_have_count(claims, timeout=TIMEOUT)
    wait_for_app(page)


def _open_claim(page: Page, text: str) -> int:
    """Open the listed claim holding ``text``; its id once the panel shows it."""
    listed = page.locator(LISTED_CLAIMS).filter(has_text=text).first
    claim_id = int(listed.get_attribute("data-claim-id"))
    listed.click()
    # The app's own state, not only idle: right after the click the script may not have
    # started yet (still "notRunning"), and while it runs the previous claim's panel stays
    # on the page next to the new one.
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(
        f"Claim #{claim_id} ", timeout=TIMEOUT
    )
    expect(page).to_have_url(re.compile(f"claim={claim_id}"), timeout=TIMEOUT)
    wait_for_app(page)
    return claim_id


def _field(page: Page, key: str):  # type: ignore[no-untyped-def]
    """The input of the widget keyed ``key``: exactly one element, even while a rerun
    keeps the previous claim's form, or the emptied next form, on screen beside it."""
    return page.locator(f".st-key-{key}").locator("input, textarea")


def _attach_source(page: Page, claim_id: int, number: int) -> None:
    open_claim_tab(page, "Evidence")
    form = f"annotate_ev_{claim_id}"  # the claim's first evidence form
    _field(page, f"{form}_url").fill(f"https://example.org/report-{number}")
    _field(page, f"{form}_title").fill(f"Report {number}")
    _field(page, f"{form}_archive").fill(f"https://web.archive.org/report-{number}")
    _field(page, f"{form}_excerpt").fill("The figure appears on page 2.")
    page.locator(f".st-key-FormSubmitter-{form}-Attach-source button").click()
    expect(
        page.locator(".st-key-annotate_claim_panel").get_by_role("tab", name="Evidence (1)")
    ).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    # A successful attach draws an empty form under fresh keys for the next source.
    expect(_field(page, f"{form}_1_url")).to_have_value("", timeout=TIMEOUT)


def test_seed_scenario(app_server: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_server.url)
    wait_for_app(page)
    page.locator(".st-key-welcome_load_sample button").click()
    expect(page.locator(".wb-article")).to_contain_text("coalition of the willing", timeout=TIMEOUT)
    wait_for_app(page)

    _accept(page, "$6.2 billion", 1)
    _accept(page, "€800 billion", 2)

    drag_select(page, "most commonly", "Iraq in 2003")
    new = page.locator(".st-key-annotate_new_claim_panel")
    expect(new.get_by_text("New claim from your selection")).to_be_visible(timeout=TIMEOUT)
    new.get_by_label("Claim statement (the claim in your words)").fill(
        "The “coalition of the willing” is most associated with the 2003 Iraq invasion"
    )
    new.get_by_label("Claimant (who said it)").fill("TROIB News")
    new.get_by_role("button", name="Create claim").click()
    expect(page.locator(LISTED_CLAIMS)).to_have_count(3, timeout=TIMEOUT)
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(
        "Iraq in 2003", timeout=TIMEOUT
    )
    wait_for_app(page)

    for number, text in enumerate(["$6.2 billion", "ReArm Europe", "2003 Iraq invasion"]):
        claim_id = _open_claim(page, text)
        _attach_source(page, claim_id, number)

    open_claim_tab(page, "Verdict")
    form = page.locator(f".st-key-annotate_verdict_box_{claim_id}")
    form.get_by_label("Rationale (required)").fill(
        "Historical record: the term was used for the 2003 invasion coalition."
    )
    form.get_by_role("button", name="Propose verdict").click()
    expect(page.get_by_text("Proposed verdict waiting for an editor")).to_be_visible(
        timeout=TIMEOUT
    )
    wait_for_app(page)

    page.reload()
    wait_for_app(page)
    expect(page.locator(".wb-article mark")).to_have_count(3, timeout=TIMEOUT)
    expect(page.get_by_text("Proposed verdict waiting for an editor")).to_be_visible(
        timeout=TIMEOUT
    )

    stored = json.loads(app_server.cli("claims", "list", "--json"))
    assert sorted(c["state"] for c in stored) == ["in_review", "researching", "researching"]
    third = next(c for c in stored if "Iraq in 2003" in c["quote"])
    assert third["quote"].startswith("most commonly")
    assert third["statement"].startswith("The “coalition of the willing”")
