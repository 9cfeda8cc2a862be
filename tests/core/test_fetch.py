"""core.fetch: every refusal happens before a connection, and local servers prove the limits.

No test touches the real network: the `net` fixture replaces the fetcher's DNS and connect seams,
records every lookup and connection, and routes made-up public addresses to a local server.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_django.fixtures import Settings

from bench.watch_server import make_tls
from core.fetch import (
    MANIFEST_MAX_BYTES,
    USER_AGENT,
    FetchError,
    FetchResult,
    fetch_url,
    is_public_address,
    transport,
)

PUBLIC_IP = "93.184.216.34"
OTHER_PUBLIC_IP = "93.184.216.35"
_REAL_OPEN_SOCKET = transport._open_socket
_REAL_RESOLVE = transport._resolve

Route = Callable[[BaseHTTPRequestHandler], None]


# --- the fake network -----------------------------------------------------------------------


class FakeNet:
    """Stands in for DNS and TCP connect; only routes a test set up can be dialled."""

    def __init__(self) -> None:
        self.dns: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answer = self.dns.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answer() if callable(answer) else list(answer)

    def open_socket(self, address: tuple[str, int], timeout: float) -> socket.socket:
        self.connects.append(address)
        real = self.routes.get(address)
        if real is None:
            raise AssertionError(f"the fetcher dialled {address}, which no test allowed")
        return _REAL_OPEN_SOCKET(real, timeout)

    def serve(self, host: str, server: LocalServer, *, ip: str = PUBLIC_IP, port: int = 80) -> None:
        """Make host resolve to a public-looking ip whose port is the local server."""
        self.dns[host] = [ip]
        self.routes[(ip, port)] = ("127.0.0.1", server.port)


@pytest.fixture(autouse=True)
def net(monkeypatch: pytest.MonkeyPatch) -> FakeNet:
    fake = FakeNet()
    monkeypatch.setattr(transport, "_resolve", fake.resolve)
    monkeypatch.setattr(transport, "_open_socket", fake.open_socket)
    return fake


# --- a local HTTP(S) server -----------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        app: LocalServer = self.server.app  # type: ignore[attr-defined]
        app.requests.append((self.path, self.headers))
        route = app.routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.send_error(404)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the fetcher hung up on purpose
        finally:
            app.handled.set()

    def log_message(self, format: str, *args: object) -> None:
        pass


class LocalServer:
    """A threaded server on 127.0.0.1 serving `routes` (path -> handler function)."""

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, Message]] = []
        self.sni: list[str | None] = []
        self.bytes_sent = 0
        self.handled = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.app = self  # type: ignore[attr-defined]
        if tls_context is not None:
            tls_context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(net: FakeNet) -> Iterator[LocalServer]:
    local = LocalServer()
    net.routes[("127.0.0.1", local.port)] = ("127.0.0.1", local.port)
    yield local
    local.close()


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A throwaway CA and a certificate for plugin.example.com only."""
    return make_tls(tmp_path_factory.mktemp("tls"), name="plugin.example.com", days=1)


@pytest.fixture
def tls_server(net: FakeNet, tls_material: dict[str, str]) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_material["cert"], tls_material["key"])
    local = LocalServer(tls_context=context)
    yield local
    local.close()


@pytest.fixture
def trust_test_ca(monkeypatch: pytest.MonkeyPatch, tls_material: dict[str, str]) -> None:
    """Trust the test CA the way the real context trusts the system store."""
    context = ssl.create_default_context(cadata=tls_material["ca"])
    monkeypatch.setattr(transport, "_ssl_context", lambda: context)


# --- routes ---------------------------------------------------------------------------------


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes = b'{"ok": true}',
    *,
    status: int = 200,
    headers: dict[str, str | None] | None = None,
) -> None:
    """Answer with body; a header given as None is left out (Content-Length: None streams)."""
    handler.send_response(status)
    headers = {"Content-Type": "application/json", **(headers or {})}
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        if value is not None:
            handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def answer(
    body: bytes = b'{"ok": true}',
    *,
    status: int = 200,
    headers: dict[str, str | None] | None = None,
) -> Route:
    return lambda handler: send(handler, body, status=status, headers=headers)


def redirect(location: str, status: int = 302) -> Route:
    return answer(b"", status=status, headers={"Location": location})


def refuse(url: str, code: str, *, allow_localhost: bool = False) -> FetchError:
    """Fetch url and insist it fails with code and a message."""
    with pytest.raises(FetchError) as caught:
        fetch_url(url, max_bytes=MANIFEST_MAX_BYTES, allow_localhost=allow_localhost)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    return caught.value


# --- addresses and domains ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "192.88.99.1",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:8.8.8.8",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b:1::808:808",
        "2002:a9fe:a9fe::",
        "2002:7f00:1::1",
        "2002:0a00:0001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:db8::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "100::1",
        "3fff::1",
    ],
)
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        PUBLIC_IP,
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


# --- refusals before any I/O ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://example.com/_GET",
        "ftp://example.com/manifest.json",
        "data:application/json,{}",
        "javascript:alert(1)",
        "dict://example.com:11211/",
        "example.com/manifest.json",
        "//example.com/manifest.json",
    ],
)
def test_only_http_and_https_are_fetched(url: str, net: FakeNet) -> None:
    refuse(url, "fetch.scheme", allow_localhost=True)
    assert net.lookups == [] and net.connects == []


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "LOCALHOST",
        "api.localhost",
        "127.1",
        "0177.0.0.1",
        "0x7f000001",
        "0x7f.1",
        "2130706433",
        "0.0.0.0",
        "0",
        "[::1]",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::ffff:a9fe:a9fe]",
        "169.254.169.254",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "[fe80::1]",
        "[fc00::1]",
        "[64:ff9b::a9fe:a9fe]",
        "[2002:a9fe:a9fe::]",
        "224.0.0.1",
    ],
)
def test_non_public_ip_literals_are_refused_without_dns_or_connecting(
    host: str, net: FakeNet
) -> None:
    error = refuse(f"https://{host}/.well-known/ai-plugin.json", "fetch.blocked_address")
    assert "not a public internet address" in error.message
    assert net.lookups == [] and net.connects == []


@pytest.mark.parametrize(
    "host",
    ["127.1", "0x7f000001", "2130706433", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0"],
)
def test_only_the_two_exact_dev_hosts_get_the_localhost_exception(
    host: str, server: LocalServer, net: FakeNet
) -> None:
    refuse(f"http://{host}:{server.port}/ok", "fetch.blocked_address", allow_localhost=True)
    assert net.connects == [] and server.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@example.com/manifest.json",
        "https://user@example.com/manifest.json",
        "https://example.com\\@evil.example.net/",
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/\r\nX-Injected: 1",
        "https://[fe80::1%25eth0]/",
        "https://[not-an-ip]/",
        "https://example.com:99999/",
        "https:///manifest.json",
        "https://exa..mple.com/",
        "https://1.2.3.4.5/",
        "https://999.1.1.1/",
        "https://0x08080808/",
    ],
)
def test_malformed_urls_are_refused(url: str, net: FakeNet) -> None:
    refuse(url, "fetch.bad_url")
    assert net.lookups == [] and net.connects == []


@pytest.mark.parametrize(
    ("url", "allow_localhost"),
    [
        ("https://example.com:8443/manifest.json", False),
        ("https://example.com:80/manifest.json", False),
        ("http://example.com:8080/manifest.json", True),
        ("http://8.8.8.8:8080/manifest.json", True),
    ],
)
def test_non_default_ports_are_refused(url: str, allow_localhost: bool, net: FakeNet) -> None:
    error = refuse(url, "fetch.port", allow_localhost=allow_localhost)
    assert "default port" in error.message
    assert net.lookups == [] and net.connects == []


def test_plain_http_is_refused_outside_local_development(net: FakeNet) -> None:
    error = refuse("http://example.com/.well-known/ai-plugin.json", "fetch.https_required")
    assert "https://" in error.message
    assert net.lookups == [] and net.connects == []


def test_a_host_resolving_to_a_private_address_is_refused(net: FakeNet) -> None:
    net.dns["intranet.example.com"] = ["10.0.0.1"]
    error = refuse("https://intranet.example.com/manifest.json", "fetch.blocked_address")
    assert "10.0.0.1" in error.message
    assert net.lookups == ["intranet.example.com"] and net.connects == []


@pytest.mark.parametrize("bad", ["127.0.0.1", "::ffff:10.0.0.1", "fd00::1", "169.254.169.254"])
def test_one_private_address_among_public_ones_is_enough_to_refuse(bad: str, net: FakeNet) -> None:
    net.dns["mixed.example.com"] = [PUBLIC_IP, bad]
    refuse("https://mixed.example.com/manifest.json", "fetch.blocked_address")
    assert net.connects == []


def test_an_unknown_host_is_a_dns_error(net: FakeNet) -> None:
    refuse("https://no-such-host.example.com/manifest.json", "fetch.dns")
    assert net.connects == []


def test_a_slow_dns_lookup_is_stopped_by_the_deadline(net: FakeNet) -> None:
    def slow() -> list[str]:
        time.sleep(3)
        return [PUBLIC_IP]

    net.dns["slow.example.com"] = slow
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url("https://slow.example.com/", max_bytes=MANIFEST_MAX_BYTES, deadline=0.5)
    assert caught.value.code == "fetch.timeout"
    assert time.monotonic() - started < 1.5
    assert net.connects == []


def test_the_real_resolver_returns_each_address_once() -> None:
    # A numeric host never leaves the machine, so the production seam can be called here.
    assert _REAL_RESOLVE("127.0.0.1", 443) == ["127.0.0.1"]


# --- local development over plain http ------------------------------------------------------


def test_a_local_plugin_is_fetched_in_development(server: LocalServer) -> None:
    server.routes["/.well-known/ai-plugin.json"] = answer(b'{"name": "todo"}')
    url = f"http://localhost:{server.port}/.well-known/ai-plugin.json"

    result = fetch_url(url, max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True)

    assert result == FetchResult(
        url=url,
        final_url=url,
        status=200,
        content_type="application/json",
        body=b'{"name": "todo"}',
    )
    _path, headers = server.requests[0]
    assert headers["User-Agent"] == USER_AGENT
    assert headers["Accept"] == "application/json"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Host"] == f"localhost:{server.port}"


def test_the_setting_decides_when_allow_localhost_is_not_given(
    server: LocalServer, settings: Settings
) -> None:
    server.routes["/ok"] = answer()
    url = f"http://127.0.0.1:{server.port}/ok"

    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    assert fetch_url(url, max_bytes=MANIFEST_MAX_BYTES).body == b'{"ok": true}'

    settings.PLUGINSTORE_ALLOW_LOCALHOST = False
    with pytest.raises(FetchError):
        fetch_url(url, max_bytes=MANIFEST_MAX_BYTES)
    assert server.paths() == ["/ok"]


def test_an_error_status_is_reported_with_the_status(server: LocalServer) -> None:
    error = refuse(
        f"http://127.0.0.1:{server.port}/missing", "fetch.http_status", allow_localhost=True
    )
    assert "404" in error.message


def test_a_redirect_status_without_location_is_an_error(server: LocalServer) -> None:
    server.routes["/moved"] = answer(b"", status=302)
    error = refuse(
        f"http://127.0.0.1:{server.port}/moved", "fetch.http_status", allow_localhost=True
    )
    assert "302" in error.message


# --- HTTPS: connect to the checked IP, verify the typed name --------------------------------


def test_https_connects_to_the_checked_address_and_verifies_the_host_name(
    tls_server: LocalServer, net: FakeNet, trust_test_ca: None
) -> None:
    tls_server.routes["/manifest.json"] = answer(b'{"ok": "tls"}')
    answers = iter([[PUBLIC_IP]])
    # A second lookup would be told 127.0.0.1: the fetcher must never ask again.
    net.dns["plugin.example.com"] = lambda: next(answers, ["127.0.0.1"])
    net.routes[(PUBLIC_IP, 443)] = ("127.0.0.1", tls_server.port)

    result = fetch_url("https://plugin.example.com:443/manifest.json", max_bytes=MANIFEST_MAX_BYTES)

    assert result.body == b'{"ok": "tls"}'
    assert net.lookups == ["plugin.example.com"]
    assert net.connects == [(PUBLIC_IP, 443)]
    assert tls_server.sni == ["plugin.example.com"]
    _path, headers = tls_server.requests[0]
    assert headers["Host"] == "plugin.example.com"


def test_a_certificate_for_another_name_is_refused(
    tls_server: LocalServer, net: FakeNet, trust_test_ca: None
) -> None:
    tls_server.routes["/manifest.json"] = answer()
    net.serve("impostor.example.com", tls_server, port=443)
    refuse("https://impostor.example.com/manifest.json", "fetch.tls")
    assert tls_server.requests == []


def test_an_untrusted_certificate_is_refused(tls_server: LocalServer, net: FakeNet) -> None:
    tls_server.routes["/manifest.json"] = answer()
    net.serve("plugin.example.com", tls_server, port=443)
    refuse("https://plugin.example.com/manifest.json", "fetch.tls")
    assert tls_server.requests == []


def test_a_redirect_from_https_to_http_is_refused(
    tls_server: LocalServer, net: FakeNet, trust_test_ca: None
) -> None:
    tls_server.routes["/manifest.json"] = redirect("http://plugin.example.com/manifest.json")
    net.serve("plugin.example.com", tls_server, port=443)
    refuse("https://plugin.example.com/manifest.json", "fetch.https_required")
    assert net.connects == [(PUBLIC_IP, 443)]


# --- body size ------------------------------------------------------------------------------


def test_a_huge_streamed_body_is_cut_off_at_the_cap(server: LocalServer, net: FakeNet) -> None:
    def two_hundred_megabytes(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()  # no Content-Length: only the cap can stop it
        block = bytes(64 * 1024)
        for _ in range(200 * 16):
            handler.wfile.write(block)
            server.bytes_sent += len(block)

    server.routes["/huge"] = two_hundred_megabytes
    net.serve("plugin.example.com", server)
    started = time.monotonic()

    refuse("http://plugin.example.com/huge", "fetch.too_large", allow_localhost=True)

    assert time.monotonic() - started < 3
    assert server.handled.wait(5), "the server kept streaming after the fetcher gave up"
    assert server.bytes_sent < 32 * 1024 * 1024


def test_a_content_length_over_the_cap_is_refused_before_reading(server: LocalServer) -> None:
    def announces_too_much(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(MANIFEST_MAX_BYTES + 1))
        handler.end_headers()
        handler.wfile.flush()
        time.sleep(3)  # a fetcher that waits for the body would hit the deadline instead

    server.routes["/big"] = announces_too_much
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(
            f"http://127.0.0.1:{server.port}/big",
            max_bytes=MANIFEST_MAX_BYTES,
            allow_localhost=True,
            deadline=2,
        )
    assert caught.value.code == "fetch.too_large"
    assert time.monotonic() - started < 1


def test_a_body_exactly_at_the_cap_is_accepted_and_one_more_byte_is_not(
    server: LocalServer,
) -> None:
    body = b"x" * MANIFEST_MAX_BYTES
    server.routes["/full"] = answer(body)
    server.routes["/full-streamed"] = answer(body, headers={"Content-Length": None})
    server.routes["/over-streamed"] = answer(body + b"x", headers={"Content-Length": None})
    base = f"http://127.0.0.1:{server.port}"

    for path in ("/full", "/full-streamed"):
        result = fetch_url(f"{base}{path}", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True)
        assert result.body == body
    refuse(f"{base}/over-streamed", "fetch.too_large", allow_localhost=True)


def test_a_gzip_body_is_decoded_and_capped_after_decoding(server: LocalServer) -> None:
    server.routes["/small"] = answer(
        gzip.compress(b'{"ok": 1}'), headers={"Content-Encoding": "gzip"}
    )
    bomb = gzip.compress(bytes(10 * 1024 * 1024))
    assert len(bomb) < MANIFEST_MAX_BYTES
    server.routes["/bomb"] = answer(bomb, headers={"Content-Encoding": "gzip"})
    base = f"http://127.0.0.1:{server.port}"

    small = fetch_url(f"{base}/small", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True)

    assert small.body == b'{"ok": 1}'
    refuse(f"{base}/bomb", "fetch.too_large", allow_localhost=True)


def test_the_cap_counts_bytes_on_the_wire_not_only_decoded_ones(server: LocalServer) -> None:
    # Bytes after the end of a gzip stream decode to nothing but still fill memory.
    padded = gzip.compress(b'{"ok": 1}') + bytes(MANIFEST_MAX_BYTES)
    server.routes["/padded"] = answer(
        padded, headers={"Content-Encoding": "gzip", "Content-Length": None}
    )
    refuse(f"http://127.0.0.1:{server.port}/padded", "fetch.too_large", allow_localhost=True)


def test_a_server_keeping_the_connection_open_after_the_body_is_not_waited_for(
    server: LocalServer,
) -> None:
    """Looking for bytes past the Content-Length (core/fetch/body.py) takes an instant."""

    def lingers(handler: BaseHTTPRequestHandler) -> None:
        send(handler, b'{"ok": 1}')
        handler.wfile.flush()
        time.sleep(3)  # ignores our Connection: close

    server.routes["/linger"] = lingers
    started = time.monotonic()
    result = fetch_url(
        f"http://127.0.0.1:{server.port}/linger", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True
    )
    assert result.body == b'{"ok": 1}'
    assert time.monotonic() - started < 1


def test_other_content_encodings_are_refused(server: LocalServer) -> None:
    server.routes["/br"] = answer(b"\x1b\x00", headers={"Content-Encoding": "br"})
    refuse(f"http://127.0.0.1:{server.port}/br", "fetch.content_encoding", allow_localhost=True)


# --- the total deadline ---------------------------------------------------------------------


def _drip(handler: BaseHTTPRequestHandler, data: bytes, interval: float) -> None:
    for byte in data:
        handler.wfile.write(bytes([byte]))
        time.sleep(interval)


def test_a_body_dripping_a_byte_at_a_time_is_stopped_at_the_deadline(server: LocalServer) -> None:
    def drips(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.flush()
        _drip(handler, b" " * 100, 0.25)  # each byte well inside any per-read timeout

    server.routes["/drip"] = drips
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(
            f"http://127.0.0.1:{server.port}/drip",
            max_bytes=MANIFEST_MAX_BYTES,
            allow_localhost=True,
            deadline=2,
        )
    assert caught.value.code == "fetch.timeout"
    assert 1.9 < time.monotonic() - started < 3


def test_a_server_going_silent_late_is_stopped_at_the_deadline_not_a_timeout_later(
    server: LocalServer,
) -> None:
    def drips_then_stalls(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.flush()
        _drip(handler, b" " * 6, 0.25)
        time.sleep(4)

    server.routes["/stall"] = drips_then_stalls
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(
            f"http://127.0.0.1:{server.port}/stall",
            max_bytes=MANIFEST_MAX_BYTES,
            allow_localhost=True,
            deadline=2,
        )
    assert caught.value.code == "fetch.timeout"
    # The last read may wait only for the time left, not a fresh full timeout.
    assert 1.9 < time.monotonic() - started < 2.6


def test_headers_dripping_a_byte_at_a_time_are_stopped_at_the_deadline(
    server: LocalServer,
) -> None:
    head = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 200
    server.routes["/drip"] = lambda handler: _drip(handler, head, 0.05)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_url(
            f"http://127.0.0.1:{server.port}/drip",
            max_bytes=MANIFEST_MAX_BYTES,
            allow_localhost=True,
            deadline=2,
        )
    assert caught.value.code == "fetch.timeout"
    assert 1.9 < time.monotonic() - started < 3


# --- redirects ------------------------------------------------------------------------------


@pytest.fixture
def hops(server: LocalServer, net: FakeNet) -> LocalServer:
    """/hop/N redirects to /hop/N-1 ... /hop/0, which answers; served as plugin.example.com."""
    for n in range(1, 6):
        server.routes[f"/hop/{n}"] = redirect(
            f"/hop/{n - 1}", status=(301, 302, 303, 307, 308)[n - 1]
        )
    server.routes["/hop/0"] = answer(b'{"hops": "done"}')
    net.serve("plugin.example.com", server)
    return server


@pytest.mark.parametrize("count", [1, 2, 3])
def test_up_to_three_redirects_are_followed(count: int, hops: LocalServer) -> None:
    result = fetch_url(
        f"http://plugin.example.com/hop/{count}", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True
    )
    assert result.body == b'{"hops": "done"}'
    assert result.final_url == "http://plugin.example.com/hop/0"
    assert result.url == f"http://plugin.example.com/hop/{count}"
    assert len(hops.requests) == count + 1


def test_a_fourth_redirect_is_refused(hops: LocalServer) -> None:
    refuse("http://plugin.example.com/hop/4", "fetch.redirects", allow_localhost=True)
    assert hops.paths() == ["/hop/4", "/hop/3", "/hop/2", "/hop/1"]


def test_a_relative_redirect_is_resolved_against_the_current_url(
    server: LocalServer, net: FakeNet
) -> None:
    server.routes["/a/b/start"] = redirect("../data/manifest.json?v=2")
    server.routes["/a/data/manifest.json"] = answer()
    net.serve("plugin.example.com", server)

    result = fetch_url(
        "http://plugin.example.com/a/b/start", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True
    )

    assert result.final_url == "http://plugin.example.com/a/data/manifest.json?v=2"
    assert server.paths() == ["/a/b/start", "/a/data/manifest.json?v=2"]


def test_a_redirect_to_a_subdomain_of_the_root_is_followed(
    server: LocalServer, net: FakeNet
) -> None:
    server.routes["/start"] = redirect("http://api.example.com/manifest.json")
    server.routes["/manifest.json"] = answer()
    net.serve("www.example.com", server)
    net.serve("api.example.com", server, ip=OTHER_PUBLIC_IP)

    result = fetch_url(
        "http://www.example.com/start", max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True
    )

    assert result.final_url == "http://api.example.com/manifest.json"
    assert net.connects == [(PUBLIC_IP, 80), (OTHER_PUBLIC_IP, 80)]


@pytest.mark.parametrize(
    "location",
    [
        "http://evil.example.net/manifest.json",
        "http://example.com.evil.net/manifest.json",
        "http://notexample.com/manifest.json",
        "http://com/manifest.json",
        f"http://{OTHER_PUBLIC_IP}/manifest.json",
    ],
)
def test_a_redirect_to_another_domain_is_refused(
    location: str, server: LocalServer, net: FakeNet
) -> None:
    server.routes["/start"] = redirect(location)
    net.serve("example.com", server)
    net.serve(location.split("/")[2], server, ip=OTHER_PUBLIC_IP)

    refuse("http://example.com/start", "fetch.redirect_domain", allow_localhost=True)

    assert net.lookups == ["example.com"]
    assert net.connects == [(PUBLIC_IP, 80)]


def test_a_redirect_to_a_private_address_is_refused(server: LocalServer, net: FakeNet) -> None:
    server.routes["/start"] = redirect("http://internal.example.com/latest/meta-data/")
    net.serve("example.com", server)
    net.dns["internal.example.com"] = ["10.0.0.1"]

    refuse("http://example.com/start", "fetch.blocked_address", allow_localhost=True)

    assert net.connects == [(PUBLIC_IP, 80)]


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("file:///etc/passwd", "fetch.scheme"),
        ("gopher://example.com/", "fetch.scheme"),
        ("http://example.com:8080/", "fetch.port"),
        ("http://169.254.169.254/latest/meta-data/", "fetch.blocked_address"),
        ("http://127.0.0.1:{port}/ok", "fetch.redirect_domain"),
    ],
)
def test_every_redirect_target_is_checked_again(
    location: str, code: str, server: LocalServer, net: FakeNet
) -> None:
    server.routes["/start"] = redirect(location.format(port=server.port))
    server.routes["/ok"] = answer()
    net.serve("example.com", server)

    refuse("http://example.com/start", code, allow_localhost=True)

    assert server.paths() == ["/start"]
