"""Hosts and URLs: the one answer to each question the site asks about them. No I/O here.

- `canonical_host`: the form every comparison uses (lower-case ASCII, IDNA for Unicode names,
  no trailing dot, one spelling of an IP address), and `canonical_authority`: a URL's server as
  stored and compared (loopback aliases as localhost, no default port);
- `is_local_host`: the two exact spellings local development uses, localhost and 127.0.0.1, and
  `local_development`: whether this site allows them at all (only under `make run`);
- `root_domain` and `on_domain`: a host without its "www.", and whether a host is that domain
  or under it;
- `is_http_url`, `url_host`, `url_port`: reading an absolute http(s) URL;
- `parse_target`: what a developer typed (a domain, or the URL of a manifest) made into a
  `PluginTarget`, validated once and passed along from there.

Whether a URL may actually be fetched (public addresses, default ports, https) is the fetcher's
question: `core.fetch.check_url`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.exceptions import ApplicationError
from core.text import clip

DEFAULT_PORTS = {"http": 80, "https": 443}
WELL_KNOWN_PATH = "/.well-known/ai-plugin.json"
MAX_TARGET_LENGTH = 2000

_LOCALHOST = "localhost"
_LOCAL_HOSTS = frozenset({_LOCALHOST, "127.0.0.1"})
_EXAMPLE = "Enter your plugin's domain, such as todo.example.com, or the full URL of its manifest."
_url_validator = URLValidator(schemes=list(DEFAULT_PORTS))


def canonical_host(host: str) -> str:
    """Lower-case ASCII (IDNA for Unicode names) without trailing dots; as typed if not IDNA.

    An IP address is written one way: IPv6 compressed and without brackets, an IPv4-mapped
    IPv6 address as its IPv4 address.
    """
    host = host.strip().rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        pass
    else:
        mapped = getattr(address, "ipv4_mapped", None)
        return str(mapped or address)
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def canonical_authority(url: str) -> str:
    """The one spelling of the server a URL names, for storing and comparing (Plugin.domain).

    The canonical host, every loopback alias as localhost (localhost, 127.0.0.1 and [::1] are
    one server to a developer's machine), and the port only when it is not the scheme's
    default: https://Example.test:443/ and https://example.test./ are both "example.test".
    An IPv6 address keeps its brackets. '' for a URL without a readable host.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    host = canonical_host(parts.hostname or "")
    if not host:
        return ""
    if host in _LOCAL_HOSTS or (is_ip_address(host) and ipaddress.ip_address(host).is_loopback):
        host = _LOCALHOST
    elif ":" in host:
        host = f"[{host}]"
    if port is None or port == DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def is_local_host(host: str) -> bool:
    """Whether host is localhost or 127.0.0.1, the two spellings local development may use."""
    return host in _LOCAL_HOSTS


def local_development() -> bool:
    """Whether localhost plugins and plain http are allowed (PLUGINSTORE_ALLOW_LOCALHOST)."""
    return bool(getattr(settings, "PLUGINSTORE_ALLOW_LOCALHOST", False))


def is_ip_address(host: str) -> bool:
    """Whether host is an IP address (an IPv6 address with or without its brackets)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def root_domain(host: str) -> str:
    """The host in its canonical form, without a leading "www."."""
    return canonical_host(host).removeprefix("www.")


def on_domain(host: str, root: str) -> bool:
    """Whether host is root or one of its subdomains (an IP address has no subdomains)."""
    if not host:
        return False
    if host == root:
        return True
    return not is_ip_address(root) and host.endswith("." + root)


def is_http_url(value: object) -> bool:
    """True when Django's URLValidator accepts `value` as an absolute http(s) URL."""
    if not isinstance(value, str):
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def url_host(url: str) -> str:
    """The canonical host of an absolute URL ('' if it has none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return canonical_host(host)


def url_port(url: str) -> int | None:
    """The URL's port, the scheme's default when none is written, None if unreadable."""
    try:
        parts = urlsplit(url)
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None


@dataclass(frozen=True)
class PluginTarget:
    """What a developer typed, as the URL of the plugin's manifest (made by parse_target)."""

    manifest_url: str
    host: str  # canonical

    @property
    def is_local(self) -> bool:
        """Whether the plugin is served by local development's own host."""
        return is_local_host(self.host)


def parse_target(text: str | None) -> PluginTarget:
    """The manifest URL for a domain or URL someone typed; ApplicationError if it is unusable."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_EXAMPLE)
    if len(text) > MAX_TARGET_LENGTH:
        raise ApplicationError(f"That address is over {MAX_TARGET_LENGTH} characters. {_EXAMPLE}")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise ApplicationError(f"An address cannot contain spaces. {_EXAMPLE}")
    typed_scheme = "://" in text
    try:
        parts = urlsplit(text if typed_scheme else f"https://{text}")
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ApplicationError(f'"{clip(text)}" is not a valid address. {_EXAMPLE}') from None
    scheme = parts.scheme.lower()
    if not typed_scheme and is_local_host(host):
        scheme = "http"  # a local development server rarely has a certificate
    if scheme not in DEFAULT_PORTS:
        raise ApplicationError(f"Only http:// and https:// addresses can be fetched. {_EXAMPLE}")
    if "@" in parts.netloc:
        raise ApplicationError(f"Leave the user name and password out of the address. {_EXAMPLE}")
    if not host:
        raise ApplicationError(f'"{clip(text)}" has no domain name. {_EXAMPLE}')
    path = parts.path
    if path in ("", "/"):
        path = WELL_KNOWN_PATH
    elif not path.lower().endswith(".json"):
        raise ApplicationError(
            f'"{clip(text)}" is neither a domain nor the URL of a .json manifest. Enter the '
            f"domain (the manifest must then be at {WELL_KNOWN_PATH}) or the manifest's full URL."
        )
    url = urlunsplit((scheme, parts.netloc.lower(), path, parts.query, ""))
    if not is_http_url(url):
        raise ApplicationError(f'"{clip(text)}" is not a valid address. {_EXAMPLE}')
    return PluginTarget(manifest_url=url, host=canonical_host(host))
