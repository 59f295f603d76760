"""An article from a fetched page (issue 14): the Wikinews article served as a news page
becomes a draft with its metadata; login walls, empty pages and pages without a main text
are refused in words."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.conftest import WIKINEWS, LocalSite, article_html
from workbench.articles import ArticleDraft
from workbench.errors import InvalidInput
from workbench.fetching import fetch
from workbench.text.extract import clean_pasted_text
from workbench.text.webpage import extract_article, page_text

TITLE = "US President Trump announces troop withdrawal from Syria"
LOGIN_WALL = """<!DOCTYPE html><html lang="en"><head><title>Sign in | The Daily</title></head>
<body><header>The Daily</header><main><h1>Subscribers only</h1>
<p>Sign in to continue reading this article.</p>
<form action="/login" method="post"><label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button>Sign in</button></form><p>Not a subscriber? Subscribe from 1 euro a month.</p>
</main></body></html>"""
HOME_PAGE = """<html><head><title>The Daily</title></head><body><nav><ul>
<li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></body></html>"""


def test_the_wikinews_page_becomes_an_article(site: LocalSite, settings) -> None:
    url = site.page("/wiki/Syria", article_html())
    page = fetch(url, settings)
    article = extract_article(page)
    assert article.title == TITLE
    assert article.outlet == "Wikinews"
    assert article.author == "Wikinews contributors"
    assert article.published == date(2019, 10, 8)
    assert article.language == "en"
    assert article.url == url and article.requested_url == url
    assert (article.sha256, article.fetched_at, article.status) == (
        page.sha256,
        page.fetched_at,
        200,
    )
    source = WIKINEWS.read_text(encoding="utf-8")
    for paragraph in (
        "Late on Sunday, the United States President Donald Trump",
        "Senator Lindsey Graham spoke on Fox News",
    ):
        assert paragraph in article.body
    assert "Main page" not in article.body and "CC BY 2.5" not in article.body
    # The body is stored as the paste path stores text: cleaned, paragraphs apart.
    assert article.body == clean_pasted_text(article.body)
    assert "\n\n" in article.body and len(article.body.split()) > 0.8 * len(source.split())


def test_the_article_fills_an_article_draft(site: LocalSite, settings) -> None:
    article = extract_article(fetch(site.page("/a", article_html()), settings))
    draft = ArticleDraft(**article.draft_fields())
    assert (draft.title, draft.outlet, draft.language, draft.published) == (
        TITLE,
        "Wikinews",
        "en",
        date(2019, 10, 8),
    )
    assert draft.body == article.body and draft.url == article.url


def test_the_final_address_is_the_articles(site: LocalSite, settings) -> None:
    final = site.page("/wiki/Syria", article_html())
    article = extract_article(fetch(site.redirect("/short", "/wiki/Syria"), settings))
    assert article.url == final and article.requested_url == site.url("/short")


@pytest.mark.parametrize(
    ("lang", "head", "header", "expected"),
    [
        ("de-AT", "", None, "de"),
        ("", '<meta http-equiv="Content-Language" content="uk">', None, "uk"),
        ("", '<meta property="og:locale" content="fr_FR">', None, "fr"),
        ("", "", "es-ES", "es"),
        ("", "", None, None),
        ("", "", "en, fr", None),
    ],
)
def test_the_declared_language_is_kept_and_none_is_guessed(
    site: LocalSite, settings, lang, head, header, expected
) -> None:
    headers = {"Content-Language": header} if header else {}
    url = site.page("/lang", article_html(head=head, lang=lang), headers=headers)
    article = extract_article(fetch(url, settings))
    assert article.language == expected
    assert ArticleDraft(**article.draft_fields()).language == (expected or "en")


def test_a_login_wall_is_refused(site: LocalSite, settings) -> None:
    page = fetch(site.page("/paywalled", LOGIN_WALL), settings)
    with pytest.raises(InvalidInput, match="asks for a sign-in"):
        extract_article(page)


@pytest.mark.parametrize("body", [HOME_PAGE, "<html><body><p>Cookies.</p></body></html>"])
def test_a_page_without_an_article_is_refused(site: LocalSite, settings, body: str) -> None:
    with pytest.raises(InvalidInput, match="does not look like an article"):
        extract_article(fetch(site.page("/home", body), settings))


@pytest.mark.parametrize("body", [b"", b"   \n ", b"<html><body></body></html>"])
def test_an_empty_page_is_refused(site: LocalSite, settings, body: bytes) -> None:
    with pytest.raises(InvalidInput, match="The page is empty"):
        extract_article(fetch(site.page("/empty", body), settings))


def test_a_plain_text_page_is_its_own_body(site: LocalSite, settings) -> None:
    text = WIKINEWS.read_text(encoding="utf-8")
    url = site.page("/story.txt", text, content_type="text/plain; charset=utf-8")
    article = extract_article(fetch(url, settings))
    assert article.body == clean_pasted_text(text)
    assert article.title == TITLE and article.language is None


def test_any_page_has_readable_text(site: LocalSite, settings) -> None:
    """What a snapshot keeps of a page that is not an article: its visible text."""
    wall = page_text(fetch(site.page("/paywalled", LOGIN_WALL), settings))
    home = page_text(fetch(site.page("/", HOME_PAGE), settings))
    assert "Sign in to continue reading this article." in wall.body
    assert not home.is_article and home.body.split() == ["World", "Politics", "Sport"]
    assert home.title == "The Daily"
