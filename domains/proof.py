"""Looking for a domain's proof (PRODUCT.md section 9): a DNS TXT record on the host or its root
domain, or the token file on the web server. No database here; domains.services records what
these return.

DNS goes through dnspython with a timeout (PLUGINSTORE_DNS_TIMEOUT_SECONDS) and, when
PLUGINSTORE_DNS_NAMESERVERS is set, those servers on PLUGINSTORE_DNS_PORT instead of the
system's. The file is fetched through the safe fetcher (core.fetch), which refuses private
addresses, redirects off the domain, slow servers and bodies over FILE_MAX_BYTES.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import dns.exception
import dns.resolver
from django.conf import settings

from core.fetch import FetchError, fetch_url
from core.hosts import is_ip_address, is_local_host, local_development, root_domain, url_host
from domains.choices import ProofMethod

TXT_PREFIX = "pluginstore-verification="
FILE_PATH = "/.well-known/pluginstore-verification.txt"
# The file holds one token: anything longer is not a verification file.
FILE_MAX_BYTES = 1024
FILE_DEADLINE_SECONDS = 10.0


@dataclass(frozen=True)
class Attempt:
    """One method tried: where we looked, whether the token was there, and what we saw."""

    method: str
    target: str
    found: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def txt_value(token: str) -> str:
    """The TXT record's value the developer publishes."""
    return f"{TXT_PREFIX}{token}"


def domain_host(domain: str) -> str:
    """The host of a stored domain (Plugin.domain may carry a port)."""
    return url_host(f"http://{domain}/")


def dns_names(domain: str) -> list[tuple[str, str]]:
    """(method, name) for each DNS name that can hold the record: the host, then its root."""
    host = domain_host(domain)
    if not host or is_ip_address(host):
        return []
    names = [(ProofMethod.DNS_HOST.value, host)]
    root = root_domain(host)
    if root != host:
        names.append((ProofMethod.DNS_ROOT.value, root))
    return names


def file_url(domain: str) -> str:
    """Where the token file must be served: https, or http for a local development host."""
    scheme = "http" if local_development() and is_local_host(domain_host(domain)) else "https"
    return f"{scheme}://{domain}{FILE_PATH}"


def dns_timeout() -> float:
    return float(getattr(settings, "PLUGINSTORE_DNS_TIMEOUT_SECONDS", 5.0))


def _resolver() -> dns.resolver.Resolver:
    nameservers = list(getattr(settings, "PLUGINSTORE_DNS_NAMESERVERS", None) or [])
    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        resolver.nameservers = nameservers
        resolver.port = int(getattr(settings, "PLUGINSTORE_DNS_PORT", 53))
    resolver.timeout = resolver.lifetime = dns_timeout()
    resolver.cache = None  # a proof just published must be seen at once
    return resolver


def check_dns(method: str, name: str, token: str) -> Attempt:
    """Look for the TXT record at `name`."""
    expected = txt_value(token)
    try:
        answer = _resolver().resolve(name, "TXT", raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        return Attempt(method, name, False, f"{name} does not exist in DNS.")
    except dns.exception.Timeout:
        return Attempt(
            method,
            name,
            False,
            f"The DNS servers for {name} did not answer within {dns_timeout():g} seconds. "
            "Try again later; if it keeps happening, check your DNS provider.",
        )
    except dns.exception.DNSException as error:
        return Attempt(method, name, False, f"The DNS lookup of {name} failed: {error}.")
    values = [
        b"".join(record.strings).decode("utf-8", errors="replace").strip()
        for record in (answer.rrset or [])
    ]
    if expected in values:
        return Attempt(method, name, True, f"Found the TXT record at {name}.")
    ours = [value for value in values if value.startswith(TXT_PREFIX)]
    if ours:
        return Attempt(
            method,
            name,
            False,
            f"{name} has a {TXT_PREFIX}… TXT record, but with another token. Replace it with "
            "the value shown on this page (each developer has their own token).",
        )
    if values:
        return Attempt(
            method, name, False, f"{name} has TXT records, but none is {TXT_PREFIX}<token>."
        )
    return Attempt(method, name, False, f"{name} has no TXT record.")


def check_file(domain: str, token: str) -> Attempt:
    """Fetch the token file through the safe fetcher and look for the token in it."""
    url = file_url(domain)
    method = ProofMethod.FILE.value
    try:
        result = fetch_url(
            url,
            max_bytes=FILE_MAX_BYTES,
            accept="text/plain",
            deadline=FILE_DEADLINE_SECONDS,
        )
    except FetchError as error:
        return Attempt(method, url, False, error.message)
    lines = {line.strip() for line in result.body.decode("utf-8", errors="replace").splitlines()}
    if token in lines or txt_value(token) in lines:
        return Attempt(method, url, True, f"Found the token in {url}.")
    return Attempt(
        method,
        url,
        False,
        f"{url} answered, but the token on this page is not in it. The file must hold the "
        "token alone, on one line.",
    )


def look_for_proof(domain: str, token: str) -> list[Attempt]:
    """Try each method in order and stop at the first that finds the token."""
    attempts: list[Attempt] = []
    for method, name in dns_names(domain):
        attempts.append(check_dns(method, name, token))
        if attempts[-1].found:
            return attempts
    attempts.append(check_file(domain, token))
    return attempts
