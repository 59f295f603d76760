"""Fetching a page from a local site (issue 14): redirects, refusals after a redirect, slow
and huge pages, what is not a web page, error statuses and pages in legacy encodings."""

from __future__ import annotations

import gzip
import hashlib
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler

import pytest

from tests.web.conftest import LocalSite, article_html
from workbench.errors import InvalidInput
from workbench.fetching import MAX_REDIRECTS, FetchError, fetch
from workbench.settings import Settings


def test_a_page_is_fetched_with_its_checksum_and_time(site: LocalSite, settings) -> None:
    page_html = article_html()
    url = site.page("/news/syria", page_html)
    before = datetime.now(UTC)
    page = fetch(url, settings)
    assert (page.url, page.final_url, page.status, page.redirects) == (url, url, 200, ())
    assert page.content_type == "text/html" and page.encoding == "utf-8"
    assert page.text == page_html
    assert page.sha256 == hashlib.sha256(page_html.encode("utf-8")).hexdigest()
    assert before <= page.fetched_at <= datetime.now(UTC)
    assert isinstance(FetchError("x"), InvalidInput)


def test_the_request_names_the_host_and_the_workbench(site: LocalSite, settings) -> None:
    fetch(site.page("/a", article_html()), settings)
    ((_path, headers),) = site.requests
    assert headers["Host"] == f"127.0.0.1:{site.port}"
    assert settings.organisation_url in headers["User-Agent"]


def test_a_chain_of_redirects_is_followed_and_recorded(site: LocalSite, settings) -> None:
    final = site.page("/final", article_html())
    site.redirect("/two", "/final", status=301)
    site.redirect("/one", site.url("/two"), status=307)
    start = site.redirect("/start", "one", status=303)
    page = fetch(start, settings)
    assert page.final_url == final
    assert page.redirects == (start, site.url("/one"), site.url("/two"))


def test_five_redirects_are_followed_and_six_refused(site: LocalSite, settings) -> None:
    site.page("/hop0", article_html())
    for hop in range(1, MAX_REDIRECTS + 2):
        site.redirect(f"/hop{hop}", f"/hop{hop - 1}")
    assert fetch(site.url(f"/hop{MAX_REDIRECTS}"), settings).final_url == site.url("/hop0")
    with pytest.raises(FetchError, match=f"redirects more than {MAX_REDIRECTS} times"):
        fetch(site.url(f"/hop{MAX_REDIRECTS + 1}"), settings)


@pytest.mark.parametrize("loop", [["/a"], ["/a", "/b"], ["/a", "/b", "/c"]])
def test_a_redirect_loop_is_refused(site: LocalSite, settings, loop: list[str]) -> None:
    for here, there in zip(loop, loop[1:] + loop[:1], strict=True):
        site.redirect(here, there)
    with pytest.raises(FetchError, match="redirects in a loop"):
        fetch(site.url(loop[0]), settings)


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("http://10.0.0.5/admin", "points into the newsroom's own network (10.0.0.5)"),
        ("http://192.168.1.1/", "points into the newsroom's own network (192.168.1.1)"),
        ("http://169.254.169.254/latest/meta-data/", "cloud server's metadata service"),
        ("http://[::1]:8080/", "the workbench's own server (::1)"),
        ("http://0.0.0.0/", "the workbench's own server (0.0.0.0)"),
    ],
)
def test_a_redirect_into_the_newsroom_is_refused(
    site: LocalSite, settings, target: str, needle: str
) -> None:
    """The first hop is allowed (the local site), the second is vetted again and refused
    before any connection is made."""
    url = site.redirect("/innocent", target)
    with pytest.raises(FetchError, match="redirects to") as raised:
        fetch(url, settings)
    assert needle in str(raised.value) and "fetching it is not allowed" in str(raised.value)


def test_the_allowed_host_does_not_allow_its_other_names(site: LocalSite, settings) -> None:
    """The setting names 127.0.0.1; "localhost" resolves there but is not named."""
    url = site.redirect("/to-localhost", f"http://localhost:{site.port}/x")
    with pytest.raises(FetchError, match="the workbench's own server"):
        fetch(url, settings)


@pytest.mark.parametrize(
    "target",
    [
        "ftp://example.org/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://127.0.0.1:25/",
    ],
)
def test_a_redirect_to_another_scheme_is_refused(site: LocalSite, settings, target) -> None:
    with pytest.raises(FetchError, match="redirects to an address that is not a web page"):
        fetch(site.redirect("/elsewhere", target), settings)


def test_a_page_that_stalls_after_its_headers_times_out(site: LocalSite) -> None:
    def stall(request: BaseHTTPRequestHandler, local: LocalSite) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        request.wfile.write(b"<html><body><p>Start of the page")
        request.wfile.flush()
        local.released.wait()

    settings = Settings(fetch_allow_hosts=("127.0.0.1",), fetch_timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"^The page took longer than 0\.5 s\.$"):
        fetch(site.route("/stall", stall), settings)
    assert time.monotonic() - started < 5


def test_a_page_that_trickles_hits_the_overall_deadline(site: LocalSite) -> None:
    """A byte every 50 ms never trips the 0.5 s read timeout; the deadline stops it."""

    def trickle(request: BaseHTTPRequestHandler, local: LocalSite) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        while not local.released.wait(0.05):
            request.wfile.write(b"x")
            request.wfile.flush()

    settings = Settings(fetch_allow_hosts=("127.0.0.1",), fetch_timeout_seconds=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 0.5 s"):
        fetch(site.route("/trickle", trickle), settings)
    assert time.monotonic() - started < 5


def test_a_declared_huge_page_is_refused_before_reading(site: LocalSite, settings) -> None:
    def announce(request: BaseHTTPRequestHandler, local: LocalSite) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(50 * 1024 * 1024))
        request.end_headers()
        local.released.wait()

    with pytest.raises(FetchError, match=r"^The page is larger than 977 KB\.$"):
        fetch(site.route("/announced", announce), settings)


def test_an_endless_page_stops_at_the_cap(site: LocalSite, settings) -> None:
    """No length announced: reading stops once the cap is passed, long before the end."""
    sent = []

    def endless(request: BaseHTTPRequestHandler, local: LocalSite) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        chunk = b"<p>" + b"words " * 10_000 + b"</p>"
        while not local.released.is_set() and sum(sent) < 200 * 1024 * 1024:
            request.wfile.write(chunk)
            sent.append(len(chunk))

    with pytest.raises(FetchError, match="larger than"):
        fetch(site.route("/endless", endless), settings)
    assert sum(sent) < 200 * 1024 * 1024


def test_a_gzip_bomb_stops_at_the_cap(site: LocalSite, settings) -> None:
    """50 MB of page in 50 KB of gzip: decompression stops at the cap."""
    bomb = gzip.compress(b"<p>" + b" " * (50 * 1024 * 1024))
    url = site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="larger than"):
        fetch(url, settings)


def test_a_gzipped_page_is_read_and_its_checksum_is_of_the_page(site: LocalSite, settings) -> None:
    page_html = article_html().encode("utf-8")
    url = site.page("/zipped", gzip.compress(page_html), headers={"Content-Encoding": "gzip"})
    page = fetch(url, settings)
    assert page.text.encode("utf-8") == page_html
    assert page.sha256 == hashlib.sha256(page_html).hexdigest()


@pytest.mark.parametrize(
    ("content_type", "what"),
    [
        ("application/pdf", "a PDF"),
        ("image/png", "an image"),
        ("image/jpeg; charset=binary", "an image"),
        ("application/json; charset=utf-8", "JSON data"),
        ("video/mp4", "a video"),
        ("application/x-msdownload", "a file of type application/x-msdownload"),
    ],
)
def test_what_is_not_a_web_page_is_refused(site: LocalSite, settings, content_type, what) -> None:
    url = site.page("/file", b"%PDF-1.7 ...", content_type=content_type)
    with pytest.raises(FetchError, match=f"^That address returned {what}, not a web page.$"):
        fetch(url, settings)


def test_plain_text_and_xhtml_are_pages(site: LocalSite, settings) -> None:
    text = fetch(site.page("/t.txt", "Plain words.", content_type="text/plain"), settings)
    xhtml = fetch(site.page("/x", "<html/>", content_type="application/xhtml+xml"), settings)
    assert (text.content_type, text.text) == ("text/plain", "Plain words.")
    assert xhtml.content_type == "application/xhtml+xml"


def test_a_page_without_a_type_is_read_when_it_is_markup(site: LocalSite, settings) -> None:
    def untyped(body: bytes):
        def respond(request: BaseHTTPRequestHandler, _local: LocalSite) -> None:
            request.send_response(200)
            request.end_headers()
            request.wfile.write(body)

        return respond

    assert (
        fetch(site.route("/markup", untyped(b"<html>hi</html>")), settings).text
        == "<html>hi</html>"
    )
    with pytest.raises(FetchError, match="did not say what it returned"):
        fetch(site.route("/binary", untyped(b"\x00\x01\x02 binary")), settings)


@pytest.mark.parametrize(
    ("status", "needle"),
    [
        (404, r"^The site answered 404 Not Found\.$"),
        (500, r"^The site answered 500 Internal Server Error\.$"),
        (403, r"^The site answered 403 Forbidden\. The page may need a sign-in\.$"),
        (410, r"^The site answered 410 Gone\.$"),
    ],
)
def test_an_error_status_is_named(site: LocalSite, settings, status: int, needle: str) -> None:
    url = site.page("/error", "<html><body>Oops</body></html>", status=status)
    with pytest.raises(FetchError, match=needle) as raised:
        fetch(url, settings)
    assert raised.value.status == status


def test_a_missing_page_on_the_site_is_a_404(site: LocalSite, settings) -> None:
    with pytest.raises(FetchError, match="404 Not Found"):
        fetch(site.url("/nothing-here"), settings)


def test_an_empty_page_is_fetched_as_empty(site: LocalSite, settings) -> None:
    page = fetch(site.page("/empty", b""), settings)
    assert page.text == "" and page.sha256 == hashlib.sha256(b"").hexdigest()


UKRAINIAN = (
    "Київ оголосив про нові заходи підтримки. Уряд України повідомив, що допомога "
    "отримають понад два мільйони родин, а виплати почнуться наступного місяця."
)
FRENCH = (
    "Le café coûte 3 € aujourd’hui – « très cher » dit-il. La réunion à Bruxelles a été "
    "reportée à la semaine prochaine, selon les ministres présents."
)


def _html(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "expected", "encoding"),
    [
        (_html(UKRAINIAN).encode("cp1251"), "text/html; charset=windows-1251", UKRAINIAN, "cp1251"),
        (_html(FRENCH).encode("cp1252"), "text/html; charset=ISO-8859-1", FRENCH, "cp1252"),
        (
            _html(UKRAINIAN, '<meta charset="windows-1251">').encode("cp1251"),
            "text/html",
            UKRAINIAN,
            "cp1251",
        ),
        (
            _html(
                FRENCH, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            ).encode("cp1252"),
            "text/html",
            FRENCH,
            "cp1252",
        ),
        (_html(UKRAINIAN).encode("cp1251"), "text/html", UKRAINIAN, "cp1251"),
        (_html(FRENCH).encode("utf-8"), "text/html; charset=windows-1252", FRENCH, "utf-8"),
    ],
    ids=[
        "header-cp1251",
        "header-latin1-means-cp1252",
        "meta-cp1251",
        "meta-latin1",
        "undeclared-cp1251",
        "mislabelled-utf8",
    ],
)
def test_legacy_encodings_are_decoded(
    site: LocalSite, settings, body, content_type, expected, encoding
) -> None:
    page = fetch(site.page("/legacy", body, content_type=content_type), settings)
    assert expected in page.text
    assert page.encoding == encoding
    assert page.sha256 == hashlib.sha256(body).hexdigest()
