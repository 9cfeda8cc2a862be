"""Turning untrusted bytes into a JSON-shaped document, or a plain-English reason why not.

Both parsers refuse anything that would surprise the code or the database later: duplicate keys
(parsers disagree on which wins), NaN and Infinity (not JSON), NUL characters and unpaired
surrogates (PostgreSQL's jsonb rejects them), nesting deeper than MAX_DEPTH, and in YAML every
alias (`*name`), which is how a few hundred bytes expand into gigabytes ("billion laughs").
A spec that starts with "{" or "[" is parsed as JSON only. YAML mapping keys are kept as the
text written (`200:` is the key "200", as in JSON) and YAML timestamps stay text, as they would
in YAML 1.2 and in every JSON consumer of the spec.
"""

from __future__ import annotations

import json
import math
import re

import yaml

from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES
from core.text import clip
from pluginstore.checks.findings import kind

MAX_DEPTH = 64

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_BOM = b"\xef\xbb\xbf"


class DocumentError(ValueError):
    """The document cannot be used; `message` says why and is safe to show."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_large = too_large


def _size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def to_text(raw: bytes | str, *, max_bytes: int) -> str:
    """Decode UTF-8 bytes (a leading byte-order mark is tolerated) and enforce the size cap."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise DocumentError(
            f"is larger than the {_size_text(max_bytes)} limit; make it smaller.", too_large=True
        )
    if isinstance(raw, bytes):
        try:
            text = raw.removeprefix(_BOM).decode("utf-8")
        except UnicodeDecodeError as error:
            raise DocumentError(
                f"is not UTF-8 text (invalid byte at position {error.start:,}); "
                "save and serve it as UTF-8."
            ) from None
    else:
        text = raw.removeprefix("\ufeff")
    if not text.strip():
        raise DocumentError("is empty.")
    return text


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(key)
        result[key] = value
    return result


def parse_json(text: str) -> object:
    """Strict JSON: no duplicate keys, no NaN or Infinity, bounded nesting."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs)
    except _Duplicate as error:
        raise DocumentError(
            f'has the key "{clip(str(error))}" twice in one object; keep only one of them.'
        ) from None
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except RecursionError:
        raise DocumentError(f"is nested too deeply (the limit is {MAX_DEPTH} levels).") from None
    except ValueError:
        raise DocumentError("contains a number with too many digits.") from None
    check_shape(value)
    return value


def check_shape(value: object) -> None:
    """Raise DocumentError unless `value` is plain, storable JSON data."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError(f"is nested too deeply (the limit is {MAX_DEPTH} levels).")
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise DocumentError(f"has a key that is {kind(key)}; keys must be text.")
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise DocumentError(
                    "contains NaN or an infinite number, which JSON cannot hold; "
                    "use a finite number or null."
                )
        elif not (item is None or isinstance(item, bool | int)):
            raise DocumentError(
                f"contains {kind(item)}, which JSON cannot hold; use text, numbers, "
                "true/false, null, lists and objects only."
            )


def _check_text(text: str) -> None:
    if _UNSTORABLE.search(text):
        raise DocumentError(
            "contains a NUL character or an unpaired UTF-16 surrogate (\\u0000, \\ud800…); "
            "remove it."
        )


class _YamlRefused(yaml.YAMLError):
    def __init__(self, message: str, node: yaml.Node) -> None:
        super().__init__(message)
        self.message = message
        self.line = node.start_mark.line + 1


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that refuses aliases, non-text and duplicate keys, and keeps dates as text."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _YamlRefused(
                "reuses this value through a YAML alias (*name); write it out in full instead",
                node,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise _YamlRefused("expected a mapping", node)
        self.flatten_mapping(node)
        mapping: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _YamlRefused("has a key that is a list or mapping; keys must be text", node)
            key = key_node.value
            if key in mapping:
                raise _YamlRefused(
                    f'has the key "{clip(key)}" twice in one mapping; keep only one of them',
                    key_node,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _timestamp_as_text(loader: _SpecLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def parse_yaml(text: str) -> object:
    """Safe YAML with the refusals described in the module docstring."""
    try:
        value = yaml.load(text, Loader=_SpecLoader)  # noqa: S506 - a SafeLoader subclass
    except _YamlRefused as error:
        raise DocumentError(f"is not usable YAML: line {error.line} {error.message}.") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(error.problem or error.context or "syntax error")
        if problem.startswith("but ") and error.context:
            problem = f"{error.context} {problem}"
        problem = clip(problem, 120)
        raise DocumentError(f"is not valid YAML: {problem}{where}.") from None
    except yaml.YAMLError:
        raise DocumentError("is not valid YAML.") from None
    except RecursionError:
        raise DocumentError(f"is nested too deeply (the limit is {MAX_DEPTH} levels).") from None
    except ValueError:
        # Python reads at most 4,300 digits of an integer (sys.get_int_max_str_digits).
        raise DocumentError("contains a number with too many digits.") from None
    check_shape(value)
    return value


def read_manifest(raw: object) -> dict | DocumentError:
    """load_manifest without raising: the manifest as a dict, or why it is unusable.

    A DocumentError passed in comes back as it is, so a manifest parsed once (to find its spec)
    is never parsed again to be checked.
    """
    if isinstance(raw, DocumentError):
        return raw
    try:
        return load_manifest(raw)
    except DocumentError as error:
        return error


def load_manifest(raw: object) -> dict:
    """The manifest as a dict, or DocumentError; accepts bytes, text or already-parsed data."""
    if raw is None:
        raise DocumentError("was not provided.")
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw)
    value = (
        parse_json(to_text(raw, max_bytes=MANIFEST_MAX_BYTES))
        if isinstance(raw, bytes | str)
        else raw
    )
    if not isinstance(value, dict):
        raise DocumentError(f"must be a JSON object ({{ … }}) but is {kind(value)}.")
    if not isinstance(raw, bytes | str):
        check_shape(value)
    return value


def load_spec(raw: object) -> dict:
    """The spec as a dict from JSON or YAML, or DocumentError."""
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw)
    if isinstance(raw, bytes | str):
        text = to_text(raw, max_bytes=SPEC_MAX_BYTES)
        # Text that starts like JSON is held to JSON: YAML would quietly accept a trailing comma
        # or a missing value that every JSON client of the spec then chokes on.
        looks_like_json = text.lstrip().startswith(("{", "["))
        value = parse_json(text) if looks_like_json else parse_yaml(text)
    else:
        value = raw
        check_shape(value)
    if not isinstance(value, dict):
        raise DocumentError(f"must be an object (a mapping) at the top level but is {kind(value)}.")
    return value
