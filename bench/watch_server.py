"""Many made-up plugin hosts on one local HTTPS server, for the watch's tests and benchmark.

One ThreadingHTTPServer on 127.0.0.1 answers for every `<name>.example.com` by its Host header,
with a certificate for *.example.com from a throwaway CA. `route_fetcher` points the safe
fetcher's test seams at it (DNS answers a public-looking address, the connect goes to the
local port, TLS trusts the throwaway CA), so the fetcher runs exactly as in production: DNS,
address checks, TLS with SNI and hostname verification, caps and deadline.

Each host serves its documents with an ETag and Last-Modified and answers 304 to a matching
If-None-Match / If-Modified-Since. A host can be `down` (503), `slow` (waits `delay` seconds
before answering) or `drip` (a byte every half second, never finishing). The server counts the
connections open at once (`peak`) and keeps every request's host, path, validators and status.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PUBLIC_IP = "93.184.216.34"
DOMAIN = "example.com"
LAST_MODIFIED = format_datetime(datetime(2026, 11, 1, tzinfo=UTC), usegmt=True)


@dataclass
class Host:
    documents: dict[str, bytes] = field(default_factory=dict)
    mode: str = "ok"  # ok | down | slow | drip
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    host: str
    path: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int
    started: float
    finished: float


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        app = self.server.app
        with app.lock:
            app.active += 1
            app.peak = max(app.peak, app.active)
        try:
            self.request.do_handshake()  # here, not in the accepting thread
        except (OSError, ssl.SSLError):
            self._count_down()
            raise
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._count_down()

    def _count_down(self) -> None:
        with self.server.app.lock:
            self.server.app.active -= 1

    def do_GET(self) -> None:
        app = self.server.app
        started = time.monotonic()
        name = (self.headers.get("Host") or "").split(":")[0].lower()
        host = app.hosts.get(name)
        status = 404
        try:
            status = self._answer(host)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, TimeoutError, OSError):
            status = 0  # the fetcher hung up (its deadline)
        finally:
            app.requests.append(
                Request(
                    name,
                    self.path,
                    self.headers.get("If-None-Match"),
                    self.headers.get("If-Modified-Since"),
                    status,
                    started,
                    time.monotonic(),
                )
            )

    def _answer(self, host: Host | None) -> int:
        if host is None or host.mode == "down":
            return self._send(404 if host is None else 503, b"")
        if host.mode == "slow":
            time.sleep(host.delay)
        body = host.documents.get(self.path)
        if body is None:
            return self._send(404, b"")
        etag = etag_of(body)
        if host.mode == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 10_000))
            self.end_headers()
            for _ in range(10_000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
            return 200
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-None-Match") is None
            and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            return self._send(304, b"", etag=etag)
        return self._send(200, body, etag=etag)

    def _send(self, status: int, body: bytes, *, etag: str = "") -> int:
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
        if status != 304:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        return status

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    app: PluginServer


class PluginServer:
    """The server; `hosts` maps a host name to what it serves."""

    def __init__(self, tls: dict[str, str]) -> None:
        self.tls = tls
        self.hosts: dict[str, Host] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls["cert"], tls["key"])
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.app = self
        self.httpd.socket = context.wrap_socket(
            self.httpd.socket, server_side=True, do_handshake_on_connect=False
        )
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def reset_counts(self) -> None:
        with self.lock:
            self.peak = self.active
            self.requests = []

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def route_fetcher(server: PluginServer, setattr_=setattr) -> None:
    """Point core.fetch's test seams at the server (pass monkeypatch.setattr in tests)."""
    from core.fetch import transport

    real_open = transport._open_socket
    context = ssl.create_default_context(cadata=server.tls["ca"])

    def resolve(host: str, port: int) -> list[str]:
        if host.endswith("." + DOMAIN) and host.lower() in server.hosts:
            return [PUBLIC_IP]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def open_socket(address: tuple[str, int], timeout: float) -> socket.socket:
        if address != (PUBLIC_IP, 443):
            raise AssertionError(f"the fetcher dialled {address}, which no test allowed")
        return real_open(("127.0.0.1", server.port), timeout)

    setattr_(transport, "_resolve", resolve)
    setattr_(transport, "_open_socket", open_socket)
    setattr_(transport, "_ssl_context", lambda: context)


def make_tls(folder: Path, name: str = f"*.{DOMAIN}", days: int = 30) -> dict[str, str]:
    """A throwaway CA and a certificate for `name` (*.example.com by default), valid `days`,
    written to folder: {"ca": the CA's PEM, "cert": the leaf's file, "key": its key's file}.
    Also the fetcher's TLS tests' material (tests/core/test_fetch.py)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PluginStore test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "leaf.pem", folder / "leaf.key"
    cert_file.write_bytes(leaf_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return {
        "ca": ca_cert.public_bytes(serialization.Encoding.PEM).decode(),
        "cert": str(cert_file),
        "key": str(key_file),
    }
