"""Hypothesis strategies for hostile input: strings, JSON values, manifests, specs, YAML.

Everything is bounded (sizes, nesting, leaves) so one example stays fast; the hostile values
that matter most are in HOSTILE_STRINGS, which the web tests also send field by field.
"""

from __future__ import annotations

import json
import string

import yaml
from hypothesis import strategies as st

from tests.pluginstore.helpers import manifest_for, spec_for

# Each of these has broken some web application somewhere; the comment says how.
HOSTILE_STRINGS = (
    "\x00",  # PostgreSQL text and jsonb cannot hold NUL
    "a\x00b",
    "\ud800",  # a lone surrogate: cannot be encoded as UTF-8
    "x\udfffy",
    "A" * 10_000,  # longer than any column
    "é" * 10_000,  # 20,000 bytes of UTF-8
    "\u202egnp.exe",  # right-to-left override: the text reads backwards
    "\u2066admin\u2069\u200f",  # isolates and a right-to-left mark
    "a\u200db\u200bc\ufeff",  # zero-width joiner, space, no-break space (BOM)
    "%00",  # a NUL to anyone who decodes twice
    "%",
    "%ED%A0%80",  # a surrogate, percent-encoded
    "e\u0301",  # é decomposed (NFD); "é" is NFC
    "\ufb01le \u212b \u212a",  # ﬁ, Å (angstrom sign) and K (kelvin sign): NFKC folds them
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}${7*7}",
    "' OR 1=1 --",
    "a\r\nSet-Cookie: x=1",
    "\x1b[31m\x7f\x08\t\x0b\x0c",
    "99999999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "../../../etc/passwd",
    "😀𝕏\U0010ffff",
    "",
    "   ",
)

# Characters that are hostile on their own, mixed into random text.
HOSTILE_CHARACTERS = "\x00\ud800\udfff\u202e\u2066\u200d\u200b\ufeff\r\n\t%<>\"'&\\/{}$\u0301"

# Any code point at all, surrogates and control characters included.
any_character = st.characters(exclude_categories=())


def _mixed(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(pieces, max_size=6).map("".join)


hostile_text: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(alphabet=any_character, max_size=40),
    _mixed(
        st.one_of(
            st.sampled_from(HOSTILE_STRINGS[:14]),
            st.text(alphabet=st.sampled_from(HOSTILE_CHARACTERS), max_size=4),
            st.text(alphabet=string.ascii_letters + string.digits + " ._-@:/", max_size=12),
        )
    ),
)

# --- JSON ------------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)


def json_values(max_leaves: int = 25) -> st.SearchStrategy[object]:
    """Any JSON-like value: scalars, lists and objects with hostile keys, bounded in size."""
    return st.recursive(
        json_scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.dictionaries(hostile_text, children, max_size=5),
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int, leaf: object = 1) -> object:
    """A value nested `depth` levels deep, alternating lists and objects."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


deep_values = st.integers(min_value=1, max_value=400).map(nested)


def to_json_bytes(value: object) -> bytes:
    """JSON text as a hostile server would send it: NaN allowed, surrogates passed through."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=True, default=repr)
    return text.encode("utf-8", "surrogatepass")


raw_bytes = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf{}",
            b"\xff\xfe{\x00}\x00",  # UTF-16
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00",  # the start of a gzip stream
            b"{" * 5000,
            b"[" * 100_000,
            b'{"a":' * 3000 + b"1" + b"}" * 3000,
            b"[" + b"1" * 5000 + b"]",  # a JSON integer with too many digits
            b"{}" + b" " * (64 * 1024),  # just over the manifest cap
            b'{"a": NaN, "b": -Infinity}',
            b'{"a": 1, "a": 2}',
            b'"\\u0000"',
            b'{"\\ud800": "\\udfff"}',
        ]
    ),
    json_values().map(to_json_bytes),
)

# --- manifests -------------------------------------------------------------------------------

DOMAIN = "fuzz.example.com"
MANIFEST_URL = f"https://{DOMAIN}/.well-known/ai-plugin.json"

hostile_urls = st.one_of(
    hostile_text,
    hostile_text.map(lambda text: f"https://{DOMAIN}/{text}"),
    hostile_text.map(lambda text: f"https://{text}/openapi.json"),
    st.integers(min_value=0, max_value=3000).map(
        lambda n: f"https://{DOMAIN}/{'a' * n}"  # past every URL column's length
    ),
    st.sampled_from(
        [
            "http://127.0.0.1/openapi.json",
            "https://[::1]:443/x",
            "https://fuzz.example.com:443/openapi.json",
            "https://FUZZ.EXAMPLE.COM./openapi.json",
            "https://xn--fuzz-.example.com/",
            "file:///etc/passwd",
            "//fuzz.example.com/openapi.json",
            "https://user:pass@fuzz.example.com/",
            "https://fuzz.example.com:99999/",
            "https://fuzz.example.com/logo.gif",
        ]
    ),
)


def _field(valid: object, *extra: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.just(valid), hostile_text, json_values(8), *extra)


def _object_field(valid: dict, urls: tuple[str, ...] = ()) -> st.SearchStrategy:
    """An object field: valid, with hostile values in some keys, or not an object at all."""
    keys = {
        key: _field(value, *([hostile_urls] if key in urls else [])) for key, value in valid.items()
    }
    hostile_object = st.fixed_dictionaries({}, optional=keys)
    return st.one_of(st.just(valid), hostile_object, json_values(8))


_VALID = manifest_for(DOMAIN)
_OAUTH = {
    "type": "oauth",
    "client_url": f"https://{DOMAIN}/oauth",
    "scope": "",
    "authorization_url": f"https://{DOMAIN}/token",
    "authorization_content_type": "application/json",
    "verification_tokens": {"openai": "abc"},
}
_MANIFEST_FIELDS = {
    "schema_version": _field("v1"),
    "name_for_human": _field("Fuzz Weather"),
    "name_for_model": _field("fuzz_weather"),
    "description_for_human": _field("Weather forecasts."),
    "description_for_model": _field("Get weather forecasts."),
    "auth": st.one_of(
        _object_field(_VALID["auth"]), _object_field(_OAUTH, ("client_url", "authorization_url"))
    ),
    "api": _object_field(_VALID["api"], ("url",)),
    "logo_url": _field(_VALID["logo_url"], hostile_urls),
    "contact_email": _field(_VALID["contact_email"], hostile_text.map(lambda t: f"{t}@{DOMAIN}")),
    "legal_info_url": _field(_VALID["legal_info_url"], hostile_urls),
}

manifests: st.SearchStrategy[dict] = st.fixed_dictionaries(
    {}, optional={**_MANIFEST_FIELDS, "extra": json_values(8)}
)
"""Manifest-shaped objects: each field valid, hostile, of the wrong type, or missing."""

# --- specs -----------------------------------------------------------------------------------

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
refs = st.one_of(
    st.sampled_from(
        [
            "#/components/schemas/Loop",
            "#/components/schemas/Missing",
            "#/components/parameters/city",
            "#",
            "#/paths",
            "other.yaml#/x",
            "http://127.0.0.1:9/evil.json",
            "file:///etc/passwd",
            "https://fuzz.example.com/schema.json",
        ]
    ),
    hostile_text,
)
schemas = st.recursive(
    st.one_of(
        st.fixed_dictionaries({"$ref": refs}),
        st.fixed_dictionaries({"type": st.sampled_from(["string", "object", "array", "x"])}),
        json_values(4),
    ),
    lambda children: st.one_of(
        st.fixed_dictionaries({"anyOf": st.lists(children, max_size=4)}),
        st.fixed_dictionaries({"type": st.just("array"), "items": children}),
        st.fixed_dictionaries(
            {"type": st.just("object"), "properties": st.dictionaries(hostile_text, children)}
        ),
    ),
    max_leaves=8,
)
parameters = st.fixed_dictionaries(
    {},
    optional={
        "name": hostile_text,
        "in": st.sampled_from(["query", "path", "header", "cookie", "body"]) | hostile_text,
        "description": hostile_text,
        "required": json_scalars,
        "schema": schemas,
        "$ref": refs,
    },
)
operations = st.fixed_dictionaries(
    {},
    optional={
        "operationId": st.one_of(
            st.sampled_from(["getForecast", "get", "op1", "getData", ""]),
            hostile_text,
            json_scalars,
        ),
        "summary": hostile_text,
        "description": hostile_text,
        "parameters": st.lists(parameters, max_size=3) | json_values(4),
        "requestBody": st.fixed_dictionaries(
            {"content": st.fixed_dictionaries({"application/json": st.just({})})}
        )
        | json_values(4),
        "responses": st.dictionaries(
            st.sampled_from(["200", "default", "2XX"]) | hostile_text,
            st.fixed_dictionaries({"description": hostile_text}) | json_values(4),
            max_size=3,
        )
        | json_values(4),
        "$ref": refs,
    },
)
path_items = st.dictionaries(
    st.sampled_from(METHODS) | st.sampled_from(["summary", "description", "parameters", "$ref"]),
    st.one_of(operations, hostile_text, st.lists(parameters, max_size=2), json_values(4)),
    max_size=4,
)
paths = st.dictionaries(
    st.one_of(
        st.sampled_from(["/forecast", "/{id}", "/a/{b}/{b}", "", "no-slash"]),
        hostile_text.map(lambda text: f"/{text}"),
        hostile_text,
    ),
    path_items | json_values(4),
    max_size=4,
)

specs: st.SearchStrategy[dict] = st.fixed_dictionaries(
    {},
    optional={
        "openapi": st.sampled_from(["3.0.3", "3.1.0", "3.2.0", "3.9", "3", "2.0"]) | json_scalars,
        "swagger": st.just("2.0"),
        "info": st.just(spec_for()["info"]) | json_values(4),
        "paths": paths | json_values(4),
        "components": st.fixed_dictionaries(
            {},
            optional={
                "schemas": st.fixed_dictionaries(
                    {"Loop": st.just({"$ref": "#/components/schemas/Loop"})},
                    optional={"Any": schemas},
                ),
                "parameters": st.dictionaries(hostile_text, parameters, max_size=2),
            },
        )
        | json_values(4),
        "servers": st.lists(st.fixed_dictionaries({"url": hostile_urls}), max_size=2),
        "$ref": refs,
    },
)
"""OpenAPI-shaped objects: hostile paths, methods, operations, parameters and $refs."""

# --- YAML ------------------------------------------------------------------------------------

# A YAML integer longer than Python converts (4,300 digits): int() raised ValueError, which the
# YAML reader did not catch (found by this suite; fixed with issue 16's finding 5).
YAML_DIGITS = "x: " + "1" * 4301 + "\n"


def yaml_dump_safe(value: object) -> str:
    """yaml.safe_dump that never fails: a value YAML cannot represent becomes its repr."""
    try:
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return repr(value)


YAML_PIECES = (
    "openapi: 3.0.3\n",
    "info: {title: x, version: '1'}\n",
    "paths:\n  /a:\n    get:\n      operationId: getA\n",
    "      responses: {'200': {description: ok}}\n",
    "a: &anchor [1, 2]\nb: *anchor\n",
    "<<: {x: 1}\n",
    "? [complex, key]\n: value\n",
    "!!python/object/apply:os.system ['true']\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!set {a, b}\n",
    "x: !!omap [a: 1, b: 2]\n",
    "x: !!float .nan\n",
    "x: !!timestamp 2001-12-14t21:59:43.10-05:00\n",
    "x: 2001-12-14\n",
    "x: 0x_1F\n",
    YAML_DIGITS,
    "x: !custom tag\n",
    "%YAML 1.1\n---\n",
    "--- \n...\n",
    "a: 1\na: 2\n",
    "[" * 200 + "]" * 200 + "\n",
    "x: '\\0'\n",
    'x: "\\0\\ud800"\n',
    "\t- tab\n",
    "x: |\n  block\n   text\n",
    "'unterminated\n",
    "200: {description: ok}\n",
    "null: ~\n",
    "- 1\n- 2\n",
)
yaml_text: st.SearchStrategy[str] = st.one_of(
    st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=6).map("".join),
    json_values(12).map(yaml_dump_safe),
    specs.map(yaml_dump_safe),
    st.text(alphabet=any_character, max_size=200),
    st.text(alphabet=st.sampled_from(":-?[]{},&*!|>'\"%@` \n\tab1"), max_size=80),
)
