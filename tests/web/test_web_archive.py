"""Archived evidence (issue 14, item 3): the workbench's snapshot of a source, a public
archive's copy from a fake save endpoint on the local site, and the re-check of a quote."""

from __future__ import annotations

import hashlib
import socket

import pytest

from tests.web.conftest import WIKINEWS, LocalSite, article_html
from workbench.errors import InvalidInput
from workbench.fetching import FetchError
from workbench.settings import WAYBACK_SAVE_ENDPOINT, Settings
from workbench.web_archive import quote_still_present, request_public_copy, snapshot

SOURCE = "https://news.example/2024/story-7"
COPY_PATH = "/web/20240102030405/" + SOURCE


def test_a_snapshot_keeps_the_text_checksum_time_and_status(site: LocalSite, settings) -> None:
    page_html = article_html()
    url = site.page("/story", page_html)
    taken = snapshot(url, settings)
    assert (taken.url, taken.final_url, taken.status) == (url, url, 200)
    assert taken.sha256 == hashlib.sha256(page_html.encode("utf-8")).hexdigest()
    assert taken.is_article and "Senator Lindsey Graham spoke on Fox News" in taken.text
    assert taken.fetched_at.tzinfo is not None


def test_a_page_that_is_not_an_article_still_gets_a_snapshot(site: LocalSite, settings) -> None:
    url = site.page("/notice", "<html><body><p>This story has been removed.</p></body></html>")
    taken = snapshot(url, settings)
    assert not taken.is_article and taken.text == "This story has been removed."


def test_a_snapshot_refuses_what_a_fetch_refuses(site: LocalSite, settings) -> None:
    with pytest.raises(FetchError, match="404 Not Found"):
        snapshot(site.url("/gone"), settings)
    with pytest.raises(FetchError, match="newsroom's own network"):
        snapshot(site.redirect("/inside", "http://10.1.2.3/"), settings)


def _archive(site: LocalSite, **overrides) -> Settings:
    return Settings(
        fetch_allow_hosts=("127.0.0.1",),
        fetch_timeout_seconds=2.0,
        archive_save_endpoint=site.url("/save/"),
        **overrides,
    )


def test_without_an_archive_no_copy_is_requested(site: LocalSite, settings) -> None:
    assert settings.archive_save_endpoint == ""
    assert request_public_copy(SOURCE, settings) is None
    assert site.requests == []


def test_the_copy_is_where_the_archive_redirects(site: LocalSite) -> None:
    copy = site.page(COPY_PATH, "<html>archived</html>")
    site.redirect("/save/" + SOURCE, COPY_PATH)
    assert request_public_copy(SOURCE, _archive(site)) == copy
    assert site.requests[0][0] == "/save/" + SOURCE


def test_the_copy_named_in_content_location(site: LocalSite) -> None:
    site.page("/save/" + SOURCE, "<html>saving</html>", headers={"Content-Location": COPY_PATH})
    assert request_public_copy(SOURCE, _archive(site)) == site.url(COPY_PATH)


def test_the_copy_named_in_a_memento_link(site: LocalSite) -> None:
    link = (
        f'<{SOURCE}>; rel="original", <https://archive.example{COPY_PATH}>; '
        'rel="memento"; datetime="Tue, 02 Jan 2024 03:04:05 GMT"'
    )
    site.page("/save/" + SOURCE, "<html>saving</html>", headers={"Link": link})
    assert request_public_copy(SOURCE, _archive(site)) == "https://archive.example" + COPY_PATH


def test_an_archive_that_does_not_say_where_is_an_error(site: LocalSite) -> None:
    site.page("/save/" + SOURCE, "<html>Saving page now…</html>")
    with pytest.raises(FetchError, match="without saying where its copy is"):
        request_public_copy(SOURCE, _archive(site))


def test_a_busy_archive_is_an_error(site: LocalSite) -> None:
    site.page("/save/" + SOURCE, "busy", status=429)
    with pytest.raises(
        FetchError,
        match=r"^No public copy was made\. The archive answered "
        r"429 Too Many Requests\.$",
    ) as raised:
        request_public_copy(SOURCE, _archive(site))
    assert raised.value.status == 429


def test_an_unreachable_archive_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    settings = Settings(archive_save_endpoint=WAYBACK_SAVE_ENDPOINT)
    with pytest.raises(
        FetchError,
        match=r"^No public copy was made\. No network: could not "
        r"reach web\.archive\.org\.$",
    ):
        request_public_copy(SOURCE, settings)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", ""])
def test_only_web_addresses_are_sent_to_the_archive(site: LocalSite, url: str) -> None:
    with pytest.raises(InvalidInput, match="The source's address"):
        request_public_copy(url, _archive(site))
    assert site.requests == []


ARTICLE = WIKINEWS.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "quote",
    [
        # exact, as cited
        "The PKK is banned in Turkey.",
        # other case, straight quotes for typographic ones, line breaks and extra spaces
        'KINO GABRIEL said, "The statement was a surprise and we can say\n that  it is a stab',
        # the site fixed a typo since (cited "alied", page says "allied")
        "The US had been alied with Kurdish groups in fighting ISIS.",
        # a number as cited
        "including the capture of 100% of the ISIS Caliphate",
    ],
)
def test_a_quote_still_on_the_page_is_found(quote: str) -> None:
    assert quote_still_present(quote, ARTICLE)


@pytest.mark.parametrize(
    "quote",
    [
        # a word removed ("had been allied" -> "had allied")
        "The US had allied with Kurdish groups in fighting ISIS.",
        # a word added
        "The PKK is not banned in Turkey.",
        # a number changed (the page says two million)
        "Turkey has an estimated three million Syrian refugees",
        "including the capture of 10% of the ISIS Caliphate",
        # not there at all
        "The minister resigned on Friday.",
    ],
)
def test_a_changed_or_missing_quote_is_not_found(quote: str) -> None:
    assert not quote_still_present(quote, ARTICLE)


def test_an_empty_quote_is_refused() -> None:
    with pytest.raises(InvalidInput, match="quote to look for is empty"):
        quote_still_present(" “” ", ARTICLE)
