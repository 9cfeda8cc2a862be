"""Manifest rules about where its URLs live: HTTPS, the API's domain, the contact's domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from core.hosts import is_http_url, is_local_host, on_domain, root_domain, url_host, url_port
from core.text import clip
from pluginstore.checks import domains
from pluginstore.checks.findings import ERROR, WARNING, Finding
from pluginstore.models import URL_MAX_LENGTH

_AUTH_URLS = ("client_url", "authorization_url")


def _error(code: str, field: str, criterion: str, message: str) -> Finding:
    return Finding(code=code, severity=ERROR, field=field, criterion=criterion, message=message)


def storable_url(value: object) -> bool:
    """An absolute http(s) URL short enough for the columns that keep URLs."""
    return is_http_url(value) and len(value) <= URL_MAX_LENGTH  # type: ignore[arg-type]


def spec_url(manifest: object) -> str | None:
    """The manifest's api.url when it is a storable absolute http(s) URL."""
    api = manifest.get("api") if isinstance(manifest, dict) else None
    url = api.get("url") if isinstance(api, dict) else None
    return url if storable_url(url) else None


def fetchable_spec_url(manifest: object, *, manifest_url: str | None, local: bool) -> str | None:
    """Where the spec is fetched from: spec_url, unless a rule on where it lives refuses it.

    No request ever goes to a URL the checker is about to reject (manifest.https,
    manifest.api_domain): the rule is asked first.
    """
    url = spec_url(manifest)
    if url is None:
        return None
    urls = {"api.url": url}
    if https_findings(urls, None, local) or api_domain_findings(urls, manifest_url, local):
        return None
    return url


def valid_urls(present: dict) -> dict[str, str]:
    """Field path -> URL, for every manifest URL that passed its own check."""
    urls = {}
    auth = present.get("auth")
    api_url = spec_url(present)
    if api_url is not None:
        urls["api.url"] = api_url
    for name in ("logo_url", "legal_info_url"):
        if is_http_url(present.get(name)):
            urls[name] = present[name]
    if isinstance(auth, dict) and auth.get("type") == "oauth":
        for sub in _AUTH_URLS:
            if is_http_url(auth.get(sub)):
                urls[f"auth.{sub}"] = auth[sub]
    return urls


def https_findings(urls: dict[str, str], manifest_url: str | None, local: bool) -> list[Finding]:
    """manifest.https: every URL, the manifest's own included, uses https outside local dev."""
    findings = []
    checked = dict(urls)
    if manifest_url and is_http_url(manifest_url):
        checked = {"manifest": manifest_url, **checked}
    for name, url in checked.items():
        if urlsplit(url).scheme.lower() != "http" or (local and is_local_host(url_host(url))):
            continue
        what = "The manifest URL" if name == "manifest" else name
        findings.append(
            _error(
                "manifest.https",
                name,
                "C3",
                f"{what} uses plain http ({clip(url)}); serve it over https:// "
                "(http is allowed only for localhost in local development).",
            )
        )
    return findings


def api_domain_findings(
    urls: dict[str, str], manifest_url: str | None, local: bool
) -> list[Finding]:
    """manifest.api_domain: api.url is on the manifest's root domain or a subdomain of it."""
    api_url = urls.get("api.url")
    if not api_url or not manifest_url or not is_http_url(manifest_url):
        return []
    api_host, manifest_host = url_host(api_url), url_host(manifest_url)
    if local and is_local_host(manifest_host):
        same = is_local_host(api_host) and url_port(api_url) == url_port(manifest_url)
        expected = f"{manifest_host}:{url_port(manifest_url)}"
    else:
        root = root_domain(manifest_host)
        same = on_domain(api_host, root)
        expected = f"{root} or one of its subdomains"
    if same:
        return []
    return [
        _error(
            "manifest.api_domain",
            "api.url",
            "C3",
            f"api.url is on {clip(api_host)}, but the manifest is served from "
            f"{clip(manifest_host)}; serve the OpenAPI spec from {clip(expected, 120)}.",
        )
    ]


def contact_domain_findings(
    present: dict, urls: dict[str, str], manifest_url: str | None, local: bool
) -> list[Finding]:
    """manifest.contact_domain (warning): legal page and email on the plugin's domain."""
    legal = urls.get("legal_info_url")
    email = present.get("contact_email")
    email = email if domains.is_email(email) else None
    if manifest_url and is_http_url(manifest_url):
        manifest_host = url_host(manifest_url)
        if local and is_local_host(manifest_host):
            return []
        target = domains.registrable_domain(manifest_host)
        found = []
        if legal and domains.registrable_domain(url_host(legal)) != target:
            found.append(("legal_info_url", url_host(legal)))
        if email and domains.registrable_domain(domains.email_domain(email)) != target:
            found.append(("contact_email", domains.email_domain(email)))
        return [_contact_warning(name, host, target) for name, host in found]
    if not legal or not email or is_local_host(url_host(legal)):
        return []
    target = domains.registrable_domain(url_host(legal))
    if domains.registrable_domain(domains.email_domain(email)) == target:
        return []
    return [_contact_warning("contact_email", domains.email_domain(email), target)]


def _contact_warning(name: str, host: str, target: str) -> Finding:
    return Finding(
        code="manifest.contact_domain",
        severity=WARNING,
        field=name,
        criterion="C3",
        message=f"{name} is on {clip(host)}, not on {clip(target)}; reviewers expect the legal "
        "page and the contact address on the same domain as the plugin. Move it there if you can.",
    )
