"""AppTest for bringing an article in by pasting: bad input gets a clear message and
changes nothing; the same text twice offers the existing article."""

from __future__ import annotations

from tests.ui.conftest import open_page
from workbench import articles, db

PAGE = "workbench/ui/pages/articles.py"
BODY = "The budget rose by 12% in 2024, the minister said.\n\nA second paragraph."


def submit(at, title: str, body: str):  # type: ignore[no-untyped-def]
    at.text_input(key="articles_title").input(title)
    at.text_area(key="articles_body").input(body)
    return at.button(key="FormSubmitter:articles_add-Add article").click().run()


def count(engine) -> int:  # type: ignore[no-untyped-def]
    with db.read_session(engine) as session:
        return articles.count_articles(session)


def test_empty_and_oversized_pastes_are_refused(app_db, engine):
    at = submit(open_page(PAGE), "Nothing", "   ")
    assert not at.exception
    assert any("empty" in e.value.lower() for e in at.error)
    at = submit(at, "Huge", "word " * 60_000)
    assert any("too long" in e.value.lower() or "characters" in e.value for e in at.error)
    assert count(engine) == 0


def test_paste_adds_and_the_same_text_again_offers_the_existing_one(app_db, engine):
    at = submit(open_page(PAGE), "Budget", BODY)
    assert not at.exception and count(engine) == 1
    at = submit(open_page(PAGE), "Budget again", BODY + "  ")
    assert any("already in the workbench" in w.value for w in at.warning)
    assert count(engine) == 1


def test_script_in_pasted_text_is_stored_as_text(app_db, engine):
    submit(open_page(PAGE), "<script>alert(1)</script>", "<img src=x onerror=alert(1)> " + BODY)
    with db.read_session(engine) as session:
        [row] = articles.list_articles(session)
        stored = articles.get_article(session, row.id)
    assert stored.title == "<script>alert(1)</script>"  # kept verbatim, shown only as text
    assert stored.body.startswith("<img src=x onerror=alert(1)>")
    at = open_page(PAGE)
    assert "<script>" not in " ".join(m.value for m in at.markdown)
