"""Rough edges that lost work or links (issue 15, items 5, 6 and 7), in a real browser: a
link opened while signed out lands exactly there after signing in; a reviewer at an
editor page's address is told whom it is for; a refused evidence form keeps every typed
field, and its stance cannot be unset."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD, new_claim
from tests.e2e.conftest import (
    Server,
    open_claim_tab,
    sample_desk,
    signed_in_page,
    wait_for_app,
)
from workbench import db, sources
from workbench.models import Role

TIMEOUT = 20_000
NOT_FOUND = "Page not found"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Server, int, int]]:
    """Reviewer rita, editor eddie, and one claim on the sample article."""
    with sample_desk(tmp_path / "desk.sqlite3", {"rita": Role.reviewer, "eddie": Role.editor}) as (
        server,
        article,
        rita,
    ):
        claim = new_claim(db.get_engine(server.database_url), rita, article)
        yield server, article.id, claim.id


def test_a_link_opened_signed_out_lands_there_after_sign_in(
    desk: tuple[Server, int, int], page: Page
) -> None:
    server, article_id, claim_id = desk
    link = f"/annotate?article={article_id}&claim={claim_id}"
    page.goto(server.url + link)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to the claim workbench")).to_be_visible()
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)

    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", "not the password")
    page.click("form[action='/auth/login'] button[type=submit]")
    wait_for_app(page)
    expect(page.get_by_text("Wrong user name or password")).to_be_visible(timeout=TIMEOUT)
    page.fill("input[name=username]", "rita")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/auth/login'] button[type=submit]")
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(
        f"Claim #{claim_id} ", timeout=TIMEOUT
    )
    wait_for_app(page)
    assert page.url == server.url + link
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)


def test_a_reviewer_at_an_editor_page_is_told_whom_to_ask(
    desk: tuple[Server, int, int], browser: Browser
) -> None:
    server, _article_id, _claim_id = desk
    page = signed_in_page(browser, server, "rita")
    page.goto(f"{server.url}/review")
    wait_for_app(page)
    expect(
        page.get_by_text(
            "The Review queue page is part of the Desk pages, which are for editors and admins."
        )
    ).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(re.compile(r"ask one of them — eddie —"))).to_be_visible()
    expect(page.get_by_text(NOT_FOUND)).to_have_count(0)
    expect(page.get_by_text("does not seem to exist")).to_have_count(0)


def test_a_refused_evidence_form_keeps_every_field_and_its_stance(
    desk: tuple[Server, int, int], browser: Browser
) -> None:
    server, article_id, claim_id = desk
    page = signed_in_page(browser, server, "rita")
    page.goto(f"{server.url}/annotate?article={article_id}&claim={claim_id}")
    wait_for_app(page)
    open_claim_tab(page, "Evidence")
    form = page.locator(f".st-key-annotate_evidence_{claim_id}")
    typed = {
        "Source URL": "council report, page 2",
        "Title": "The Council's report",
        "Publisher": "European Council",
        "Relevant excerpt": "The figure is on page 2.",
    }
    for label, text in typed.items():
        form.get_by_label(label, exact=True).fill(text)
    refutes = form.get_by_role("radiogroup", name="Stance").get_by_role("radio", name="refutes")
    refutes.click()
    refutes.click()  # the chosen stance again: it stays chosen
    expect(refutes).to_be_checked()

    form.get_by_role("button", name="Attach source").click()
    expect(form.get_by_text("web address")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    for label, text in typed.items():
        expect(form.get_by_label(label, exact=True)).to_have_value(text)
    expect(refutes).to_be_checked()

    form.get_by_label("Source URL", exact=True).fill("https://example.org/council-report")
    form.get_by_role("button", name="Attach source").click()
    expect(
        page.locator(".st-key-annotate_claim_panel").get_by_role("tab", name="Evidence (1)")
    ).to_be_visible(timeout=TIMEOUT)
    with db.read_session(db.get_engine(server.database_url)) as session:
        [(evidence, source)] = sources.evidence_for_claim(session, claim_id)
    assert (evidence.stance, evidence.excerpt) == ("refutes", "The figure is on page 2.")
    assert (source.url, source.publisher) == (
        "https://example.org/council-report",
        "European Council",
    )
