"""Email addresses and registrable domains, for the manifest's contact-domain warning.

Hosts and URLs themselves (canonical form, root domain, on-domain, local development) are
core.hosts' questions; this module only adds what the checker alone asks.

`registrable_domain` approximates "second-level domain" without the Public Suffix List: the last
two labels, or the last three when the name ends in a two-letter country code preceded by a
common second-level label (`co.uk`, `com.au`, `co.jp`, `gov.br`...). Private suffixes such as
`github.io` count as one domain, which only ever hides the contact-domain warning; nothing that
blocks a submission relies on this.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from core.hosts import canonical_host, is_ip_address

_email_validator = EmailValidator()

_COUNTRY_SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "go", "gob", "gouv", "gov", "ltd", "mil", "ne", "net", "or"}
    | {"org", "plc", "sch"}
)


def is_email(value: object) -> bool:
    """True when Django's EmailValidator accepts `value`."""
    if not isinstance(value, str):
        return False
    try:
        _email_validator(value)
    except ValidationError:
        return False
    return True


def registrable_domain(host: str) -> str:
    """The domain a person registers (see the module docstring for the approximation)."""
    host = canonical_host(host)
    if is_ip_address(host):
        return host
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _COUNTRY_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def email_domain(email: str) -> str:
    """The canonical domain part of a valid email address."""
    return canonical_host(email.rsplit("@", 1)[-1])
