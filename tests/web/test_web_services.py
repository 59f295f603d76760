"""Fetched articles and archived sources stored through the services (both databases)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import new_claim
from tests.web.conftest import WIKINEWS, LocalSite, article_html
from workbench import article_versions, db, source_archive, sources, web_articles
from workbench.errors import InvalidInput
from workbench.models import Article, ArticleVersion, SourceSnapshot

QUOTE = "Senator Lindsey Graham spoke on Fox News"


def _fetch_and_store(engine, reviewer, url, settings) -> Article:
    page = web_articles.fetch_article(url, settings)
    with db.write_session(engine) as session:
        return web_articles.add_fetched_article(session, reviewer, page)


def test_an_article_from_its_address_keeps_where_and_when_it_was_fetched(
    engine, reviewer, site: LocalSite, settings
):
    url = site.page("/story", article_html())
    article = _fetch_and_store(engine, reviewer, url, settings)
    with db.read_session(engine) as session:
        first = session.exec(select(ArticleVersion)).one()
    assert (first.article_id, first.number, first.source_url) == (article.id, 1, url)
    assert len(first.raw_sha256) == 64 and first.fetched_at is not None
    assert article.outlet == "Wikinews" and QUOTE in article.body


def test_a_refetched_page_is_a_new_version_with_claims_re_anchored(
    engine, reviewer, site: LocalSite, settings
):
    url = site.page("/story", article_html())
    article = _fetch_and_store(engine, reviewer, url, settings)
    claim = new_claim(engine, reviewer, article, QUOTE)
    text = WIKINEWS.read_text(encoding="utf-8")
    title, rest = text.split("\n\n", 1)
    site.page("/story", article_html(f"{title}\n\nCorrection appended on 9 October.\n\n{rest}"))

    page = web_articles.fetch_article(url, settings)
    with db.write_session(engine) as session:
        stored = web_articles.add_fetched_version(
            session, reviewer, article.id, page, expected_version=1
        )
    assert stored.version == 2
    assert [(c.claim_id, c.state) for c in stored.claims] == [(claim.id, "moved")]
    with db.read_session(engine) as session:
        history = article_versions.versions(session, article.id)
    assert [(v.number, v.source_url) for v in history] == [(1, url), (2, url)]


def test_a_page_that_cannot_be_fetched_stores_nothing(engine, site: LocalSite, settings):
    with pytest.raises(InvalidInput, match="404"):
        web_articles.fetch_article(site.url("/missing"), settings)
    with db.read_session(engine) as session:
        assert session.exec(select(Article)).all() == []


def test_archiving_a_source_keeps_a_copy_and_flags_evidence_whose_excerpt_is_gone(
    engine, reviewer, article, site: LocalSite, settings
):
    url = site.page("/source", article_html())
    claim = new_claim(engine, reviewer, article)
    with db.write_session(engine) as session:
        source = sources.add_source(session, reviewer, sources.SourceDraft(url=url))
        kept = sources.attach_source(
            session, reviewer, claim.id, source.id, stance="supports", excerpt=QUOTE
        )
        source_id, evidence_id = source.id, kept.id

    copy = source_archive.take_copy(url, settings)
    assert copy.public_copy_problem == "No public archive is configured."
    with db.write_session(engine) as session:
        source_archive.store_copy(session, reviewer, source_id, copy)
        status = source_archive.evidence_archive(session, claim.id)[evidence_id]
    assert status.archived_at is not None and not status.source_changed

    site.page(
        "/source",
        article_html(
            WIKINEWS.read_text(encoding="utf-8").replace(QUOTE, "A senator spoke on television")
        ),
    )
    with db.write_session(engine) as session:
        source_archive.store_copy(
            session, reviewer, source_id, source_archive.take_copy(url, settings)
        )
        status = source_archive.evidence_archive(session, claim.id)[evidence_id]
        copies = session.exec(select(SourceSnapshot)).all()
    assert status.source_changed
    assert len(copies) == 2 and copies[0].raw_sha256 != copies[1].raw_sha256


def test_a_public_copy_becomes_the_sources_archived_url(
    engine, reviewer, site: LocalSite, settings
):
    url = site.page("/source", article_html())
    copy_url = site.url("/web/20261130/" + url)
    site.redirect("/save/" + url, copy_url)
    site.page("/web/20261130/" + url, article_html())
    configured = settings.model_copy(update={"archive_save_endpoint": site.url("/save/")})
    with db.write_session(engine) as session:
        source_id = sources.add_source(session, reviewer, sources.SourceDraft(url=url)).id

    copy = source_archive.take_copy(url, configured)
    with db.write_session(engine) as session:
        source_archive.store_copy(session, reviewer, source_id, copy)
        assert sources.get_source(session, source_id).archive_url == copy_url
