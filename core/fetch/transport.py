"""The fetcher's transport: DNS, the connection to a checked address, TLS, one GET, the body.

We connect to exactly the address we checked (no second lookup, so no DNS-rebinding window) and
verify TLS against the original host name. The body is capped while it streams, and every send
and receive gets only the time left before the one deadline.

Test seams (module-level so tests can monkeypatch them here; production never replaces them):
`_resolve` (the DNS lookup), `_open_socket` (the TCP connect to a checked address) and
`_ssl_context` (the trust store).
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import ssl
import threading
import time

from core.fetch.addresses import refuse_non_public
from core.fetch.body import read_body
from core.fetch.errors import FetchError, connection_failed, timed_out
from core.fetch.urls import Target
from core.text import clip

USER_AGENT = "PluginStoreBot/1.0 (+manifest checker)"

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304


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


def resolve_public(target: Target, deadline_at: float, deadline: float) -> tuple[str, ...]:
    """Resolve the host within the deadline and insist every address is public."""
    found: list[str] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(_resolve(target.host, target.port))
        except Exception as exc:  # handed to the calling thread below
            failed.append(exc)

    # getaddrinfo has no timeout of its own; a daemon thread lets the deadline win.
    thread = threading.Thread(target=lookup, name="fetch-dns", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline_at - time.monotonic()))
    if thread.is_alive():
        raise timed_out(target.url, deadline)
    if failed and not isinstance(failed[0], OSError | UnicodeError):
        raise failed[0]  # not a DNS answer but a fault of ours: never the developer's error
    if failed or not found:
        raise FetchError(
            "fetch.dns",
            f"Could not find {target.host} in DNS. Check the domain name is spelled correctly "
            "and has public DNS records.",
        )
    for address in found:
        refuse_non_public(target.url, target.host, address)
    return tuple(found)


def request(
    target: Target,
    addresses: tuple[str, ...],
    *,
    deadline_at: float,
    accept: str,
    max_bytes: int,
    conditional: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes | None]:
    """One GET; returns the body for a 2xx answer, None for a redirect to follow.

    `conditional` (If-None-Match / If-Modified-Since) is sent as it is, and then a 304 Not
    Modified is an answer too, with an empty body; without it a 304 is refused like any
    other non-2xx status.
    """
    sock = _connect(target, addresses, deadline_at)
    try:
        if target.scheme == "https":
            sock = _start_tls(target, sock, deadline_at)
        # The connection never dials: it talks over the socket we opened to the checked address.
        connection = http.client.HTTPConnection(target.host, target.port)
        deadline_sock = _DeadlineSocket(sock, deadline_at)
        connection.sock = deadline_sock  # type: ignore[assignment]
        try:
            connection.putrequest(
                "GET", target.request_target, skip_host=True, skip_accept_encoding=True
            )
            connection.putheader("Host", target.host_header)
            connection.putheader("User-Agent", USER_AGENT)
            connection.putheader("Accept", accept)
            connection.putheader("Accept-Encoding", "identity")
            connection.putheader("Connection", "close")
            for name, value in (conditional or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            status = response.status
            if status == NOT_MODIFIED and conditional:
                return status, response.headers, b""
            if status in REDIRECT_STATUSES and response.getheader("Location"):
                return status, response.headers, None
            if not 200 <= status < 300:
                reason = f" {clip(response.reason)}" if response.reason else ""
                raise FetchError(
                    "fetch.http_status",
                    f"{target.url} answered HTTP {status}{reason}; expected 200 OK. Check the "
                    "URL and that the file is published there.",
                    extra={"status": status},
                )
            body = read_body(
                target.url, response, max_bytes, more_pending=deadline_sock.more_pending
            )
            return status, response.headers, body
        except (http.client.HTTPException, ValueError) as exc:
            # ValueError: what http.client raises on a few malformed answers of its own.
            detail = clip(repr(exc), 120)
            raise _connection_error(target, f"its answer was not valid HTTP ({detail})") from exc
        except TimeoutError:
            raise
        except OSError as exc:
            raise _connection_error(target, str(exc) or type(exc).__name__) from exc
    finally:
        sock.close()


def _connection_error(target: Target, detail: str) -> FetchError:
    return connection_failed(target.url, target.host, detail)


def _connect(target: Target, addresses: tuple[str, ...], deadline_at: float) -> socket.socket:
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


def _start_tls(target: Target, sock: socket.socket, deadline_at: float) -> ssl.SSLSocket:
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


class _DeadlineSocket:
    """Gives every send and receive only the time left before the deadline.

    A server that drips a byte a second never trips a per-read timeout; checking the clock
    before each recv (and letting recv wait at most the time left) bounds the whole exchange.
    http.client only needs sendall, makefile and close from its socket. The buffered reader it
    gets stays readable after http.client closes it, so `more_pending` can look past the body.
    """

    # How long `more_pending` waits for bytes past the body: enough for what was sent with it.
    _PEEK_SECONDS = 0.05

    def __init__(self, sock: socket.socket, deadline_at: float) -> None:
        self._sock = sock
        self._deadline_at = deadline_at
        self._reader: _KeptReader | None = None
        self._peeking = False

    def _arm(self) -> None:
        remaining = self._deadline_at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("fetch deadline reached")
        self._sock.settimeout(min(remaining, self._PEEK_SECONDS) if self._peeking else remaining)

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: memoryview) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        self._reader = _KeptReader(_DeadlineReader(self))
        return self._reader

    def more_pending(self) -> bool:
        """Whether bytes past the response have arrived already (waiting only an instant)."""
        if self._reader is None:
            return False
        self._peeking = True
        try:
            return bool(self._reader.peek(1))
        except (OSError, ValueError):  # timed out, reset or closed: nothing more came
            return False
        finally:
            self._peeking = False

    def close(self) -> None:
        # request() closes the real socket once the response has been read.
        return None


class _KeptReader(io.BufferedReader):
    """http.client's reader; closing it keeps its buffer, the socket closes in request()."""

    def close(self) -> None:
        return None


class _DeadlineReader(io.RawIOBase):
    """The raw stream under http.client's buffered reader."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)
