"""HTTPS to the vetted address: the connection goes to the IP, yet the TLS server name and
the certificate check use the host's name (a certificate for another name is refused).

A throw-away certificate authority signs a certificate for ``news.test``; the fetch trusts
it through ``SSL_CERT_FILE`` (which httpx reads), and the resolver answers 127.0.0.1.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.web.conftest import article_html
from workbench.fetching import FetchError, fetch
from workbench.settings import Settings

PAGE = article_html().encode("utf-8")


def _certificate(subject: str, issuer_key, issuer: x509.Name, key, *, ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture
def tls_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """An HTTPS server on 127.0.0.1 with a certificate for news.test only; its port."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test newsroom CA")])
    ca = _certificate("Test newsroom CA", ca_key, ca_name, ca_key, ca=True)
    leaf = _certificate("news.test", ca_key, ca_name, key, ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def names_resolve_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    """news.test and other.test resolve to 127.0.0.1, without a DNS server."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in ("news.test", "other.test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_https_to_the_vetted_address_checks_the_name(tls_site: int, names_resolve_locally) -> None:
    settings = Settings(fetch_allow_hosts=("news.test", "other.test"))
    page = fetch(f"https://news.test:{tls_site}/story", settings)
    assert page.status == 200 and page.text.encode("utf-8") == PAGE
    with pytest.raises(FetchError, match="security certificate is not valid for other.test"):
        fetch(f"https://other.test:{tls_site}/story", settings)


def test_the_vetted_address_is_an_ip_literal(tls_site: int) -> None:
    """Reaching the same server by its IP: the certificate does not name it, so refused."""
    with pytest.raises(FetchError, match="security certificate is not valid for 127.0.0.1"):
        fetch(f"https://127.0.0.1:{tls_site}/story", Settings(fetch_allow_hosts=("127.0.0.1",)))
