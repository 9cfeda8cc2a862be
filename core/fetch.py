"""The one safe HTTP fetcher for every URL a user typed (PRODUCT.md section 5).

A stranger's URL must never make us talk to our own network: every host is resolved here, every
resolved address must be public, and we connect to exactly the address we checked (no second
lookup, so no DNS-rebinding window), verifying TLS against the original host name. Redirects are
followed by hand and re-checked in full; the body is capped while it streams; one deadline covers
DNS, connect, TLS, headers, every redirect and the body.

Test seams (module-level so tests can monkeypatch them; production never replaces them):
`_resolve` (the DNS lookup), `_open_socket` (the TCP connect to a checked address) and
`_ssl_context` (the trust store).
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings

from core.exceptions import ApplicationError

MANIFEST_MAX_BYTES = 64 * 1024
SPEC_MAX_BYTES = 2 * 1024 * 1024
FETCH_DEADLINE_SECONDS = 15.0
MAX_REDIRECTS = 3
USER_AGENT = "PluginStoreBot/1.0 (+manifest checker)"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Small reads keep the deadline check close to every byte that arrives.
_READ_CHUNK = 16 * 1024
# The development exception: these exact spellings, and where they may connect.
_DEV_HOSTS = {"localhost": ("127.0.0.1", "::1"), "127.0.0.1": ("127.0.0.1",)}
# Everything printable in ASCII stays as typed; anything else in a path is percent-encoded.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Python's is_global misses some of these (multicast, site-local, newer IANA blocks) depending on
# the patch release, so the ranges that must never be fetched are spelled out.
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network", including 0.0.0.0
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including 255.255.255.255
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback, deprecated IPv4-compatible
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, including Teredo and benchmarking
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated, still routed by some stacks)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(ApplicationError):
    """A URL could not be fetched safely; `code` is stable, the message says how to fix it."""

    def __init__(self, code: str, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message, extra={"code": code, **(extra or {})})
        self.code = code


@dataclass(frozen=True)
class FetchResult:
    """What a successful fetch returned, after any redirects."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class _Target:
    """A URL that passed every check that needs no I/O."""

    url: str
    scheme: str
    host: str  # lower-case ASCII (IDNA), no trailing dot, no brackets
    port: int
    host_header: str
    request_target: str
    addresses: tuple[str, ...] | None  # known without DNS (IP literal or the dev exception)


def is_public_address(ip: IPAddress) -> bool:
    """Whether ip is a public internet address we may connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        # Translation prefixes reach the IPv4 address they embed: judge that address instead.
        if ip in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return is_public_address(ip.sixtofour)
        blocked = _BLOCKED_V6
    else:
        blocked = _BLOCKED_V4
    if any(ip in network for network in blocked):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def root_domain(host: str) -> str:
    """The host lower-cased, without a trailing dot or a leading "www."."""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _resolve(host: str, port: int) -> list[str]:
    """Every address DNS gives for host (test seam)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _open_socket(address: tuple[str, int], timeout: float) -> socket.socket:
    """A TCP connection to an already checked IP address (test seam)."""
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The system trust store with hostname checking on (test seam)."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def fetch_url(
    url: str,
    *,
    max_bytes: int,
    allow_localhost: bool | None = None,
    deadline: float = FETCH_DEADLINE_SECONDS,
    accept: str = "application/json",
) -> FetchResult:
    """GET a user-supplied URL safely, or raise FetchError saying why not."""
    if allow_localhost is None:
        allow_localhost = bool(getattr(settings, "PLUGINSTORE_ALLOW_LOCALHOST", False))
    deadline_at = time.monotonic() + deadline
    target = _parse_target(url, allow_localhost=allow_localhost)
    root = root_domain(target.host)
    redirects = 0
    while True:
        addresses = target.addresses or _resolve_public(target, deadline_at, deadline)
        try:
            status, headers, body = _request(
                target, addresses, deadline_at=deadline_at, accept=accept, max_bytes=max_bytes
            )
        except TimeoutError as exc:
            raise _timeout(target.url, deadline) from exc
        if body is not None:
            return FetchResult(
                url=url,
                final_url=target.url,
                status=status,
                content_type=headers.get("Content-Type", ""),
                body=body,
            )
        redirects += 1
        if redirects > MAX_REDIRECTS:
            raise FetchError(
                "fetch.redirects",
                f"{url} redirected more than {MAX_REDIRECTS} times. "
                "Link directly to the final address.",
            )
        location = headers.get("Location", "").strip()
        try:
            next_url = urljoin(target.url, location)
        except ValueError:
            raise _bad_url(location, "the server redirected to it") from None
        target = _parse_target(next_url, allow_localhost=allow_localhost)
        if not _within_root(target.host, root):
            raise FetchError(
                "fetch.redirect_domain",
                f"{url} redirected to {next_url}, which is outside {root}. Redirects may only "
                f"go to {root} or its subdomains; link directly to the final address.",
            )


def check_url(url: str, *, allow_localhost: bool | None = None) -> None:
    """Refuse at once, with no I/O, a URL that fetch_url would refuse before connecting."""
    if allow_localhost is None:
        allow_localhost = bool(getattr(settings, "PLUGINSTORE_ALLOW_LOCALHOST", False))
    _parse_target(url, allow_localhost=allow_localhost)


def _parse_target(url: str, *, allow_localhost: bool) -> _Target:
    """Check everything about url that needs no I/O: scheme, shape, host literal, port, https."""
    url = url.strip()
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise _bad_url(url, "it contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _bad_url(url, "its host is not a valid name or IP address") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "a missing scheme"
        raise FetchError(
            "fetch.scheme",
            f"{url} uses {shown}; only http:// and https:// URLs can be fetched. "
            "Enter the full address, starting with https://.",
        )
    if "@" in parts.netloc:
        raise _bad_url(url, "it contains a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise _bad_url(url, "its port is not a number between 0 and 65535") from None
    typed_host = (parts.hostname or "").lower()
    host = _normalise_host(url, typed_host, bracketed="[" in parts.netloc)

    dev = allow_localhost and scheme == "http" and typed_host in _DEV_HOSTS
    addresses: tuple[str, ...] | None = _DEV_HOSTS[typed_host] if dev else None
    if not dev:
        if host == "localhost" or host.endswith(".localhost"):
            raise _blocked(url, host, "127.0.0.1")
        literal = _ip_literal(url, host)
        if literal is not None:
            if not is_public_address(literal):
                raise _blocked(url, typed_host, str(literal))
            addresses = (str(literal),)
        if port is not None and port != _DEFAULT_PORTS[scheme]:
            raise FetchError(
                "fetch.port",
                f"{url} uses port {port}; only the default ports (80 for http, 443 for https) "
                "are allowed. Serve the file on the default port and remove the port.",
            )
        if scheme == "http" and not allow_localhost:
            raise FetchError(
                "fetch.https_required",
                f"{url} uses plain http://. Serve the file over HTTPS and enter the https:// "
                "address.",
            )

    port = port or _DEFAULT_PORTS[scheme]
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == _DEFAULT_PORTS[scheme] else f"{shown_host}:{port}"
    request_target = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_URL_SAFE)
    return _Target(url, scheme, host, port, host_header, request_target, addresses)


def _normalise_host(url: str, host: str, *, bracketed: bool) -> str:
    """The host as ASCII without a trailing dot, or FetchError if it is not a host name."""
    if bracketed:
        if "%" in host:
            raise _bad_url(url, "IPv6 zone identifiers are not allowed")
        return host
    host = host.removesuffix(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise _bad_url(url, "its host name is not valid") from None
    if not host or not re.fullmatch(r"[a-z0-9_.-]+", host) or ".." in host:
        raise _bad_url(url, "its host name is not valid")
    return host


def _ip_literal(url: str, host: str) -> IPAddress | None:
    """The address host spells, in any form the C resolver accepts (127.1, 0x7f000001, ...)."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise _bad_url(url, "its IPv6 address is not valid") from None
    if re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            packed = socket.inet_aton(host)
        except OSError:
            packed = None
        if packed is not None:
            address = ipaddress.IPv4Address(packed)
            # Odd spellings of a public address are refused too: parsers disagree on them.
            if str(address) != host and is_public_address(address):
                raise _bad_url(url, f"write the address as {address}")
            return address
    if host.rsplit(".", 1)[-1].isdigit():
        # A numeric top-level label is never a DNS name; some resolvers would read it as an IP.
        raise _bad_url(url, "its host looks like an IP address but is not a valid one")
    return None


def _resolve_public(target: _Target, deadline_at: float, deadline: float) -> tuple[str, ...]:
    """Resolve the host within the deadline and insist every address is public."""
    found: list[str] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(_resolve(target.host, target.port))
        except Exception as exc:  # reported to the caller below
            failed.append(exc)

    # getaddrinfo has no timeout of its own; a daemon thread lets the deadline win.
    thread = threading.Thread(target=lookup, name="fetch-dns", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline_at - time.monotonic()))
    if thread.is_alive():
        raise _timeout(target.url, deadline)
    if failed or not found:
        raise FetchError(
            "fetch.dns",
            f"Could not find {target.host} in DNS. Check the domain name is spelled correctly "
            "and has public DNS records.",
        )
    for address in found:
        try:
            public = is_public_address(ipaddress.ip_address(address))
        except ValueError:
            public = False
        if not public:
            raise _blocked(target.url, target.host, address)
    return tuple(found)


def _request(
    target: _Target, addresses: tuple[str, ...], *, deadline_at: float, accept: str, max_bytes: int
) -> tuple[int, http.client.HTTPMessage, bytes | None]:
    """One GET; returns the body for a 2xx answer, None for a redirect to follow."""
    sock = _connect(target, addresses, deadline_at)
    try:
        if target.scheme == "https":
            sock = _start_tls(target, sock, deadline_at)
        # The connection never dials: it talks over the socket we opened to the checked address.
        connection = http.client.HTTPConnection(target.host, target.port)
        connection.sock = _DeadlineSocket(sock, deadline_at)  # type: ignore[assignment]
        try:
            connection.putrequest(
                "GET", target.request_target, skip_host=True, skip_accept_encoding=True
            )
            connection.putheader("Host", target.host_header)
            connection.putheader("User-Agent", USER_AGENT)
            connection.putheader("Accept", accept)
            connection.putheader("Accept-Encoding", "identity")
            connection.putheader("Connection", "close")
            connection.endheaders()
            response = connection.getresponse()
            status = response.status
            if status in _REDIRECT_STATUSES and response.getheader("Location"):
                return status, response.headers, None
            if not 200 <= status < 300:
                reason = f" {response.reason}" if response.reason else ""
                raise FetchError(
                    "fetch.http_status",
                    f"{target.url} answered HTTP {status}{reason}; expected 200 OK. Check the "
                    "URL and that the file is published there.",
                    extra={"status": status},
                )
            return status, response.headers, _read_body(target, response, max_bytes)
        except http.client.HTTPException as exc:
            raise _connection_error(target, f"its answer was not valid HTTP ({exc!r})") from exc
        except TimeoutError:
            raise
        except OSError as exc:
            raise _connection_error(target, str(exc) or type(exc).__name__) from exc
    finally:
        sock.close()


def _connect(target: _Target, addresses: tuple[str, ...], deadline_at: float) -> socket.socket:
    """A socket to the first checked address that answers."""
    errors = []
    for address in addresses:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            return _open_socket((address, target.port), remaining)
        except TimeoutError:
            if deadline_at - time.monotonic() <= 0:
                raise
            errors.append(f"{address}: timed out")
        except OSError as exc:
            errors.append(f"{address}: {exc.strerror or exc}")
    raise _connection_error(target, "; ".join(errors))


def _start_tls(target: _Target, sock: socket.socket, deadline_at: float) -> ssl.SSLSocket:
    """TLS with SNI and certificate checks for the typed host name, not the IP we dialled."""
    sock.settimeout(max(0.001, deadline_at - time.monotonic()))
    try:
        return _ssl_context().wrap_socket(sock, server_hostname=target.host)
    except ssl.SSLCertVerificationError as exc:
        raise FetchError(
            "fetch.tls",
            f"The TLS certificate of {target.host} could not be verified "
            f"({exc.verify_message}). Serve a valid certificate for this host name.",
        ) from exc
    except ssl.SSLError as exc:
        raise FetchError(
            "fetch.tls",
            f"Could not set up HTTPS with {target.host} ({exc.reason or exc}). Check the "
            "server's TLS configuration.",
        ) from exc


def _read_body(target: _Target, response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body, refused as soon as it is known to exceed max_bytes."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "identity":
        decoder = None
    else:
        raise FetchError(
            "fetch.content_encoding",
            f"{target.url} was sent compressed as {encoding!r}, which the checker does not "
            "read. Serve it uncompressed or gzip-compressed.",
        )
    if response.length is not None and response.length > max_bytes:
        raise _too_large(target, max_bytes)
    parts: list[bytes] = []
    received = size = 0
    while True:
        chunk = response.read1(min(_READ_CHUNK, max_bytes + 1 - received))
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(target, max_bytes)
        if decoder is not None:
            # max_length bounds the output, so a small gzip bomb never inflates past the cap.
            chunk = decoder.decompress(chunk, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(target, max_bytes)
        parts.append(chunk)
    if decoder is not None:
        try:
            tail = decoder.flush()
        except zlib.error:
            tail = b""
        size += len(tail)
        if size > max_bytes:
            raise _too_large(target, max_bytes)
        if not decoder.eof:
            raise _connection_error(target, "its gzip-compressed body was cut short or corrupt")
        parts.append(tail)
    return b"".join(parts)


class _DeadlineSocket:
    """Gives every send and receive only the time left before the deadline.

    A server that drips a byte a second never trips a per-read timeout; checking the clock
    before each recv (and letting recv wait at most the time left) bounds the whole exchange.
    http.client only needs sendall, makefile and close from its socket.
    """

    def __init__(self, sock: socket.socket, deadline_at: float) -> None:
        self._sock = sock
        self._deadline_at = deadline_at

    def _arm(self) -> None:
        remaining = self._deadline_at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("fetch deadline reached")
        self._sock.settimeout(remaining)

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        # _request closes the real socket once the response has been read.
        return None


class _DeadlineReader(io.RawIOBase):
    """The raw stream under http.client's buffered reader."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)


def _bad_url(url: str, why: str) -> FetchError:
    return FetchError(
        "fetch.bad_url",
        f"{url!r} is not a usable web address: {why}. Enter a full URL such as "
        "https://example.com/.well-known/ai-plugin.json.",
    )


def _blocked(url: str, host: str, address: str) -> FetchError:
    return FetchError(
        "fetch.blocked_address",
        f"{url} points to {host} ({address}), which is not a public internet address "
        "(loopback, private, link-local, reserved or similar). Host the file on a public server.",
        extra={"address": address},
    )


def _timeout(url: str, deadline: float) -> FetchError:
    return FetchError(
        "fetch.timeout",
        f"{url} did not finish answering within {deadline:g} seconds. Make sure the server "
        "responds quickly and the file is small.",
    )


def _too_large(target: _Target, max_bytes: int) -> FetchError:
    return FetchError(
        "fetch.too_large",
        f"{target.url} is larger than the {max_bytes:,}-byte limit. Make the file smaller.",
        extra={"max_bytes": max_bytes},
    )


def _connection_error(target: _Target, detail: str) -> FetchError:
    return FetchError(
        "fetch.connection",
        f"Could not fetch {target.url} from {target.host}: {detail}. Check the server is up and "
        "reachable from the internet.",
    )


def _within_root(host: str, root: str) -> bool:
    """Whether host is root or one of its subdomains (an IP root matches only itself)."""
    if host == root:
        return True
    try:
        ipaddress.ip_address(root)
    except ValueError:
        return host.endswith("." + root)
    return False
