"""Manifest checks (PRODUCT.md section 5). Every code below is stable; messages say how to fix.

Errors (block submission):
  manifest.json                  not a JSON object (also: not UTF-8, empty, over 64 KiB, duplicate
                                 keys, NaN, NUL characters, nested over 64 levels)        C3
  manifest.field_missing         a required field is absent, null or blank; one per field, and
                                 then no other finding for that field                     C3
  manifest.schema_version        not "v1"                                                 C3
  manifest.name_for_model        does not match ^[A-Za-z0-9_]{1,50}$                      C3
  manifest.name_for_human.length over 20 characters, or not text                          C6
  manifest.description_for_human.length  over 100 characters, or not text                C6
  manifest.description_for_model.length  over 8,000 characters, or not text              C6
  manifest.punctuation           description_for_human does not end in . ! ? 。 ！ ？ …
                                 once trailing spaces, quotes and closing brackets go     C7
  manifest.reserved_words        a whole word plugin(s)/chatgpt/openai/gpt in name_for_human
                                 or description_for_human                                 C9
  manifest.auth                  bad auth object, type or a sub-field its type needs      C3
  manifest.api                   bad api object, api.type or api.url (also: api.url over
                                 URL_MAX_LENGTH, 500 characters, the column that keeps it) C3
  manifest.logo_url              not an absolute http(s) URL, a .gif, or over 500 chars   C3
  manifest.contact_email         not a valid email address                                C3
  manifest.legal_info_url        not an absolute http(s) URL                              C3
  manifest.https                 an http:// URL (the manifest's own, api.url, logo_url,
                                 legal_info_url, auth.client_url, auth.authorization_url)
                                 outside local development                                C3
  manifest.api_domain            api.url's host is not the manifest's root domain (its host
                                 without "www.") or a subdomain of it; in local development
                                 against localhost, not the manifest's host and port       C3
Warnings:
  manifest.contact_domain        legal_info_url's host or the contact email's domain is not on
                                 the manifest's registrable domain (see domains.py); with no
                                 manifest URL, the two are compared with each other        C3

"Missing" for auth sub-fields means absent, null, blank text or an empty object; an empty
`scope` is allowed because OAuth treats it as "the default scope". Whole words: see text.py.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from core.hosts import is_http_url
from pluginstore.checks import domains, manifest_urls
from pluginstore.checks.documents import DocumentError, read_manifest
from pluginstore.checks.findings import ERROR, Finding, kind, shown
from pluginstore.checks.text import ends_with_punctuation, reserved_words
from pluginstore.models import URL_MAX_LENGTH

REQUIRED_FIELDS = (
    "schema_version",
    "name_for_model",
    "name_for_human",
    "description_for_model",
    "description_for_human",
    "auth",
    "api",
    "logo_url",
    "contact_email",
    "legal_info_url",
)
_HINTS = {
    "schema_version": 'set it to "v1"',
    "name_for_model": "letters, digits and underscores only, at most 50",
    "name_for_human": "the name people see, at most 20 characters",
    "description_for_model": "tell the model what your API does and when to use it",
    "description_for_human": "one sentence for people, at most 100 characters, with punctuation",
    "auth": 'for example {"type": "none"}',
    "api": '{"type": "openapi", "url": "https://<your domain>/openapi.yaml"}',
    "logo_url": "an https URL of a PNG or JPEG logo",
    "contact_email": "an address where people and reviewers can reach you",
    "legal_info_url": "an https URL of your terms and privacy policy",
}
_LENGTH_LIMITS = {"name_for_human": 20, "description_for_human": 100, "description_for_model": 8000}
_NAME_FOR_MODEL = re.compile(r"[A-Za-z0-9_]{1,50}")
_AUTH_TYPES = ("none", "user_http", "service_http", "oauth")
_AUTH_NEEDS = {
    "none": (),
    "user_http": ("authorization_type",),
    "service_http": ("authorization_type", "verification_tokens"),
    "oauth": (
        "client_url",
        "scope",
        "authorization_url",
        "authorization_content_type",
        "verification_tokens",
    ),
}
_AUTH_URLS = ("client_url", "authorization_url")


def _error(code: str, field: str, criterion: str, message: str) -> Finding:
    return Finding(code=code, severity=ERROR, field=field, criterion=criterion, message=message)


def is_missing(value: object) -> bool:
    """Absent, null or blank text."""
    return value is None or (isinstance(value, str) and not value.strip())


def check_manifest(
    raw: object, *, manifest_url: str | None = None, local_development: bool = False
) -> tuple[dict | None, list[Finding]]:
    """Parse and check a manifest; returns the parsed manifest (None if unusable) and findings.

    `raw` is bytes, text, parsed data, or what documents.read_manifest made of them (a dict or
    the DocumentError saying why there is none).
    """
    manifest = read_manifest(raw)
    if isinstance(manifest, DocumentError):
        message = f"The manifest {manifest.message}"
        return None, [_error("manifest.json", "manifest", "C3", message)]

    findings: list[Finding] = []
    present = {}
    for name in REQUIRED_FIELDS:
        value = manifest.get(name)
        if is_missing(value):
            findings.append(
                _error(
                    "manifest.field_missing",
                    name,
                    "C3",
                    f'The manifest has no {name}. Add a non-empty "{name}" ({_HINTS[name]}).',
                )
            )
        else:
            present[name] = value

    findings += _schema_version(present)
    findings += _name_for_model(present)
    findings += _text_fields(present)
    findings += _auth(present)
    findings += _api(present)
    findings += _logo_url(present)
    findings += _contact_email(present)
    findings += _legal_info_url(present)
    urls = manifest_urls.valid_urls(present)
    findings += manifest_urls.https_findings(urls, manifest_url, local_development)
    findings += manifest_urls.api_domain_findings(urls, manifest_url, local_development)
    findings += manifest_urls.contact_domain_findings(
        present, urls, manifest_url, local_development
    )
    return manifest, findings


def _schema_version(present: dict) -> list[Finding]:
    value = present.get("schema_version")
    if value is None or value == "v1":
        return []
    return [
        _error(
            "manifest.schema_version",
            "schema_version",
            "C3",
            f'schema_version must be "v1", but it is {shown(value)}. Set it to "v1".',
        )
    ]


def _name_for_model(present: dict) -> list[Finding]:
    value = present.get("name_for_model")
    if value is None or (isinstance(value, str) and _NAME_FOR_MODEL.fullmatch(value)):
        return []
    if not isinstance(value, str):
        problem = f"is {kind(value)}, not text"
    elif len(value) > 50:
        problem = f"is {len(value):,} characters long"
    else:
        problem = f"is {shown(value)}, which has characters other than A-Z, a-z, 0-9 and _"
    return [
        _error(
            "manifest.name_for_model",
            "name_for_model",
            "C3",
            f"name_for_model {problem}. Use 1 to 50 letters (A-Z, a-z), digits and underscores, "
            "for example todo_list.",
        )
    ]


def _text_fields(present: dict) -> list[Finding]:
    findings = []
    for name, limit in _LENGTH_LIMITS.items():
        value = present.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            findings.append(
                _error(
                    f"manifest.{name}.length",
                    name,
                    "C6",
                    f"{name} must be text of at most {limit:,} characters, but it is "
                    f"{kind(value)}. Write it as a JSON string.",
                )
            )
            continue
        if len(value) > limit:
            findings.append(
                _error(
                    f"manifest.{name}.length",
                    name,
                    "C6",
                    f"{name} is {len(value):,} characters long; shorten it to {limit:,} "
                    "characters or fewer.",
                )
            )
        if name == "description_for_human" and not ends_with_punctuation(value):
            findings.append(
                _error(
                    "manifest.punctuation",
                    name,
                    "C7",
                    "description_for_human must end with punctuation (. ! ? 。 ！ ？ or …); "
                    "finish the sentence with a full stop.",
                )
            )
        if name in ("name_for_human", "description_for_human"):
            words = reserved_words(value)
            if words:
                listed = ", ".join(f'"{w}"' for w in words)
                findings.append(
                    _error(
                        "manifest.reserved_words",
                        name,
                        "C9",
                        f"{name} uses the reserved word{'s' if len(words) > 1 else ''} {listed}. "
                        f"Remove {'them' if len(words) > 1 else 'it'}: names and descriptions "
                        'may not say "plugin", "ChatGPT", '
                        '"OpenAI" or "GPT".',
                    )
                )
    return findings


def _missing_sub(name: str, value: object) -> bool:
    if value is None or value == {} or value == []:
        return True
    return isinstance(value, str) and not value.strip() and name != "scope"


def _auth(present: dict) -> list[Finding]:
    auth = present.get("auth")
    if auth is None:
        return []
    if not isinstance(auth, dict):
        return [
            _error(
                "manifest.auth",
                "auth",
                "C3",
                f'auth must be an object such as {{"type": "none"}}, but it is {kind(auth)}.',
            )
        ]
    auth_type = auth.get("type")
    if auth_type not in _AUTH_TYPES:
        found = "missing" if auth_type is None else shown(auth_type)
        return [
            _error(
                "manifest.auth",
                "auth.type",
                "C3",
                f"auth.type must be one of none, user_http, service_http or oauth; it is {found}.",
            )
        ]
    findings = []
    for sub in _AUTH_NEEDS[auth_type]:
        value = auth.get(sub)
        if sub == "authorization_type" and value not in ("bearer", "basic"):
            findings.append(
                _error(
                    "manifest.auth",
                    "auth.authorization_type",
                    "C3",
                    f'auth type {auth_type} needs auth.authorization_type "bearer" or "basic"; '
                    f"it is {'missing' if value is None else shown(value)}.",
                )
            )
        elif _missing_sub(sub, value):
            findings.append(
                _error(
                    "manifest.auth",
                    f"auth.{sub}",
                    "C3",
                    f"auth type {auth_type} needs auth.{sub}; add it to the auth object.",
                )
            )
        elif sub in _AUTH_URLS and not is_http_url(value):
            findings.append(
                _error(
                    "manifest.auth",
                    f"auth.{sub}",
                    "C3",
                    f"auth.{sub} must be an absolute http(s) URL, but it is {shown(value)}.",
                )
            )
    return findings


def _api(present: dict) -> list[Finding]:
    api = present.get("api")
    if api is None:
        return []
    if not isinstance(api, dict):
        return [
            _error(
                "manifest.api",
                "api",
                "C3",
                f"api must be an object like {_HINTS['api']}, but it is {kind(api)}.",
            )
        ]
    findings = []
    if api.get("type") != "openapi":
        found = "missing" if api.get("type") is None else shown(api.get("type"))
        findings.append(
            _error("manifest.api", "api.type", "C3", f'api.type must be "openapi"; it is {found}.')
        )
    url = api.get("url")
    if not is_http_url(url):
        found = "missing" if is_missing(url) else shown(url)
        findings.append(
            _error(
                "manifest.api",
                "api.url",
                "C3",
                f"api.url must be the absolute http(s) URL of your OpenAPI spec; it is {found}.",
            )
        )
    elif not manifest_urls.storable_url(url):
        findings.append(_too_long("manifest.api", "api.url", url))
    return findings


def _too_long(code: str, name: str, url: str) -> Finding:
    return _error(
        code,
        name,
        "C3",
        f"{name} is {len(url):,} characters long; the store keeps URLs of up to "
        f"{URL_MAX_LENGTH:,} characters. Serve the file at a shorter URL.",
    )


def _url_error(code: str, name: str, value: object) -> Finding:
    return _error(
        code,
        name,
        "C3",
        f"{name} must be an absolute http(s) URL such as https://example.com/legal, but it is "
        f"{shown(value)}.",
    )


def _logo_url(present: dict) -> list[Finding]:
    value = present.get("logo_url")
    if value is None:
        return []
    if not is_http_url(value):
        return [_url_error("manifest.logo_url", "logo_url", value)]
    if not manifest_urls.storable_url(value):
        return [_too_long("manifest.logo_url", "logo_url", value)]
    if unquote(urlsplit(value).path).lower().endswith(".gif"):
        return [
            _error(
                "manifest.logo_url",
                "logo_url",
                "C3",
                "logo_url points to a GIF, which is not accepted; use a square PNG or JPEG "
                "(512×512 pixels works well).",
            )
        ]
    return []


def _contact_email(present: dict) -> list[Finding]:
    value = present.get("contact_email")
    if value is None or domains.is_email(value):
        return []
    return [
        _error(
            "manifest.contact_email",
            "contact_email",
            "C3",
            f"contact_email must be a valid email address such as support@example.com, but it "
            f"is {shown(value)}.",
        )
    ]


def _legal_info_url(present: dict) -> list[Finding]:
    value = present.get("legal_info_url")
    if value is None or is_http_url(value):
        return []
    return [_url_error("manifest.legal_info_url", "legal_info_url", value)]
