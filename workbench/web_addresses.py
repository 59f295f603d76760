"""Which addresses the workbench may connect to when it fetches a page for someone.

An address typed into the workbench makes the *server* connect from inside the newsroom's
network, so every host is resolved here and each address it resolves to is vetted
(:func:`address_refusal`) before workbench/fetching.py connects to that very address. The
rules and why: docs/decisions/0010-fetching-web-pages.md.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

import httpx

from workbench.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: AWS, GCP and Azure (IPv4), AWS (IPv6), Alibaba Cloud: they hand out the server's
#: credentials to whoever asks, so no setting allows them.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
# Carrier-grade NAT space: not "private" to Python, yet never a public web site.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
# NAT64 and the deprecated IPv4-compatible form carry an IPv4 address in their last 32 bits.
_IPV4_CARRIERS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
_LOG = logging.getLogger(__name__)


class FetchError(InvalidInput):
    """A page the workbench could not or would not fetch; the message says why, for a
    fact-checker. ``status`` is the site's HTTP status when it answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def address_refusal(address: IPAddress) -> str | None:
    """Why the workbench must not connect to ``address``, as the end of a sentence starting
    "The address …", or None for a public internet address. Checks an IPv4 address carried
    inside an IPv6 one (mapped, NAT64, 6to4, Teredo) by the IPv4 rules."""
    if address in METADATA_ADDRESSES:
        return f"is the cloud server's metadata service ({address})"
    if address.is_unspecified or address.is_loopback:
        return f"points to the workbench's own server ({address})"
    carried = _carried_ipv4(address)
    if carried is not None:
        return address_refusal(carried)
    if address.is_multicast or address.is_reserved:
        return f"is not a public internet address ({address})"
    if address.is_private or address.is_link_local or address in _SHARED_ADDRESS_SPACE:
        return f"points into the newsroom's own network ({address})"
    if not address.is_global:
        return f"is not a public internet address ({address})"
    return None


def _carried_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv6 one (Teredo client, NAT64, IPv4-compatible, mapped,
    6to4), if it carries one."""
    if address.version == 4:
        return None
    if address.teredo:
        return address.teredo[1]
    if any(address in network for network in _IPV4_CARRIERS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.ipv4_mapped or address.sixtofour


def vetted_addresses(
    url: httpx.URL, allowed_hosts: tuple[str, ...], *, redirected: bool
) -> list[IPAddress]:
    """Every address ``url``'s host resolves to, if none is refused: a name that also points
    inside is refused even when it has public addresses too (a rebinding set-up)."""
    host = url.host.lower().rstrip(".")
    allowed = host in allowed_hosts
    addresses = _resolve(url)
    for address in addresses:
        why = address_refusal(address)
        if why and (not allowed or address in METADATA_ADDRESSES):
            _LOG.warning("fetch refused", extra={"host": host, "address": str(address)})
            subject = (
                f"The page redirects to {host}, and the address" if redirected else "The address"
            )
            raise FetchError(f"{subject} {why}; fetching it is not allowed.")
    return addresses


def _resolve(url: httpx.URL) -> list[IPAddress]:
    """The addresses ``url``'s host resolves to, in the resolver's order of preference."""
    host = url.raw_host.decode("ascii")
    try:
        found = socket.getaddrinfo(
            host, url.port or (443 if url.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except socket.gaierror as error:
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
            raise FetchError(
                f"There is no web site at {url.host}: the name does not exist. "
                "Check the address for typos."
            ) from error
        raise FetchError(f"No network: could not reach {url.host}.") from error
    except UnicodeError as error:
        raise FetchError(f"{url.host} is not a valid site name.") from error
    # A scope ("%eth0") only follows link-local IPv6 addresses, which are refused anyway.
    return list(
        dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found)
    )
