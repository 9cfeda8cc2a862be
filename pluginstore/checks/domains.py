"""URL and domain helpers for the manifest's HTTPS and same-domain rules.

`registrable_domain` approximates "second-level domain" without the Public Suffix List: the last
two labels, or the last three when the name ends in a two-letter country code preceded by a
common second-level label (`co.uk`, `com.au`, `co.jp`, `gov.br`...). Private suffixes such as
`github.io` count as one domain, which only ever hides the contact-domain warning; nothing that
blocks a submission relies on this.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})

_url_validator = URLValidator(schemes=["http", "https"])
_email_validator = EmailValidator()

_COUNTRY_SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "go", "gob", "gouv", "gov", "ltd", "mil", "ne", "net", "or"}
    | {"org", "plc", "sch"}
)


def is_http_url(value: object) -> bool:
    """True when Django's URLValidator accepts `value` as an absolute http(s) URL."""
    if not isinstance(value, str):
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def is_email(value: object) -> bool:
    """True when Django's EmailValidator accepts `value`."""
    if not isinstance(value, str):
        return False
    try:
        _email_validator(value)
    except ValidationError:
        return False
    return True


def normalize_host(host: str) -> str:
    """Lower-case ASCII form of a host name (IDNA for Unicode names), without a trailing dot."""
    host = host.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def url_host(url: str) -> str:
    """The normalized host of an absolute URL ('' if it has none)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return normalize_host(host)


def url_port(url: str) -> int | None:
    """The URL's port, the scheme's default when none is written, None if unreadable."""
    try:
        parts = urlsplit(url)
        return parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return None


def is_local_url(url: str) -> bool:
    """True for URLs on localhost or 127.0.0.1."""
    return url_host(url) in LOCAL_HOSTS


def root_domain(host: str) -> str:
    """The host without a leading "www."."""
    return host.removeprefix("www.")


def on_domain(host: str, root: str) -> bool:
    """True when `host` is `root` or one of its subdomains."""
    return bool(host) and (host == root or host.endswith("." + root))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def registrable_domain(host: str) -> str:
    """The domain a person registers (see the module docstring for the approximation)."""
    host = normalize_host(host)
    if _is_ip(host):
        return host
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _COUNTRY_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def email_domain(email: str) -> str:
    """The normalized domain part of a valid email address."""
    return normalize_host(email.rsplit("@", 1)[-1])
