"""The Articles page, pasting a plain-text article whose first line is a whole paragraph and
leaving the title empty (issue 8): it was refused with "Title is too long (… characters; at
most 500)"; now the article is added under the first line, shortened at a word boundary."""

from __future__ import annotations

from tests.ui.conftest import open_page
from workbench import articles, db

PAGE = "workbench/ui/pages/articles.py"


def test_paste_without_title_gets_a_shortened_first_line(app_db, engine):
    paragraph = " ".join(f"The minister said the budget rose by {n}% in 2024." for n in range(60))
    at = open_page(PAGE)
    at.text_input(key="articles_title").input("")
    at.text_area(key="articles_body").input(f"{paragraph}\n\nA second paragraph.")
    at = at.button(key="FormSubmitter:articles_add-Add article").click().run()
    assert not at.exception and not at.error
    with db.read_session(engine) as session:
        [row] = articles.list_articles(session)
    assert len(row.title) <= 500 and row.title.endswith("…")
    assert paragraph.startswith(row.title.removesuffix("…") + " ")
