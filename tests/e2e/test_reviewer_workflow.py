"""The seed scenario in a real browser: a reviewer's first minutes with the sample article.

Load it, accept two suggestions, create the third claim by a mouse selection, add a
source to each, propose a verdict; then reload and find everything there.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, drag_select, wait_for_app

TIMEOUT = 20_000


def _accept(page: Page, text: str, claims: int) -> None:
    """Accept the suggestion holding ``text``; the article then has ``claims`` claims."""
    card = page.locator("[class*='st-key-annotate_suggestion_']").filter(has_text=text)
    card.get_by_role("button", name="Accept").click()
    # The claim list grown first, then idle: right after the click the script may not have
    # started yet, and a drag made while it then redraws the article is lost.
    expect(page.locator("[class*='st-key-annotate_open_']")).to_have_count(claims,
                                                                           timeout=TIMEOUT)
    wait_for_app(page)


def _open_claim(page: Page, text: str) -> None:
    page.locator("[class*='st-key-annotate_open_']").filter(has_text=text).first.click()
    # Content first, then idle: right after the click the script may not have started yet
    # (still "notRunning"), and while it runs the previous claim's form stays on the page
    # as a stale element next to the new one.
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(text, timeout=TIMEOUT)
    wait_for_app(page)


def _attach_source(page: Page, number: int) -> None:
    panel = page.locator(".st-key-annotate_claim_panel")
    panel.get_by_role("tab", name=re.compile("Evidence")).click()
    claim_id = re.search(r"claim=(\d+)", page.url).group(1)
    # Scoped to this claim's form: a rerun may briefly keep the previous claim's form.
    form = page.locator(f".st-key-annotate_evidence_{claim_id}")
    form.get_by_label("Source URL").fill(f"https://example.org/report-{number}")
    form.get_by_label("Title", exact=True).fill(f"Report {number}")
    form.get_by_label("Archived copy URL").fill(f"https://web.archive.org/report-{number}")
    form.get_by_label("Relevant excerpt").fill("The figure appears on page 2.")
    form.get_by_role("button", name="Attach source").click()
    expect(panel.get_by_role("tab", name="Evidence (1)")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    expect(form.get_by_label("Source URL")).to_have_value("")  # emptied for the next one


def test_seed_scenario(app_server: Server, page: Page) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_server.url)
    wait_for_app(page)
    page.locator(".st-key-welcome_load_sample button").click()
    wait_for_app(page)
    expect(page.locator(".wb-article")).to_contain_text("coalition of the willing",
                                                         timeout=TIMEOUT)

    _accept(page, "$6.2 billion", 1)
    _accept(page, "€800 billion", 2)

    drag_select(page, "most commonly", "Iraq in 2003")
    expect(page.get_by_text("New claim from your selection")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Claim statement (the claim in your words)").fill(
        "The “coalition of the willing” is most associated with the 2003 Iraq invasion")
    page.get_by_label("Claimant (who said it)").fill("TROIB News")
    page.get_by_role("button", name="Create claim").click()
    wait_for_app(page)
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text("Iraq in 2003",
                                                                          timeout=TIMEOUT)

    for number, text in enumerate(["$6.2 billion", "ReArm Europe", "2003 Iraq invasion"]):
        _open_claim(page, text)
        _attach_source(page, number)

    panel = page.locator(".st-key-annotate_claim_panel")
    panel.get_by_role("tab", name="Verdict").click()
    claim_id = re.search(r"claim=(\d+)", page.url).group(1)
    panel = page.locator(f".st-key-annotate_verdict_box_{claim_id}")
    panel.get_by_label("Rationale (required)").fill(
        "Historical record: the term was used for the 2003 invasion coalition.")
    panel.get_by_role("button", name="Propose verdict").click()
    wait_for_app(page)

    page.reload()
    wait_for_app(page)
    expect(page.locator(".wb-article mark")).to_have_count(3, timeout=TIMEOUT)
    expect(page.get_by_text("Proposed verdict waiting for an editor")).to_be_visible()

    stored = json.loads(app_server.cli("claims", "list", "--json"))
    assert sorted(c["state"] for c in stored) == ["in_review", "researching", "researching"]
    third = next(c for c in stored if "Iraq in 2003" in c["quote"])
    assert third["quote"].startswith("most commonly")
    assert third["statement"].startswith("The “coalition of the willing”")
