"""An article from a fetched web page: its text, title, author, date, outlet and language.

The body is made exactly as for an uploaded .html file (workbench/text/extract.py: the main
text isolated by trafilatura, paragraphs separated by blank lines, cleaned once so claim
offsets never move). The other fields come from trafilatura's metadata reader, which knows
JSON-LD, OpenGraph and the usual <meta> tags, and the language from what the page declares:
a guess would be worse than the reviewer's choice, so an undeclared language stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from workbench.errors import InvalidInput
from workbench.fetching import FetchedPage
from workbench.text.extract import (
    ArticleInputError,
    clean_pasted_text,
    derived_title,
    extract_html,
)
from workbench.validation import one_line, shorten

#: Main text shorter than this is a teaser, a cookie notice or a sign-in box, not an article
#: (a short news brief has 300 characters or more).
MIN_ARTICLE_CHARS = 200
#: The sizes of the article's outlet and author columns (workbench/articles.py).
MAX_OUTLET_CHARS = 200
MAX_AUTHOR_CHARS = 300
_LANGUAGE = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
_LANGUAGE_XPATHS = (
    "/html/@lang",
    "/html/@xml:lang",
    "//meta[translate(@http-equiv, 'CONTENLAGU', 'contenlagu')='content-language']/@content",
    "//meta[@property='og:locale']/@content",
)


@dataclass(frozen=True)
class PageText:
    """The readable text of any fetched page. ``is_article`` is False when no main text
    could be isolated (``body`` then holds all the page's visible text) or it is shorter than
    MIN_ARTICLE_CHARS."""

    body: str
    title: str
    is_article: bool


@dataclass(frozen=True)
class WebArticle:
    """An article read from the web: the fields of workbench.articles.ArticleDraft (``url``
    is the address the page was finally fetched from) and where and when it was fetched."""

    title: str
    body: str
    outlet: str
    url: str
    author: str
    published: date | None
    language: str | None  # primary subtag ("en"), only when the page declares it
    requested_url: str
    sha256: str  # of the page's HTML as fetched
    fetched_at: datetime
    status: int
    warnings: tuple[str, ...]

    def draft_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``ArticleDraft``; without a declared language the draft's
        default applies."""
        fields: dict[str, Any] = {
            "title": self.title,
            "body": self.body,
            "outlet": self.outlet,
            "url": self.url,
            "author": self.author,
            "published": self.published,
        }
        return fields | ({"language": self.language} if self.language else {})


def page_text(page: FetchedPage) -> PageText:
    """The text a reader of ``page`` sees: the main text when one can be isolated, otherwise
    every visible line (empty for an empty page). Never refuses a page for what it says."""
    if not page.text.strip():
        return PageText("", "", False)
    if page.content_type == "text/plain":
        body = _cleaned(page.text)
        return PageText(body, derived_title(body.split("\n", 1)[0]), len(body) >= MIN_ARTICLE_CHARS)
    body, title, fallback_warnings = extract_html(page.text)
    body = _cleaned(body)
    return PageText(body, title or "", not fallback_warnings and len(body) >= MIN_ARTICLE_CHARS)


def extract_article(page: FetchedPage) -> WebArticle:
    """The article on ``page``. Raises InvalidInput, in words for a fact-checker, for a page
    that is not one: a sign-in or subscription wall, an empty page, or a page without a main
    text (a home page, a search result, a video page)."""
    text = page_text(page)
    root = _parse(page)
    _refuse_non_article(text, root)
    # Not "extensive": htmldate would then regex the whole page for anything date-like
    # (about 1 s on a 1 MB page, benchmarks/fetch_bench.py) and guess, where the date the
    # page declares (meta tags, JSON-LD, <time>, the address) is what a reviewer wants.
    metadata = (
        trafilatura.extract_metadata(root, default_url=page.final_url, extensive=False)
        if root is not None
        else None
    )
    return WebArticle(
        title=derived_title(metadata.title if metadata else None) or text.title,
        body=text.body,
        outlet=shorten(one_line((metadata and metadata.sitename) or ""), MAX_OUTLET_CHARS),
        url=page.final_url,
        author=shorten(one_line((metadata and metadata.author) or ""), MAX_AUTHOR_CHARS),
        published=_published(metadata.date if metadata else None),
        language=declared_language(root, page.content_language),
        requested_url=page.url,
        sha256=page.sha256,
        fetched_at=page.fetched_at,
        status=page.status,
        warnings=page.warnings,
    )


def declared_language(root: lxml.html.HtmlElement | None, header: str | None) -> str | None:
    """The primary language subtag the page declares (``<html lang="en-GB">`` → ``"en"``),
    then the HTTP Content-Language header; None when neither names one language."""
    declared = (
        [*(root.xpath(f"string({path})") for path in _LANGUAGE_XPATHS)] if root is not None else []
    )
    for value in (*declared, header or ""):
        match = _LANGUAGE.match(value)
        if match:
            return match.group(1).lower()
    return None


def _cleaned(text: str) -> str:
    """The text as the paste path stores it; empty stays empty (a snapshot may be)."""
    if not text.strip():
        return ""
    try:
        return clean_pasted_text(text)
    except ArticleInputError as error:  # too long to be one article
        raise InvalidInput(str(error)) from error


def _parse(page: FetchedPage) -> lxml.html.HtmlElement | None:
    if page.content_type == "text/plain" or not page.text.strip():
        return None
    try:
        return lxml.html.document_fromstring(page.text.replace("\x00", ""))
    except (etree.ParserError, ValueError):
        return None


def _refuse_non_article(text: PageText, root: lxml.html.HtmlElement | None) -> None:
    if not text.body:
        raise InvalidInput("The page is empty: there is no text to check.")
    signs_in = root is not None and bool(root.xpath("//input[@type='password']"))
    if signs_in and (not text.is_article or len(text.body) < 5 * MIN_ARTICLE_CHARS):
        raise InvalidInput(
            "This page asks for a sign-in: the article is behind a login or "
            "subscription wall. Copy the text from your browser and paste it "
            "instead."
        )
    if not text.is_article:
        raise InvalidInput(
            "This page does not look like an article (no main text, "
            f"{len(text.body.split())} words). Open it in a browser; if it is "
            "an article, copy its text and paste it instead."
        )


def _published(value: str | None) -> date | None:
    """trafilatura's date (``YYYY-MM-DD``) as a date; anything else is no date."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
