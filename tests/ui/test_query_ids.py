"""Bad ids in the page URL get a clear message, never a traceback, on both databases.

``²`` passes ``str.isdigit`` but not ``int``; 2**64 cannot be bound by SQLite and is a
DataError on PostgreSQL; the others are simply not ids.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import open_page
from workbench import db, users
from workbench.sample import load_sample

PAGE = "workbench/ui/pages/annotate.py"
BAD = ["²", "18446744073709551616", "99999999999999999999999", "-1", "abc", "0", "1e3", ""]


@pytest.fixture
def article(app_db, engine):
    with db.write_session(engine) as session:
        return load_sample(session, users.builtin_user(session, users.LOCAL_USER))


@pytest.mark.parametrize("value", BAD)
def test_bad_article_id_says_no_such_article(app_db, value: str) -> None:
    at = open_page(PAGE, {"article": value})
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "No such article: the link's article number is not valid."
    ]


def test_unknown_article_id_says_so(app_db) -> None:
    at = open_page(PAGE, {"article": "2147483647"})
    assert not at.exception, at.exception
    assert "no article" in at.error[0].value and "2147483647" in at.error[0].value


@pytest.mark.parametrize("value", [*BAD, "2147483647"])
def test_bad_claim_id_shows_the_article_without_it(article, value: str) -> None:
    at = open_page(PAGE, {"article": str(article.id), "claim": value})
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [
        "No such claim in this article: showing the article without it."
    ]
    assert at.header[0].value  # the article itself is shown
