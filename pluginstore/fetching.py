"""Fetch a plugin's manifest and OpenAPI spec through the safe fetcher, then check both.

A fetch that fails becomes an error finding, never an exception: code "fetch.<reason>" (the
fetcher's own code, such as fetch.timeout or fetch.blocked_address), criterion C3, field
"manifest" for the manifest and "api.url" for the spec. The spec is fetched only when the
manifest parsed and its api.url is an absolute http(s) URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from core.exceptions import ApplicationError
from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES, FetchError, fetch_url
from pluginstore.checks import CheckReport, Finding, build_report, domains
from pluginstore.checks.documents import DocumentError, load_manifest
from pluginstore.checks.findings import ERROR, clip

WELL_KNOWN_PATH = "/.well-known/ai-plugin.json"
MAX_TARGET_LENGTH = 2000
_EXAMPLE = "Enter your plugin's domain, such as todo.example.com, or the full URL of its manifest."


@dataclass(frozen=True)
class FetchedPlugin:
    """What was fetched (None where a fetch failed or never ran) and the check report."""

    manifest_url: str
    spec_url: str | None
    manifest_bytes: bytes | None
    spec_bytes: bytes | None
    report: CheckReport


def manifest_url_for(target: str) -> str:
    """The manifest URL for a domain or URL someone typed; ApplicationError if it is unusable."""
    text = (target or "").strip()
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
    if not typed_scheme and host in domains.LOCAL_HOSTS:
        scheme = "http"  # a local development server rarely has a certificate
    if scheme not in ("http", "https"):
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
    if not domains.is_http_url(url):
        raise ApplicationError(f'"{clip(text)}" is not a valid address. {_EXAMPLE}')
    return url


def fetch_plugin(target: str, *, allow_localhost: bool | None = None) -> FetchedPlugin:
    """Fetch the manifest, then the spec its api.url names, and check both."""
    manifest_url = manifest_url_for(target)
    if allow_localhost is None:
        allow_localhost = bool(getattr(settings, "PLUGINSTORE_ALLOW_LOCALHOST", False))
    local = allow_localhost and domains.is_local_url(manifest_url)
    try:
        manifest_bytes = fetch_url(
            manifest_url, max_bytes=MANIFEST_MAX_BYTES, allow_localhost=allow_localhost
        ).body
    except FetchError as error:
        finding = _fetch_finding(error, "manifest", "the manifest", manifest_url)
        report = CheckReport(findings=(finding,))
        return FetchedPlugin(manifest_url, None, None, None, report)

    spec_url = _spec_url(manifest_bytes)
    spec_bytes = None
    fetch_findings: list[Finding] = []
    if spec_url is not None:
        try:
            spec_bytes = fetch_url(
                spec_url,
                max_bytes=SPEC_MAX_BYTES,
                allow_localhost=allow_localhost,
                accept="application/json, application/yaml, text/yaml, */*;q=0.5",
            ).body
        except FetchError as error:
            fetch_findings.append(_fetch_finding(error, "api.url", "the OpenAPI spec", spec_url))
    report = build_report(
        manifest_bytes,
        spec_bytes,
        manifest_url=manifest_url,
        local_development=local,
        check_spec_document=not fetch_findings,
        extra_findings=fetch_findings,
    )
    return FetchedPlugin(manifest_url, spec_url, manifest_bytes, spec_bytes, report)


def _spec_url(manifest_bytes: bytes) -> str | None:
    try:
        manifest = load_manifest(manifest_bytes)
    except DocumentError:
        return None
    api = manifest.get("api")
    url = api.get("url") if isinstance(api, dict) else None
    return url if domains.is_http_url(url) else None


def _fetch_finding(error: FetchError, field: str, what: str, url: str) -> Finding:
    code = error.code or "fetch.failed"
    if not code.startswith("fetch."):
        code = f"fetch.{code}"
    detail = str(error.message).replace(url, clip(url)) if url else str(error.message)
    return Finding(
        code=code,
        severity=ERROR,
        field=field,
        criterion="C3",
        message=clip(f"Could not fetch {what}: {detail}", 500),
    )
