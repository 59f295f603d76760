"""Fetching a web page a fact-checker asked for, without letting the address reach inside.

An address typed into the workbench makes *the server* connect somewhere, from inside the
newsroom's network (server-side request forgery). So, on every fetch and every redirect:

- only ``http`` and ``https``, no user name or password in the address;
- the host is resolved and every address it resolves to is vetted
  (workbench/web_addresses.py); the connection then goes to the vetted address itself, with
  the name in the ``Host`` header and the TLS server name, so a second DNS answer cannot
  swap the target between the check and the connection (DNS rebinding);
- redirects are followed here, at most :data:`MAX_REDIRECTS`, each hop vetted again,
  loops refused;
- connect and read timeouts and one deadline for the whole fetch; the content type is
  checked before the body is read, and reading stops at the size cap (decompressed size,
  so a small gzip bomb cannot grow past it).

``Settings.fetch_allow_hosts`` names internal hosts a newsroom needs; the cloud metadata
address is refused even then. The rules and why: docs/decisions/0010-fetching-web-pages.md.
"""

from __future__ import annotations

import hashlib
import http
import re
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import httpx

from workbench.settings import Settings
from workbench.text.encoding import ArticleInputError, declared_charset, decode
from workbench.web_addresses import FetchError, vetted_addresses

MAX_REDIRECTS = 5
#: Media types read as pages; anything else is refused before its body is read.
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAMED_TYPES = {
    "application/pdf": "a PDF",
    "application/json": "JSON data",
    "application/zip": "a ZIP archive",
    "application/octet-stream": "a binary file",
    "text/css": "a style sheet",
    "text/javascript": "a script",
    "application/javascript": "a script",
    "text/csv": "a spreadsheet (CSV)",
}
_NAMED_FAMILIES = {
    "image": "an image",
    "video": "a video",
    "audio": "a sound file",
    "font": "a font",
}
_CHARSET_LABEL = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page, decoded. ``sha256`` is of the body bytes as the site sent them (after
    HTTP compression is undone), so a later fetch shows whether the page changed."""

    url: str
    final_url: str
    status: int
    content_type: str  # media type, lowercase, without parameters
    sha256: str
    text: str
    encoding: str
    fetched_at: datetime  # UTC, when the answer's headers arrived
    redirects: tuple[str, ...]  # the addresses before final_url, in order
    content_language: str | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class OpenedPage:
    """The final answer of :func:`open_page`, its body not yet read."""

    response: httpx.Response
    url: httpx.URL
    redirects: tuple[str, ...]
    deadline: Deadline
    fetched_at: datetime


class Deadline:
    """One time limit for a whole fetch, hops and body included: a site that trickles a byte
    before each read timeout would otherwise never time out."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; raises FetchError once none are."""
        left = self._ends - time.monotonic()
        if left <= 0:
            raise self.exceeded()
        return left

    def exceeded(self) -> FetchError:
        return FetchError(f"The page took longer than {self.seconds:g} s.")


def fetch(url: str, settings: Settings) -> FetchedPage:
    """Fetch a web page under the rules above and decode it.

    Raises FetchError (an InvalidInput) for a refused or unreachable address, a redirect
    loop, an error status (404, 500, …), a timeout, a page over the size cap, content that is
    not a web page (PDF, image, JSON, …) or text whose encoding cannot be worked out.
    """
    with open_page(url, settings) as opened:
        response = opened.response
        if not 200 <= response.status_code < 300:
            raise _status_error(response.status_code)
        media_type, charset = _content_type(response)
        data = _read_body(response, settings.fetch_max_bytes, opened.deadline)
    if not media_type and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        media_type = "text/html"  # old servers omit the type; browsers sniff markup too
    if not media_type:
        raise FetchError(
            "That address did not say what it returned, and it does not look like a web page."
        )
    text, encoding, warnings = _decode(data, charset, media_type)
    return FetchedPage(
        url=url,
        final_url=str(opened.url),
        status=response.status_code,
        content_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        encoding=encoding,
        fetched_at=opened.fetched_at,
        redirects=opened.redirects,
        content_language=response.headers.get("content-language"),
        warnings=tuple(warnings),
    )


@contextmanager
def open_page(
    url: str, settings: Settings, *, timeout: float | None = None
) -> Iterator[OpenedPage]:
    """Follow ``url`` and its redirects under the rules above; yields the final answer with
    its body unread (closed on exit). ``timeout`` (seconds) replaces the fetch timeout, for
    slow services such as a public archive. Raises FetchError."""
    seconds = timeout or settings.fetch_timeout_seconds
    deadline = Deadline(seconds)
    current = _web_address(url)
    chain: list[str] = []
    # The transport, not httpx.Client: a client would resolve and build the redirects we
    # follow ourselves, and read proxy settings from the environment.
    with httpx.HTTPTransport() as transport:
        while True:
            response = _send(transport, current, settings, deadline, redirected=bool(chain))
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                try:
                    yield OpenedPage(response, current, tuple(chain), deadline, datetime.now(UTC))
                finally:
                    response.close()
                return
            response.close()
            chain.append(str(current))
            current = _next_hop(current, location, chain)


def _web_address(url: str, *, redirected: bool = False) -> httpx.URL:
    """``url`` parsed, if it is an http(s) address the workbench may ask for."""
    subject = "The page redirects to an address that" if redirected else "The address"
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, UnicodeError) as error:
        raise FetchError(f"{subject} is not a valid web address.") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(
            f"{subject} is not a web page address (it must start with http:// or https://)."
        )
    if parsed.userinfo:
        raise FetchError(
            f"{subject} contains a user name or password; the workbench does not send those."
        )
    return parsed.copy_with(fragment=None)


def _next_hop(current: httpx.URL, location: str, chain: list[str]) -> httpx.URL:
    try:
        target = _web_address(str(current.join(location)), redirected=True)
    except httpx.InvalidURL as error:
        raise FetchError("The page redirects to an address that is not valid.") from error
    if str(target) in chain:
        raise FetchError(
            "The page redirects in a loop and never arrives; open it in a "
            "browser to see what the site does."
        )
    if len(chain) > MAX_REDIRECTS:
        raise FetchError(
            f"The page redirects more than {MAX_REDIRECTS} times; open it in a "
            "browser and use the address it ends at."
        )
    return target


def _send(
    transport: httpx.HTTPTransport,
    url: httpx.URL,
    settings: Settings,
    deadline: Deadline,
    *,
    redirected: bool,
) -> httpx.Response:
    """GET ``url`` from one of its vetted addresses (the next one when one does not answer),
    with the name in the Host header and the TLS server name."""
    host = url.host
    headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": f"claim-workbench (fact-checking; +{settings.organisation_url})",
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    error: httpx.TransportError | None = None
    for address in vetted_addresses(url, settings.fetch_allow_hosts, redirected=redirected):
        timeout = httpx.Timeout(min(deadline.seconds, deadline.remaining()))
        request = httpx.Request(
            "GET",
            url.copy_with(host=str(address)),
            headers=headers,
            extensions={"sni_hostname": url.raw_host.decode("ascii"), "timeout": timeout.as_dict()},
        )
        try:
            return transport.handle_request(request)
        except httpx.TimeoutException as timeout:
            raise deadline.exceeded() from timeout
        except httpx.ConnectError as refused:
            error = refused
        except httpx.TransportError as broken:
            raise FetchError(f"{host} sent a broken answer; try again later.") from broken
    if error is not None and "CERTIFICATE_VERIFY_FAILED" in str(error):
        raise FetchError(
            f"The site's security certificate is not valid for {host}; the page was not fetched."
        ) from error
    raise FetchError(
        f"Could not connect to {host}: the site is down, or there is no network."
    ) from error


def _status_error(status: int) -> FetchError:
    try:
        answer = f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        answer = str(status)
    hint = " The page may need a sign-in." if status in (401, 403) else ""
    return FetchError(f"The site answered {answer}.{hint}", status)


def _content_type(response: httpx.Response) -> tuple[str, str | None]:
    """(media type, declared charset label); refuses what is not a page before reading it."""
    header = response.headers.get("content-type", "")
    media_type = header.split(";", 1)[0].strip().lower()
    if media_type and media_type not in PAGE_TYPES:
        family = media_type.split("/", 1)[0]
        what = (
            _NAMED_TYPES.get(media_type)
            or _NAMED_FAMILIES.get(family)
            or f"a file of type {media_type}"
        )
        raise FetchError(f"That address returned {what}, not a web page.")
    charset = _CHARSET_LABEL.search(header)
    return media_type, charset.group(1) if charset else None


def _read_body(response: httpx.Response, cap: int, deadline: Deadline) -> bytes:
    """The body, decompressed here so that reading stops at ``cap`` bytes of page."""
    too_big = FetchError(f"The page is larger than {_size(cap)}.")
    decompressor = _decompressor(response.headers.get("content-encoding", ""))
    declared = response.headers.get("content-length", "")
    if isinstance(decompressor, _Identity) and declared.isdigit() and int(declared) > cap:
        raise too_big
    body = bytearray()
    try:
        for raw in response.iter_raw():
            deadline.remaining()
            # max_length bounds what one chunk may expand to; 0 would mean "no bound".
            body += decompressor.decompress(raw, cap + 1 - len(body))
            if len(body) > cap or decompressor.unconsumed_tail:
                raise too_big
        body += decompressor.flush()
    except httpx.TimeoutException as timeout:
        raise deadline.exceeded() from timeout
    except (httpx.TransportError, zlib.error) as error:
        raise FetchError("The site broke off the page halfway; try again later.") from error
    if len(body) > cap:
        raise too_big
    return bytes(body)


class Decompressor(Protocol):
    """What :func:`_read_body` needs of ``zlib.decompressobj()``."""

    @property
    def unconsumed_tail(self) -> bytes: ...

    def decompress(self, data: bytes, /, max_length: int) -> bytes: ...

    def flush(self) -> bytes: ...


class _Identity:
    """A decompressor for a body sent as is."""

    unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        self.unconsumed_tail = data[max_length:]
        return data[:max_length]

    def flush(self) -> bytes:
        return b""


def _decompressor(encoding: str) -> _Identity | Decompressor:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(wbits=47)  # 32 + 15: a gzip or zlib header, detected
    raise FetchError(
        f"The site sent the page compressed in a way the workbench does not read ({encoding})."
    )


def _decode(data: bytes, label: str | None, media_type: str) -> tuple[str, str, list[str]]:
    """BOM, then strict UTF-8, then the charset the header or the page declares, then
    detection (workbench.text.encoding explains that order)."""
    # The header's label goes through the same parser as a <meta> one: the same WHATWG
    # aliases (ISO-8859-1 means windows-1252) and the same refusal of UTF-16 on ASCII bytes.
    declared = (
        declared_charset(b'<meta charset="' + label.encode("ascii") + b'">') if label else None
    )
    if declared is None and media_type != "text/plain":
        declared = declared_charset(data)
    try:
        return decode(data, declared)
    except ArticleInputError as error:
        raise FetchError(
            "The page's text encoding could not be worked out. Copy the text "
            "from your browser and paste it instead."
        ) from error


def _size(count: int) -> str:
    megabytes = count / 1_048_576
    return f"{megabytes:.3g} MB" if megabytes >= 1 else f"{count / 1024:.3g} KB"
