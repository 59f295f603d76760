"""Which addresses the workbench refuses to connect to, and how a name is resolved: once per
hop, to the address then used for the connection (no network needed, except the local site
for the last test)."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from tests.web.conftest import LocalSite, article_html
from workbench.fetching import fetch
from workbench.settings import Settings
from workbench.web_addresses import FetchError, address_refusal

REFUSED = {
    "127.0.0.1": "the workbench's own server",
    "127.8.9.10": "the workbench's own server",
    "::1": "the workbench's own server",
    "0.0.0.0": "the workbench's own server",
    "::": "the workbench's own server",
    "10.0.0.5": "the newsroom's own network",
    "172.16.0.1": "the newsroom's own network",
    "172.31.255.254": "the newsroom's own network",
    "192.168.1.20": "the newsroom's own network",
    "169.254.10.1": "the newsroom's own network",
    "100.64.0.1": "the newsroom's own network",
    "fc00::1": "the newsroom's own network",
    "fd12:3456::1": "the newsroom's own network",
    "fe80::1": "the newsroom's own network",
    "169.254.169.254": "metadata service",
    "fd00:ec2::254": "metadata service",
    "100.100.100.200": "metadata service",
    "::ffff:127.0.0.1": "the workbench's own server (127.0.0.1)",
    "::ffff:10.0.0.5": "the newsroom's own network (10.0.0.5)",
    "::ffff:169.254.169.254": "metadata service",
    "64:ff9b::a00:5": "the newsroom's own network (10.0.0.5)",
    "2002:7f00:1::": "the workbench's own server (127.0.0.1)",
    "::7f00:1": "the workbench's own server (127.0.0.1)",
    "224.0.0.1": "not a public internet address",
    "ff02::1": "not a public internet address",
    "240.0.0.1": "not a public internet address",
    "255.255.255.255": "not a public internet address",
}
PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "172.32.0.1",
    "11.0.0.1",
]


@pytest.mark.parametrize(("address", "needle"), REFUSED.items(), ids=list(REFUSED))
def test_inside_addresses_are_refused(address: str, needle: str) -> None:
    assert needle in (address_refusal(ipaddress.ip_address(address)) or "")


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str] | socket.gaierror]:
    """What each name resolves to (a list of addresses or a resolver error); every lookup is
    recorded under "looked up"."""
    answers: dict = {"looked up": []}

    def getaddrinfo(host, port, *args, **kwargs):
        answers["looked up"].append(host)
        answer = answers.get(host)
        if isinstance(answer, socket.gaierror):
            raise answer
        if answer is None:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in answer
        ]

    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_name_resolving_inside_is_refused(resolver) -> None:
    resolver["intranet.example"] = ["10.0.0.5"]
    with pytest.raises(
        FetchError,
        match=r"^The address points into the newsroom's own "
        r"network \(10\.0\.0\.5\); fetching it is not "
        r"allowed\.$",
    ):
        fetch("http://intranet.example/", Settings())


def test_a_name_with_one_inside_address_among_public_ones_is_refused(resolver) -> None:
    """A rebinding set-up: the check and the connection could otherwise see different ones."""
    resolver["mixed.example"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(FetchError, match="own server"):
        fetch("https://mixed.example/", Settings())


def test_the_metadata_address_stays_refused_for_an_allowed_host(resolver) -> None:
    resolver["metadata.internal"] = ["169.254.169.254"]
    settings = Settings(fetch_allow_hosts=("metadata.internal", "169.254.169.254"))
    for url in ("http://metadata.internal/latest/", "http://169.254.169.254/latest/"):
        with pytest.raises(FetchError, match="metadata service"):
            fetch(url, settings)


def test_a_name_that_does_not_exist_is_named(resolver) -> None:
    resolver["no-such-site.example"] = socket.gaierror(socket.EAI_NONAME, "Name not known")
    with pytest.raises(
        FetchError,
        match=r"^There is no web site at no-such-site\.example: "
        r"the name does not exist\.",
    ):
        fetch("https://no-such-site.example/story", Settings())


def test_no_network_says_so(resolver) -> None:
    resolver["example.org"] = socket.gaierror(socket.EAI_AGAIN, "Temporary failure")
    with pytest.raises(FetchError, match=r"^No network: could not reach example\.org\.$"):
        fetch("https://example.org/", Settings())


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://example.org/file.txt", "not a web page address"),
        ("file:///etc/passwd", "not a web page address"),
        ("javascript:alert(1)", "not a web page address"),
        ("example.org/story", "not a web page address"),
        ("https://user:secret@example.org/", "user name or password"),
        ("http://example.org:port/", "not a valid web address"),
    ],
)
def test_only_plain_web_addresses_are_fetched(resolver, url: str, needle: str) -> None:
    with pytest.raises(FetchError, match=needle):
        fetch(url, Settings())
    assert resolver["looked up"] == []


def test_the_name_is_looked_up_once_and_sent_as_the_host(resolver, site: LocalSite) -> None:
    """The connection goes to the vetted address: a second lookup (which a rebinding DNS
    server would answer differently) never happens; the site still sees its own name."""
    resolver["newsroom-wiki.test"] = ["127.0.0.1"]
    site.page("/story", article_html())
    settings = Settings(fetch_allow_hosts=("newsroom-wiki.test",))
    page = fetch(f"http://newsroom-wiki.test:{site.port}/story", settings)
    assert page.final_url == f"http://newsroom-wiki.test:{site.port}/story"
    assert resolver["looked up"].count("newsroom-wiki.test") == 1
    ((_path, headers),) = site.requests
    assert headers["Host"] == f"newsroom-wiki.test:{site.port}"
