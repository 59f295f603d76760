"""Articles fetched from their address: the first version, and later ones.

The fetch runs before any database session opens (a slow site must not hold the write
lock), so each action is two calls: ``fetch_article`` (network, no database), then a
service that stores what it returned in the caller's transaction, with where and when it
was fetched and the raw page's SHA-256.
"""

from __future__ import annotations

from sqlmodel import Session

from workbench import article_versions, articles
from workbench.article_versions import FetchRecord, StoredVersion
from workbench.fetching import fetch
from workbench.models import Article, User
from workbench.settings import Settings, get_settings
from workbench.text.webpage import WebArticle, extract_article


def fetch_article(url: str, settings: Settings | None = None) -> WebArticle:
    """Fetch and extract the article at ``url``; InvalidInput (a FetchError) explains any
    refusal: an address inside the newsroom's network, no network, 404, not an article, …"""
    return extract_article(fetch(url, settings or get_settings()))


def add_fetched_article(
    session: Session, actor: User, page: WebArticle, *, allow_duplicate: bool = False
) -> Article:
    """Store a fetched page as a new article whose version 1 records the fetch."""
    article = articles.add_article(
        session,
        actor,
        articles.ArticleDraft(**page.draft_fields()),
        allow_duplicate=allow_duplicate,
    )
    article_versions.record_first_version(
        session, article, _record(page), reason="Fetched from the web"
    )
    return article


def add_fetched_version(
    session: Session,
    actor: User,
    article_id: int,
    page: WebArticle,
    *,
    expected_version: int | None = None,
    reason: str = "",
) -> StoredVersion:
    """Store a re-fetched page as the article's next version and re-anchor its claims."""
    return article_versions.add_version(
        session,
        actor,
        article_id,
        page.body,
        reason=reason or "Fetched again from the web",
        expected_version=expected_version,
        fetched=_record(page),
    )


def _record(page: WebArticle) -> FetchRecord:
    return FetchRecord(source_url=page.url, fetched_at=page.fetched_at, raw_sha256=page.sha256)
