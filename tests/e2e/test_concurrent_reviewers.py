"""Two reviewers in two browsers on one article (issue 15, items 12 and 13): a claim
reopened after a colleague's save shows the stored version, and a suggestion accepted on
a page that was out of date opens the colleague's claim instead of making a second one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from tests.conftest import new_claim
from tests.e2e.conftest import (
    LISTED_CLAIMS,
    SUGGESTION_CARDS,
    Server,
    listed_claim,
    sample_desk,
    signed_in_page,
    wait_for_app,
)
from workbench import claims, db, users
from workbench.models import Article, Claim, Role

TIMEOUT = 20_000


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Server, Article]]:
    """Reviewers anna and ben, and the sample article."""
    with sample_desk(tmp_path / "desk.sqlite3", {"anna": Role.reviewer, "ben": Role.reviewer}) as (
        server,
        article,
        _anna,
    ):
        yield server, article


def _open(page: Page, server: Server, article_id: int, claim_id: int | None = None) -> None:
    query = f"article={article_id}" + (f"&claim={claim_id}" if claim_id else "")
    page.goto(f"{server.url}/annotate?{query}")
    wait_for_app(page)


def _click_claim(page: Page, claim_id: int) -> None:
    """Open the claim from the list and wait for its own form (the app's state), not idle."""
    page.locator(listed_claim(claim_id)).click()
    expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(
        f"Claim #{claim_id} ", timeout=TIMEOUT
    )
    wait_for_app(page)


def _claimant(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".st-key-annotate_claim_panel").get_by_role(
        "textbox", name="Claimant", exact=True
    )


def test_a_reopened_claim_shows_the_colleagues_save(
    desk: tuple[Server, Article], browser: Browser
) -> None:
    server, article = desk
    article_id = article.id
    engine = db.get_engine(server.database_url)
    with db.read_session(engine) as session:
        anna = users.find_user(session, "anna")
    three = new_claim(engine, anna, article, claimant="EU officials")
    two = new_claim(engine, anna, article, text="coalition of the willing")
    a, b = signed_in_page(browser, server, "anna"), signed_in_page(browser, server, "ben")

    _open(a, server, article_id, three.id)
    expect(_claimant(a)).to_have_value("EU officials")
    _claimant(a).fill("typed by anna, never saved")
    _click_claim(a, two.id)  # anna leaves claim 3: her unsaved text goes with it

    _open(b, server, article_id, three.id)
    _claimant(b).fill("European Commission")
    b.locator(".st-key-annotate_claim_panel").get_by_role("button", name="Save claim").click()
    expect(b.get_by_text(f"Claim #{three.id} saved (version 2)")).to_be_visible(timeout=TIMEOUT)

    _click_claim(a, three.id)
    expect(_claimant(a)).to_have_value("European Commission", timeout=TIMEOUT)
    expect(a.get_by_text("kept only while this claim stays open")).to_be_visible()
    _claimant(a).fill("European Commission spokesperson")
    a.locator(".st-key-annotate_claim_panel").get_by_role("button", name="Save claim").click()
    expect(a.get_by_text(f"Claim #{three.id} saved (version 3)")).to_be_visible(timeout=TIMEOUT)
    with db.read_session(engine) as session:
        assert claims.get_claim(session, three.id).claimant == "European Commission spokesperson"


def test_a_second_accept_from_an_old_page_opens_the_first_claim(
    desk: tuple[Server, Article], browser: Browser
) -> None:
    server, article = desk
    article_id = article.id
    a, b = signed_in_page(browser, server, "anna"), signed_in_page(browser, server, "ben")
    for page in (a, b):
        _open(page, server, article_id)
    card = SUGGESTION_CARDS
    a.locator(card).filter(has_text="$6.2 billion").get_by_role("button", name="Accept").click()
    expect(a.locator(LISTED_CLAIMS)).to_have_count(1, timeout=TIMEOUT)
    [made] = _claims(server)

    # Ben's page still offers the sentence; his Accept opens anna's claim.
    b.locator(card).filter(has_text="$6.2 billion").get_by_role("button", name="Accept").click()
    expect(b.get_by_text(f"This sentence is already claim #{made}; it is open now.")).to_be_visible(
        timeout=TIMEOUT
    )
    expect(b.locator(".st-key-annotate_claim_panel")).to_contain_text(f"Claim #{made} ")
    assert _claims(server) == [made]


def _claims(server: Server) -> list[int]:
    with db.read_session(db.get_engine(server.database_url)) as session:
        return list(session.exec(select(Claim.id).order_by(Claim.id)))
