"""The one manifest and spec checker behind the web pages, the submission bot, the admin and CLI.

Each finding has a stable code, a severity ("error" blocks submission, "warning" does not), the
field it is about, the review criterion (PRODUCT.md section 4) and a message saying how to fix
it. The codes and exactly when they fire are listed in `manifest.py` (manifest.*) and `spec.py`
(spec.*); `pluginstore.fetching` adds fetch.* findings when a document cannot be fetched.

Messages never quote more than 80 characters of anything a developer wrote, and a report holds
at most a few findings of each code (findings.bound_findings), however large the documents.
"""

from __future__ import annotations

from collections.abc import Iterable

from pluginstore.checks.findings import ERROR, WARNING, CheckReport, Finding
from pluginstore.checks.manifest import check_manifest
from pluginstore.checks.manifest_urls import fetchable_spec_url
from pluginstore.checks.spec import check_spec

__all__ = [
    "ERROR",
    "WARNING",
    "CheckReport",
    "Finding",
    "check_manifest",
    "check_plugin",
    "check_spec",
]


def check_plugin(
    manifest_raw: object,
    spec_raw: bytes | str | dict | None,
    *,
    manifest_url: str | None = None,
    local_development: bool = False,
) -> CheckReport:
    """Check a manifest and its spec together; the domain rules need `manifest_url`."""
    return build_report(
        manifest_raw,
        spec_raw,
        manifest_url=manifest_url,
        local_development=local_development,
    )


def build_report(
    manifest_raw: object,
    spec_raw: bytes | str | dict | None,
    *,
    manifest_url: str | None = None,
    local_development: bool = False,
    check_spec_document: bool = True,
    extra_findings: Iterable[Finding] = (),
) -> CheckReport:
    """check_plugin, plus findings found elsewhere and a way to skip the spec (no spec given).

    With `spec_raw` None the spec is reported missing (spec.fetch) only when the manifest names
    a usable api.url; otherwise the manifest's own findings already explain why there is none.
    """
    manifest, findings = check_manifest(
        manifest_raw, manifest_url=manifest_url, local_development=local_development
    )
    findings = [*findings, *extra_findings]
    spec = None
    wants_spec = (
        spec_raw is not None
        or fetchable_spec_url(manifest, manifest_url=manifest_url, local=local_development)
        is not None
    )
    if check_spec_document and wants_spec:
        spec, spec_findings = check_spec(
            spec_raw, manifest=manifest, local_development=local_development
        )
        findings += spec_findings
    return CheckReport.bounded(findings, manifest=manifest, spec=spec)
