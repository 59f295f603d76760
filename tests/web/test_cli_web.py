"""The command line's web actions: an article from its address, a source's archived copy."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.conftest import run_json
from tests.web.conftest import LocalSite, article_html
from workbench import db, sources
from workbench.models import SourceSnapshot
from workbench.settings import get_settings


@pytest.fixture
def local_site_allowed(database_url, monkeypatch):
    """Let the CLI's own settings reach the test's local site (database_url first: it
    resets the settings cache too)."""
    monkeypatch.setenv("WORKBENCH_FETCH_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_article_add_from_its_address(run_cli, site: LocalSite, local_site_allowed):
    url = site.page("/story", article_html())
    added = run_json(run_cli, "article", "add", "--url-fetch", url)
    shown = run_json(run_cli, "article", "show", str(added["id"]))
    assert (added["url"], len(added["sha256"])) == (url, 64)
    assert shown["outlet"] == "Wikinews" and "Fox News" in shown["body"]


def test_an_address_inside_the_network_is_refused_and_nothing_stored(run_cli, database_url):
    code, _, err = run_cli("article", "add", "--url-fetch", "http://10.1.2.3/story")
    assert code == 1 and "10.1.2.3" in err
    assert run_json(run_cli, "claims", "list") == []
    code, out, _ = run_cli("article", "show", "1")
    assert code == 1


def test_sources_archive_keeps_a_copy(
    run_cli, engine, reviewer, site: LocalSite, local_site_allowed
):
    url = site.page("/source", article_html())
    with db.write_session(engine) as session:
        source_id = sources.add_source(session, reviewer, sources.SourceDraft(url=url)).id
    archived = run_json(run_cli, "sources", "archive", str(source_id))
    assert (archived["source_id"], archived["status"]) == (source_id, 200)
    assert archived["public_copy_problem"] == "No public archive is configured."
    with db.read_session(engine) as session:
        assert session.exec(select(SourceSnapshot.raw_sha256)).all() == [archived["sha256"]]
    code, _, err = run_cli("sources", "archive", "999")
    assert code == 1 and "no source #999" in err
