"""Every page renders without an exception, on an empty and on a filled database."""

import pytest

from tests.conftest import make_user
from tests.ui.conftest import PAGES, open_page
from workbench import claims, db
from workbench.claim_list import PAGE_SIZE
from workbench.models import Role
from workbench.sample import load_sample


@pytest.fixture
def admin(engine):
    return make_user(engine, "ada", Role.admin)


@pytest.fixture
def filled(app_db, engine, reviewer):
    with db.write_session(engine) as session:
        article = load_sample(session, reviewer)
        start = article.body.index("$6.2 billion")
        claims.create_claim(
            session,
            reviewer,
            claims.ClaimDraft(article_id=article.id, start=start, end=start + len("$6.2 billion")),
        )
    return article


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_empty_database(app_db, page):
    at = open_page(page)
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_filled_database(filled, admin, page):
    at = open_page(page, {"article": str(filled.id)}, user=admin)
    assert not at.exception, at.exception


def test_welcome_offers_sample_then_loads_it(app_db):
    at = open_page()
    assert any("empty" in info.value for info in at.info)
    at.button(key="welcome_load_sample").click().run()
    assert not at.exception
    with db.read_session() as session:
        from workbench import articles

        assert articles.count_articles(session) == 1


def test_claims_pages_by_key(app_db, engine, reviewer, admin):
    """Next and Previous on the Claims list page by key (before_id/after_id) and show the
    same rows as counting pages from the start."""
    with db.write_session(engine) as session:
        made = [
            claims.create_claim(
                session,
                reviewer,
                claims.ClaimDraft(
                    article_id=None, quote=f"Claim number {i}", statement=f"Claim number {i}"
                ),
            ).id
            for i in range(2 * PAGE_SIZE + 5)
        ]
    newest = sorted(made, reverse=True)
    at = open_page("workbench/ui/pages/claims.py", user=admin)

    def shown() -> list[int]:
        assert not at.exception, at.exception
        return list(at.dataframe[0].value["id"])

    assert shown() == newest[:PAGE_SIZE]
    at.button(key="claims_next").click().run()
    assert shown() == newest[PAGE_SIZE : 2 * PAGE_SIZE]
    assert at.session_state["claims_key"] == {"before_id": newest[PAGE_SIZE - 1]}
    at.button(key="claims_next").click().run()
    assert shown() == newest[2 * PAGE_SIZE :]
    at.button(key="claims_prev").click().run()
    assert shown() == newest[PAGE_SIZE : 2 * PAGE_SIZE]
    assert at.session_state["claims_key"] == {"after_id": newest[2 * PAGE_SIZE]}
    at.button(key="claims_prev").click().run()
    assert shown() == newest[:PAGE_SIZE]
