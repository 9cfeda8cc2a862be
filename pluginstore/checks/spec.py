"""OpenAPI spec checks. Every code below is stable; messages say how to fix.

Errors (block submission):
  spec.fetch                   there is no spec to check (it could not be fetched), or it is
                               over the 2 MiB limit                                        C3
  spec.parse                   not UTF-8 JSON or YAML whose top level is an object; also
                               duplicate keys, YAML aliases, NaN, NUL characters, non-text
                               keys, nesting over 64 levels (see documents.py)             C3
  spec.openapi                 not valid OpenAPI 3.0/3.1/3.2 according to
                               openapi-spec-validator (the message names the first error's
                               path); Swagger 2.0 is refused with a pointer to converters;
                               $refs to other files or URLs are refused, never fetched      C3
  spec.operation_id            an operation has no operationId (or it is not text)         C5
  spec.length                  a path or operation summary or description, or a parameter
                               description, is over 200 characters; one per place          C6
Warnings:
  spec.operation_id.descriptive  an operationId that does not describe what it does (below)  C5
  spec.oauth                   the spec has write operations (post, put, patch, delete) and
                               the manifest's auth.type is not "oauth"                      C11
  spec.openapi.time_limit      validating took longer than PLUGINSTORE_SPEC_VALIDATION_SECONDS
                               (our limit: the spec was not found invalid; a reviewer checks
                               it by hand)                                                  C3
  spec.openapi.unchecked       the validator itself failed (our problem, reported as such)  C3

A descriptive operationId has at least two words (camelCase, snake_case, kebab-case, dots or
spaces split words; digits are not words) and at least one of them is not generic: HTTP verbs
and words like "op", "operation", "endpoint", "handler", "api", "default", "data" say nothing
about what the operation does. "getTodos", "search_flights" and "add-item" pass; "get",
"op1", "operation2", "handler", "api", "getData" and "defaultHandler" do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.text import clip
from pluginstore.checks.documents import DocumentError, load_spec
from pluginstore.checks.findings import ERROR, WARNING, Finding, kind, shown
from pluginstore.checks.openapi import validate_openapi

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
TEXT_LIMIT = 200
OPENAPI_VERSIONS = ("3.0", "3.1", "3.2")
GENERIC_WORDS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "op", "operation"}
    | {"endpoint", "handler", "handle", "api", "default", "method", "function", "func", "call"}
    | {"request", "action", "route", "path", "do", "run", "execute", "process", "test", "data"}
    | {"info", "foo", "bar", "baz", "tmp", "temp", "new", "untitled", "unnamed", "main", "index"}
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[^\W\d_]+")


def _error(code: str, field: str, criterion: str, message: str) -> Finding:
    return Finding(code=code, severity=ERROR, field=field, criterion=criterion, message=message)


def _warning(code: str, field: str, criterion: str, message: str) -> Finding:
    return Finding(code=code, severity=WARNING, field=field, criterion=criterion, message=message)


def check_spec(
    raw: bytes | str | dict | None, *, manifest: dict | None, local_development: bool = False
) -> tuple[dict | None, list[Finding]]:
    """Parse and check an OpenAPI spec; returns the parsed spec (None if unusable) and findings."""
    if raw is None:
        return None, [
            _error(
                "spec.fetch",
                "api.url",
                "C3",
                "There is no OpenAPI spec to check. Make api.url serve your spec as JSON or YAML.",
            )
        ]
    try:
        spec = load_spec(raw)
    except DocumentError as error:
        code = "spec.fetch" if error.too_large else "spec.parse"
        return None, [_error(code, "spec", "C3", f"The OpenAPI spec {error.message}")]
    operations = list(iter_operations(spec))
    findings = _openapi(spec)
    findings += _operation_ids(operations)
    findings += _lengths(spec)
    findings += _oauth(operations, manifest)
    return spec, findings


def _place(*parts: object) -> str:
    return "spec." + ".".join(clip(str(part)) for part in parts)


def iter_operations(spec: dict) -> Iterator[tuple[str, str, dict]]:
    """(path, method, operation) for every operation object under `paths`."""
    paths = spec.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation


def _openapi(spec: dict) -> list[Finding]:
    if "swagger" in spec:
        return [
            _error(
                "spec.openapi",
                "spec.swagger",
                "C3",
                "The spec is Swagger (OpenAPI 2.0); plugins need OpenAPI 3. Convert it, for "
                "example with swagger2openapi or editor.swagger.io, and serve the result.",
            )
        ]
    version = spec.get("openapi")
    match = (
        re.fullmatch(r"(3\.\d+)(\.\d+)?(-[0-9A-Za-z.]+)?", version or "")
        if isinstance(version, str)
        else None
    )
    if match is None or match.group(1) not in OPENAPI_VERSIONS:
        found = "missing" if version is None else shown(version)
        return [
            _error(
                "spec.openapi",
                "spec.openapi",
                "C3",
                f'The spec must say which OpenAPI version it uses, such as "openapi": "3.1.0" '
                f"(3.0, 3.1 and 3.2 are supported); it is {found}.",
            )
        ]
    return _validate(spec, match.group(1))


def _validate(spec: dict, version: str) -> list[Finding]:
    """The validator's verdict within the budget (openapi.py); our limits are never the
    developer's error: running out of time or a validator failure is a warning that says so."""

    def fail(message: str) -> list[Finding]:
        return [
            _error(
                "spec.openapi", "spec", "C3", f"The spec is not valid OpenAPI {version}: {message}"
            )
        ]

    answer = validate_openapi(spec, version)
    outcome = answer["outcome"]
    if outcome == "valid":
        return []
    if outcome == "invalid":
        parts = answer.get("path") or []
        where = ".".join(clip(str(part), 60) for part in parts) or "the top level"
        detail = clip(str(answer.get("message", "")).split("\n", 1)[0], 160)
        return fail(f"at {where}: {detail}. Fix it there; editor.swagger.io shows every error.")
    if outcome == "missing_ref":
        return fail(
            f"the $ref {shown(answer.get('ref', ''))} points to nothing in the document; "
            "fix the reference or add what it names."
        )
    if outcome == "unresolvable_ref":
        return fail(
            f"the $ref {shown(answer.get('ref', ''))} cannot be followed; put everything "
            'in one document and refer to it locally, such as "#/components/schemas/Todo".'
        )
    if outcome == "recursion":
        return fail("a $ref refers to itself with nothing else in between; fix the cycle.")
    if outcome == "time_limit":
        return [
            _warning(
                "spec.openapi.time_limit",
                "spec",
                "C3",
                f"We stopped checking the spec against OpenAPI {version} after "
                f"{answer.get('seconds', 0):g} seconds, the time our checker allows. This is "
                "our limit, not an error in your spec, and it does not block submission; a "
                "reviewer will check the spec's validity by hand. A smaller spec (fewer "
                "operations, narrower anyOf and oneOf schemas) can be checked in full.",
            )
        ]
    return [
        _warning(
            "spec.openapi.unchecked",
            "spec",
            "C3",
            f"Our OpenAPI validator failed on this spec, so it was not checked against OpenAPI "
            f"{version}. This is a problem on our side and does not block submission; a reviewer "
            "will check the spec by hand (editor.swagger.io checks it too).",
        )
    ]


def operation_words(operation_id: str) -> list[str]:
    """The words of an identifier written in camelCase, snake_case, kebab-case or similar."""
    return [word.lower() for word in _WORDS.findall(operation_id)]


def is_descriptive(operation_id: str) -> bool:
    """At least two words, at least one of them not generic (see the module docstring)."""
    words = operation_words(operation_id)
    return len(words) >= 2 and any(word not in GENERIC_WORDS for word in words)


def _operation_ids(operations: list[tuple[str, str, dict]]) -> list[Finding]:
    findings = []
    for path, method, operation in operations:
        field = _place("paths", path, method, "operationId")
        value = operation.get("operationId")
        if not isinstance(value, str) or not value.strip():
            found = "has none" if value is None or isinstance(value, str) else f"is {kind(value)}"
            findings.append(
                _error(
                    "spec.operation_id",
                    field,
                    "C5",
                    f"{method.upper()} {clip(path)} {found} as its operationId. Add a "
                    "descriptive one such as getTodos or search_flights; the model calls "
                    "operations by this name.",
                )
            )
        elif not is_descriptive(value):
            findings.append(
                _warning(
                    "spec.operation_id.descriptive",
                    field,
                    "C5",
                    f"The operationId {shown(value)} of {method.upper()} {clip(path)} does not "
                    "say what it does. Name the action and the thing, such as getTodos or "
                    "search_flights.",
                )
            )
    return findings


def _long_text(field: str, value: object, what: str) -> Finding | None:
    if not isinstance(value, str) or len(value) <= TEXT_LIMIT:
        return None
    return _error(
        "spec.length",
        field,
        "C6",
        f"The {what} is {len(value):,} characters long; shorten it to {TEXT_LIMIT} characters "
        "or fewer (the model sees only that much).",
    )


def _parameter_findings(parameters: object, *parts: object) -> Iterator[Finding | None]:
    if not isinstance(parameters, list):
        return
    for index, parameter in enumerate(parameters):
        if isinstance(parameter, dict):
            name = shown(parameter.get("name")) if parameter.get("name") is not None else index
            yield _long_text(
                _place(*parts, "parameters", index, "description"),
                parameter.get("description"),
                f"description of parameter {name}",
            )


def _lengths(spec: dict) -> list[Finding]:
    found: list[Finding | None] = []
    paths = spec.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for key in ("summary", "description"):
            found.append(_long_text(_place("paths", path, key), item.get(key), f"{key} of {path}"))
        found.extend(_parameter_findings(item.get("parameters"), "paths", path))
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {clip(path)}"
            for key in ("summary", "description"):
                found.append(
                    _long_text(
                        _place("paths", path, method, key), operation.get(key), f"{key} of {where}"
                    )
                )
            found.extend(_parameter_findings(operation.get("parameters"), "paths", path, method))
    components = spec.get("components")
    shared = components.get("parameters") if isinstance(components, dict) else None
    for name, parameter in shared.items() if isinstance(shared, dict) else ():
        if isinstance(parameter, dict):
            found.append(
                _long_text(
                    _place("components", "parameters", name, "description"),
                    parameter.get("description"),
                    f"description of the shared parameter {shown(name)}",
                )
            )
    return [finding for finding in found if finding is not None]


def _oauth(operations: list[tuple[str, str, dict]], manifest: dict | None) -> list[Finding]:
    auth = manifest.get("auth") if isinstance(manifest, dict) else None
    if not isinstance(auth, dict) or not isinstance(auth.get("type"), str):
        return []
    if auth["type"] == "oauth":
        return []
    writes = [
        f"{method.upper()} {clip(path)}"
        for path, method, _ in operations
        if method in WRITE_METHODS
    ]
    if not writes:
        return []
    listed = ", ".join(writes[:3]) + (f" and {len(writes) - 3} more" if len(writes) > 3 else "")
    return [
        _warning(
            "spec.oauth",
            "auth.type",
            "C11",
            f"The spec has operations that change things ({listed}) but auth.type is "
            f"{shown(auth['type'])}. Plugins that take actions in the world should use OAuth "
            "so each user signs in and approves access.",
        )
    ]
