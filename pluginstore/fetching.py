"""Fetch a plugin's manifest and OpenAPI spec through the safe fetcher, then check both.

The manifest URL comes from core.hosts.parse_target (what a developer typed) or from a stored
plugin; it is not parsed again here: the fetcher reads it as it reads every URL. The manifest is
parsed once, to find the spec, and that parse is what the checker checks.

A fetch that fails becomes an error finding, never an exception: code "fetch.<reason>" (the
fetcher's own code, such as fetch.timeout, fetch.blocked_address or fetch.decompression),
criterion C3, field "manifest" for the manifest and "api.url" for the spec. Both are read as
UTF-8 text (a lying charset is fetch.charset). The spec is fetched only when the manifest parsed
and its api.url is an absolute http(s) URL that the checker's rules on where it lives
(manifest.https, manifest.api_domain) accept: nothing is requested from a URL about to be
refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES, FetchError, fetch_url
from core.hosts import is_local_host, local_development, url_host
from core.text import clip
from pluginstore.checks import CheckReport, Finding, build_report
from pluginstore.checks.documents import read_manifest
from pluginstore.checks.findings import ERROR
from pluginstore.checks.manifest_urls import fetchable_spec_url

SPEC_ACCEPT = "application/json, application/yaml, text/yaml, */*;q=0.5"
DOCUMENT_CHARSET = "utf-8"


@dataclass(frozen=True)
class FetchedPlugin:
    """What was fetched (None where a fetch failed or never ran) and the check report."""

    manifest_url: str
    spec_url: str | None
    manifest_bytes: bytes | None
    spec_bytes: bytes | None
    report: CheckReport


def fetch_plugin(
    manifest_url: str,
    *,
    allow_localhost: bool | None = None,
    on_checking: Callable[[], None] | None = None,
) -> FetchedPlugin:
    """Fetch the manifest, then the spec its api.url names, and check both.

    `on_checking` is called once both documents are in and the checks are about to run (the
    job page's "Checking" step); not at all when the manifest could not be fetched.
    """
    if allow_localhost is None:
        allow_localhost = local_development()
    local = allow_localhost and is_local_host(url_host(manifest_url))
    try:
        manifest_bytes = fetch_url(
            manifest_url,
            max_bytes=MANIFEST_MAX_BYTES,
            allow_localhost=allow_localhost,
            charset=DOCUMENT_CHARSET,
        ).body
    except FetchError as error:
        finding = _fetch_finding(error, "manifest", "the manifest", manifest_url)
        report = CheckReport(findings=(finding,))
        return FetchedPlugin(manifest_url, None, None, None, report)

    manifest = read_manifest(manifest_bytes)
    api_url = fetchable_spec_url(manifest, manifest_url=manifest_url, local=local)
    spec_bytes = None
    fetch_findings: list[Finding] = []
    if api_url is not None:
        try:
            spec_bytes = fetch_url(
                api_url,
                max_bytes=SPEC_MAX_BYTES,
                allow_localhost=allow_localhost,
                accept=SPEC_ACCEPT,
                charset=DOCUMENT_CHARSET,
            ).body
        except FetchError as error:
            fetch_findings.append(_fetch_finding(error, "api.url", "the OpenAPI spec", api_url))
    if on_checking is not None:
        on_checking()
    report = build_report(
        manifest,
        spec_bytes,
        manifest_url=manifest_url,
        local_development=local,
        check_spec_document=not fetch_findings,
        extra_findings=fetch_findings,
    )
    return FetchedPlugin(manifest_url, api_url, manifest_bytes, spec_bytes, report)


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
