"""One look at an approved plugin: its manifest and spec, fetched conditionally.

Through the safe fetcher, with its caps and deadline per document, sending back the ETag and
Last-Modified the server gave for the version we last saw. A 304 means that document is the
one we saw; when both are 304 nothing is parsed or checked. A failed fetch of either document
is "unreachable" (the plugin can't be used as approved without its spec); a manifest whose
api.url the checker would refuse leaves the spec unfetched, and the content changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES, FetchError, FetchResult, fetch_url
from core.hosts import is_local_host, local_development, url_host
from pluginstore.checks.documents import read_manifest
from pluginstore.checks.manifest_urls import fetchable_spec_url
from pluginstore.fetching import DOCUMENT_CHARSET, SPEC_ACCEPT

UNCHANGED = "unchanged"  # both documents 304: what we saw last time
FETCHED = "fetched"  # documents in hand (one may be the one we saw), to compare
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Seen:
    """What the last successful look found: the version and the validators it came with."""

    manifest_text: str
    spec_text: str
    spec_url: str
    manifest_etag: str = ""
    manifest_last_modified: str = ""
    spec_etag: str = ""
    spec_last_modified: str = ""


@dataclass(frozen=True)
class Observation:
    kind: str  # UNCHANGED, FETCHED or UNREACHABLE
    manifest_url: str
    spec_url: str | None = None
    manifest_bytes: bytes | None = None
    spec_bytes: bytes | None = None
    manifest_etag: str = ""
    manifest_last_modified: str = ""
    spec_etag: str = ""
    spec_last_modified: str = ""
    error: str = ""
    local: bool = False


def _fetch(url: str, *, max_bytes: int, accept: str, etag: str, modified: str, local: bool):
    return fetch_url(
        url,
        max_bytes=max_bytes,
        allow_localhost=local,
        accept=accept,
        charset=DOCUMENT_CHARSET,
        if_none_match=etag,
        if_modified_since=modified,
    )


def _body(result: FetchResult, seen_text: str | None) -> bytes:
    if result.not_modified and seen_text is not None:
        return seen_text.encode(DOCUMENT_CHARSET)
    return result.body


def observe(manifest_url: str, seen: Seen | None) -> Observation:
    """Fetch the plugin's documents now; `seen` makes the requests conditional."""
    local = local_development() and is_local_host(url_host(manifest_url))
    try:
        manifest = _fetch(
            manifest_url,
            max_bytes=MANIFEST_MAX_BYTES,
            accept="application/json",
            etag=seen.manifest_etag if seen else "",
            modified=seen.manifest_last_modified if seen else "",
            local=local,
        )
    except FetchError as error:
        return Observation(UNREACHABLE, manifest_url, error=f"The manifest: {error.message}")
    manifest_bytes = _body(manifest, seen.manifest_text if seen else None)
    if manifest.not_modified and seen is not None:
        spec_url = seen.spec_url or None
    else:
        spec_url = fetchable_spec_url(
            read_manifest(manifest_bytes), manifest_url=manifest_url, local=local
        )
    spec = None
    if spec_url is not None:
        same_spec = seen is not None and spec_url == seen.spec_url
        try:
            spec = _fetch(
                spec_url,
                max_bytes=SPEC_MAX_BYTES,
                accept=SPEC_ACCEPT,
                etag=seen.spec_etag if same_spec else "",
                modified=seen.spec_last_modified if same_spec else "",
                local=local,
            )
        except FetchError as error:
            return Observation(
                UNREACHABLE, manifest_url, spec_url, error=f"The OpenAPI spec: {error.message}"
            )
    both_not_modified = manifest.not_modified and (spec is None or spec.not_modified)
    return Observation(
        UNCHANGED if both_not_modified else FETCHED,
        manifest_url,
        spec_url,
        manifest_bytes=manifest_bytes,
        spec_bytes=_body(spec, seen.spec_text if seen else None) if spec is not None else None,
        manifest_etag=_kept(manifest, manifest.etag, seen.manifest_etag if seen else ""),
        manifest_last_modified=_kept(
            manifest, manifest.last_modified, seen.manifest_last_modified if seen else ""
        ),
        spec_etag=_kept(spec, spec.etag, seen.spec_etag if seen else "") if spec else "",
        spec_last_modified=(
            _kept(spec, spec.last_modified, seen.spec_last_modified if seen else "") if spec else ""
        ),
        local=local,
    )


def _kept(result: FetchResult, new: str, old: str) -> str:
    """A 304 that leaves out a validator keeps the one we sent (it named the same document)."""
    return new or (old if result.not_modified else "")
