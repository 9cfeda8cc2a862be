"""The fetcher's reading of a URL: everything that needs no I/O, checked before any is done.

Scheme (http or https), shape (no spaces, control characters, backslashes or user names), the
host (its canonical form from core.hosts, or an IP literal in any spelling the C resolver
accepts), the port (the scheme's default) and https. In local development (allow_localhost)
plain http is allowed, and so are the two exact dev hosts on any port; they connect only to
the loopback addresses they mean.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from core.fetch.addresses import IPAddress, is_public_address, refuse_loopback_name
from core.fetch.errors import FetchError, bad_url, blocked
from core.hosts import DEFAULT_PORTS, canonical_host, is_ip_address, is_local_host

# Everything printable in ASCII stays as typed; anything else in a path is percent-encoded.
_URL_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))
_HOST_NAME = re.compile(r"[a-z0-9_.-]+")
# Where the dev host names may connect: the name means both loopback addresses.
_LOOPBACK_ADDRESSES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Target:
    """A URL that passed every check that needs no I/O."""

    url: str
    scheme: str
    host: str  # canonical (lower-case ASCII, no trailing dot), no brackets
    port: int
    host_header: str
    request_target: str
    addresses: tuple[str, ...] | None  # known without DNS (IP literal or the dev exception)


def parse_url(url: str, *, allow_localhost: bool) -> Target:
    """Check everything about url that needs no I/O: scheme, shape, host literal, port, https."""
    url = url.strip()
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise bad_url(url, "it contains spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise bad_url(url, "its host is not a valid name or IP address") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "a missing scheme"
        raise FetchError(
            "fetch.scheme",
            f"{url} uses {shown}; only http:// and https:// URLs can be fetched. "
            "Enter the full address, starting with https://.",
        )
    if "@" in parts.netloc:
        raise bad_url(url, "it contains a user name or password")
    try:
        port = parts.port
    except ValueError:
        raise bad_url(url, "its port is not a number between 0 and 65535") from None
    typed_host = (parts.hostname or "").lower()
    host = _host(url, typed_host, bracketed="[" in parts.netloc)

    # The development exception is for these exact spellings only, as typed.
    dev = allow_localhost and scheme == "http" and is_local_host(typed_host)
    addresses: tuple[str, ...] | None = None
    if dev:
        addresses = (host,) if is_ip_address(host) else _LOOPBACK_ADDRESSES
    else:
        refuse_loopback_name(url, host)
        literal = _ip_literal(url, host)
        if literal is not None:
            if not is_public_address(literal):
                raise blocked(url, typed_host, str(literal))
            addresses = (str(literal),)
        if port is not None and port != DEFAULT_PORTS[scheme]:
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

    port = port or DEFAULT_PORTS[scheme]
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == DEFAULT_PORTS[scheme] else f"{shown_host}:{port}"
    request_target = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_URL_SAFE)
    return Target(url, scheme, host, port, host_header, request_target, addresses)


def _host(url: str, typed_host: str, *, bracketed: bool) -> str:
    """The host in its canonical form, or FetchError if it is not a host name."""
    if bracketed:
        if "%" in typed_host:
            raise bad_url(url, "IPv6 zone identifiers are not allowed")
        return typed_host
    host = canonical_host(typed_host)
    if not host or not _HOST_NAME.fullmatch(host) or ".." in host:
        raise bad_url(url, "its host name is not valid")
    return host


def _ip_literal(url: str, host: str) -> IPAddress | None:
    """The address host spells, in any form the C resolver accepts (127.1, 0x7f000001, ...)."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise bad_url(url, "its IPv6 address is not valid") from None
    if re.fullmatch(r"[0-9a-fx.]+", host):
        try:
            packed = socket.inet_aton(host)
        except OSError:
            packed = None
        if packed is not None:
            address = ipaddress.IPv4Address(packed)
            # Odd spellings of a public address are refused too: parsers disagree on them.
            if str(address) != host and is_public_address(address):
                raise bad_url(url, f"write the address as {address}")
            return address
    if host.rsplit(".", 1)[-1].isdigit():
        # A numeric top-level label is never a DNS name; some resolvers would read it as an IP.
        raise bad_url(url, "its host looks like an IP address but is not a valid one")
    return None
