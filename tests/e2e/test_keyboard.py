"""Keyboard work on Annotate (issue 15, item 9), in a real browser: J marks the next
suggestion and A accepts it; Shift+→ on a selected claim widens its span by a word, and
the wider span is stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import new_claim
from tests.e2e.conftest import (
    MARKED_CARD,
    SUGGESTION_CARDS,
    Server,
    sample_desk,
    signed_in_page,
    wait_for_app,
)
from workbench import claims, db
from workbench.models import Article, Role, User
from workbench.workspace import load_workspace

TIMEOUT = 20_000


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Server, Article, User]]:
    """Reviewer rita and the sample article."""
    with sample_desk(tmp_path / "keys.sqlite3", {"rita": Role.reviewer}) as found:
        yield found


def press_until_marked(page: Page, key: str, rank: int) -> None:
    """Press ``key`` until the suggestion at ``rank`` is marked. Under load, a J pressed
    just after the page loaded was twice lost in CI (the mark stayed on the first
    suggestion for 20 s; the cause is not known); the mark says so, and the key is pressed
    again, at most three times and only while the mark has not moved at all, so a press
    that was merely slow can never count twice."""
    marked = page.locator(MARKED_CARD)
    for _ in range(3):
        page.keyboard.press(key)
        try:
            expect(marked).to_contain_text(f"Marked {rank + 1} of", timeout=10_000)
            return
        except AssertionError:
            wait_for_app(page)
            expect(marked).to_contain_text(f"Marked {rank} of")
    expect(marked).to_contain_text(f"Marked {rank + 1} of", timeout=TIMEOUT)


def test_next_then_accept_creates_a_claim_from_the_second_suggestion(
    desk: tuple[Server, Article, User], browser: Browser
) -> None:
    server, article, _rita = desk
    engine = db.get_engine(server.database_url)
    with db.read_session(engine) as session:
        second = load_workspace(session, article.id).suggestions[1]
    page = signed_in_page(browser, server, "rita")
    page.goto(f"{server.url}/annotate?article={article.id}")
    wait_for_app(page)
    expect(page.locator(SUGGESTION_CARDS).first).to_contain_text("Marked 1 of")

    press_until_marked(page, "j", 1)
    wait_for_app(page)
    page.keyboard.press("a")
    expect(page.get_by_text(re.compile("created from the suggestion"))).to_be_visible(
        timeout=TIMEOUT
    )  # the panel's confirmation, above the claim
    panel = page.locator(".st-key-annotate_claim_panel")
    with db.read_session(engine) as session:
        [claim] = load_workspace(session, article.id).marks
    assert (claim.claim.start, claim.claim.end) == (second.start, second.end)
    expect(panel).to_contain_text(f"Claim #{claim.claim.id}")


def test_shift_arrow_widens_a_claims_span_by_a_word_and_saves_it(
    desk: tuple[Server, Article, User], browser: Browser
) -> None:
    server, article, rita = desk
    engine = db.get_engine(server.database_url)
    claim = new_claim(engine, rita, article)
    following = re.match(r"\W*\w+", article.body[claim.end :])
    assert following is not None
    wider = claim.end + following.end()

    page = signed_in_page(browser, server, "rita")
    page.goto(f"{server.url}/annotate?article={article.id}&claim={claim.id}")
    wait_for_app(page)
    mark = page.locator(f"mark[data-claim-id='{claim.id}']")
    expect(mark).to_have_class(re.compile("wb-selected"), timeout=TIMEOUT)
    mark.focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(
        page.get_by_text(f"now covers characters {claim.start}–{wider}", exact=False)
    ).to_be_visible(timeout=TIMEOUT)
    with db.read_session(engine) as session:
        stored = claims.get_claim(session, claim.id)
    assert (stored.start, stored.end, stored.version) == (claim.start, wider, claim.version + 1)
    assert stored.quote == article.body[claim.start : wider]
    expect(page.locator(f"mark[data-claim-id='{claim.id}']")).to_have_text(
        article.body[claim.start : wider]
    )
