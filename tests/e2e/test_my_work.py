"""My work in a real browser (issue 15, items 1, 3 and 4): a reviewer who signed in lands
on My work; an editor's comment "@rita please check" reaches it while the page stays
open, without a reload (the counts fragment's own refresh); its link opens the claim."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.conftest import new_claim
from tests.e2e.conftest import sample_desk, signed_in_page, wait_for_app
from workbench import comments, db, users
from workbench.models import Role

TIMEOUT = 20_000
#: The page's refresh interval (``REFRESH_SECONDS`` in workbench/ui/pages/my_work.py, 20 s;
#: importing the page would run it), plus a rerun on a busy machine.
REFRESHED = 60_000


def test_a_mention_reaches_my_work_without_a_reload(tmp_path: Path, browser: Browser) -> None:
    with sample_desk(tmp_path / "desk.sqlite3", {"eddie": Role.editor, "rita": Role.reviewer}) as (
        server,
        article,
        eddie,
    ):
        engine = db.get_engine(server.database_url)
        claim = new_claim(engine, eddie, article)
        page = signed_in_page(browser, server, "rita")
        expect(page.get_by_role("heading", name="My work")).to_be_visible(timeout=TIMEOUT)
        live = page.locator(".st-key-my_work_live")
        expect(live).to_contain_text("0 new mentions", timeout=TIMEOUT)
        expect(page.get_by_text("Nobody has mentioned you in a comment yet.")).to_be_visible()
        page.evaluate("window.__sameDocument = true")

        with db.write_session(engine) as session:  # the editor, in their own browser
            comments.add_comment(
                session, users.find_user(session, "eddie"), claim.id, "@rita please check"
            )

        expect(live).to_contain_text("1 new mention", timeout=REFRESHED)
        mention = page.locator("[class*='st-key-my_work_mention_']").filter(has_text="please check")
        expect(mention).to_contain_text("@rita please check", timeout=TIMEOUT)
        expect(page.locator(".st-key-sidebar_my_work")).to_contain_text("1 new mention")
        assert page.evaluate("window.__sameDocument") is True  # no reload happened
        wait_for_app(page)

        mention.get_by_role("link", name=re.compile(f"Claim #{claim.id}")).click()
        expect(page).to_have_url(
            re.compile(f"annotate\\?article={article.id}&claim={claim.id}"), timeout=TIMEOUT
        )
        expect(page.locator(".st-key-annotate_claim_panel")).to_contain_text(
            f"Claim #{claim.id}", timeout=TIMEOUT
        )
        page.context.close()
