"""Manifest checks: one passing and one failing manifest per rule of PRODUCT.md section 5."""

import copy
import json
from pathlib import Path

import pytest

from core.fetch import MANIFEST_MAX_BYTES
from pluginstore.checks import CheckReport, Finding, check_manifest

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST_URL = "https://todo.example.com/.well-known/ai-plugin.json"
GOOD = json.loads((FIXTURES / "good_manifest.json").read_text())
DELETE = object()
REQUIRED = (
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


def variant(changes: dict) -> dict:
    """The good manifest with dotted keys ("auth.type") set, or removed when set to DELETE."""
    manifest = copy.deepcopy(GOOD)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = manifest
        for key in parents:
            target = target[key]
        if value is DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return manifest


def findings_for(manifest, **kwargs) -> list[Finding]:
    kwargs.setdefault("manifest_url", MANIFEST_URL)
    _, findings = check_manifest(manifest, **kwargs)
    return findings


def codes(manifest, **kwargs) -> list[str]:
    return [f.code for f in findings_for(manifest, **kwargs)]


def only(manifest, code: str, **kwargs) -> Finding:
    found = [f for f in findings_for(manifest, **kwargs) if f.code == code]
    assert len(found) == 1, found
    return found[0]


# The good example ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        (FIXTURES / "good_manifest.json").read_bytes(),
        (FIXTURES / "good_manifest.json").read_text(),
        b"\xef\xbb\xbf" + (FIXTURES / "good_manifest.json").read_bytes(),
        GOOD,
    ],
    ids=["bytes", "text", "bytes-with-bom", "dict"],
)
def test_the_example_manifest_passes_every_check(raw):
    manifest, findings = check_manifest(raw, manifest_url=MANIFEST_URL)
    assert findings == []
    assert manifest == GOOD


def test_finding_and_report_serialize_to_exactly_the_documented_keys():
    finding = only(variant({"schema_version": "v2"}), "manifest.schema_version")
    assert finding.as_dict() == {
        "code": "manifest.schema_version",
        "severity": "error",
        "field": "schema_version",
        "criterion": "C3",
        "message": finding.message,
    }
    report = CheckReport(findings=(finding,), manifest=None, spec=None)
    assert report.as_dict() == {"ok": False, "findings": [finding.as_dict()]}
    assert report.errors == (finding,) and report.warnings == () and not report.ok


def test_odd_but_valid_shapes_pass():
    manifest = variant(
        {
            "x_unknown_field": {"anything": [1, 2, 3]},
            "auth": {"type": "none"},
            "api.url": "https://api.todo.example.com/openapi.yaml?version=2",
            "api.has_user_authentication": False,
        }
    )
    assert codes(manifest) == []


# manifest.json ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        None,
        b"",
        b"   \n\t",
        b"\xff\xfe{\x00}",
        bytes(range(256)),
        b"[1, 2]",
        b"42",
        b'"a string"',
        b"null",
        b"{",
        b"{'single': 'quotes'}",
        b'{"name_for_model": NaN}',
        b'{"name_for_model": Infinity}',
        b'{"n": 1e999}',
        b'{"schema_version": "v1", "schema_version": "v1"}',
        b'{"name_for_human": "a\\u0000b"}',
        b'{"name_for_human": "\\ud800"}',
        b'{"n": ' + b"9" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 70 + b"1" + b"}" * 70,
        b'{"a": "' + b"x" * MANIFEST_MAX_BYTES + b'"}',
        [GOOD],
        5,
        "not json at all",
    ],
    ids=lambda raw: repr(raw)[:30],
)
def test_anything_but_a_json_object_gives_one_manifest_json_error(raw):
    manifest, findings = check_manifest(raw, manifest_url=MANIFEST_URL)
    assert manifest is None
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        ("manifest.json", "error", "manifest", "C3")
    ]
    assert len(findings[0].message) < 300


def test_manifest_json_messages_say_what_is_wrong():
    assert "JSON object" in only([1], "manifest.json").message
    assert "twice" in only(b'{"a": 1, "a": 2}', "manifest.json").message
    assert "UTF-8" in only(b"\xff", "manifest.json").message
    assert "limit" in only(b" " * (MANIFEST_MAX_BYTES + 1), "manifest.json").message


# manifest.field_missing ------------------------------------------------------------------------


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize(
    "value", [DELETE, None, "", "   \n"], ids=["absent", "null", "empty", "blank"]
)
def test_a_missing_field_gives_exactly_one_field_missing_and_nothing_else(field, value):
    findings = findings_for(variant({field: value}))
    assert [(f.code, f.field, f.criterion) for f in findings if f.field.split(".")[0] == field] == [
        ("manifest.field_missing", field, "C3")
    ]


def test_an_empty_object_gives_one_field_missing_per_required_field():
    findings = findings_for({})
    assert [f.code for f in findings] == ["manifest.field_missing"] * len(REQUIRED)
    assert [f.field for f in findings] == list(REQUIRED)


# manifest.schema_version -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["v2", "V1", "v1 ", 1, ["v1"]])
def test_schema_version_must_be_v1(value):
    assert codes(variant({"schema_version": value})) == ["manifest.schema_version"]


# manifest.name_for_model -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["todo_list", "a" * 50, "Todo_List_2", "_"])
def test_name_for_model_accepts_letters_digits_and_underscores(value):
    assert codes(variant({"name_for_model": value})) == []


@pytest.mark.parametrize(
    "value", ["todo list", "todo-list", "a" * 51, "tödo", "todo_list\n", "ｔｏｄｏ", 12, {}]
)
def test_name_for_model_rejects_anything_else(value):
    assert codes(variant({"name_for_model": value})) == ["manifest.name_for_model"]


# lengths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "ending"),
    [
        ("name_for_human", 20, ""),
        ("description_for_human", 100, "."),
        ("description_for_model", 8000, "."),
    ],
)
def test_text_fields_have_a_length_limit_in_characters(field, limit, ending):
    fits = "a" * (limit - len(ending)) + ending
    assert codes(variant({field: fits})) == []
    finding = only(variant({field: "a" + fits}), f"manifest.{field}.length")
    assert (finding.criterion, finding.field) == ("C6", field)
    assert str(limit) in finding.message.replace(",", "")


def test_emoji_and_non_latin_letters_count_as_one_character_each():
    assert codes(variant({"name_for_human": "😀" * 20})) == []
    assert codes(variant({"name_for_human": "😀" * 21})) == ["manifest.name_for_human.length"]
    assert codes(variant({"name_for_human": "タスク管理" * 4})) == []
    assert codes(variant({"description_for_human": "お" * 99 + "。"})) == []


@pytest.mark.parametrize(
    "field", ["name_for_human", "description_for_human", "description_for_model"]
)
@pytest.mark.parametrize("value", [42, ["a"], {"en": "Todo"}, True])
def test_a_text_field_of_the_wrong_type_gives_only_its_own_error(field, value):
    findings = findings_for(variant({field: value}))
    assert [(f.code, f.field) for f in findings] == [(f"manifest.{field}.length", field)]
    assert "text" in findings[0].message


# manifest.punctuation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Keep track of your todos.",
        "Keep track of your todos!",
        "Keep track of your todos?",
        "Keep track of your todos…",
        "Keep track of your todos.   ",
        'Keep track of "your todos."',
        "Keep track of your todos (all of them).",
        "Keep track of your todos.”",
        "Keep track of ‘your todos.’",
        "«Garde tes tâches.»",
        "旅行の計画を立てます。",
        "「旅行の計画を立てます。」",
        "旅行の計画を立てます！",
        "Plane deine Reisen für das Wochenende.",
        "خطط لرحلاتك بسهولة.",
        "Keep track of [your todos.]",
    ],
)
def test_description_for_human_ending_in_punctuation_passes(text):
    assert codes(variant({"description_for_human": text})) == []


@pytest.mark.parametrize(
    "text",
    [
        "Keep track of your todos",
        "Keep track of your todos)",
        '"Keep track of your todos"',
        "Keep track of your todos:",
        "Keep track of your todos,",
        "Keep track of your todos 🎉",
        "旅行の計画を立てます",
        "Plane deine Reisen für das Wochenende",
        '""',
        "(…)x",
    ],
)
def test_description_for_human_without_final_punctuation_fails(text):
    finding = only(variant({"description_for_human": text}), "manifest.punctuation")
    assert (finding.criterion, finding.field, finding.severity) == (
        "C7",
        "description_for_human",
        "error",
    )


# manifest.reserved_words -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Todo Plugin",
        "plugins hub",
        "ChatGPT Todo",
        "chatgpt-powered",
        "OpenAI Todo",
        "GPT Todo",
        "my-plugin",
        "todo_gpt",
        "GPT-4 Todo",
        "ＧＰＴ Todo",
        "PLUGIN",
        "ChatGPTのタスク",
        "Das Plugin",
    ],
)
def test_reserved_words_in_name_for_human_fail(name):
    finding = only(variant({"name_for_human": name}), "manifest.reserved_words")
    assert (finding.criterion, finding.field) == ("C9", "name_for_human")


@pytest.mark.parametrize(
    "name",
    [
        "GPTs Todo",
        "gpt4 Todo",
        "Pluggable",
        "OpenAIR",
        "Egypt Tours",
        "Chatgptx",
        "Replugin",
        "Todo",
    ],
)
def test_words_that_merely_contain_a_reserved_word_pass(name):
    assert codes(variant({"name_for_human": name})) == []


@pytest.mark.parametrize(
    "description",
    [
        "The best plugin for todos.",
        "Use it with ChatGPT.",
        "Powered by OpenAI's models.",
        "ChatGPTで使えるタスク管理です。",
        "Ein Plugin für deine Aufgaben.",
        "أفضل plugin للمهام.",
    ],
)
def test_reserved_words_in_description_for_human_fail(description):
    finding = only(variant({"description_for_human": description}), "manifest.reserved_words")
    assert finding.field == "description_for_human"


def test_reserved_words_are_allowed_in_description_for_model():
    assert codes(variant({"description_for_model": "A plugin for ChatGPT and GPT models."})) == []


# manifest.auth ---------------------------------------------------------------------------------

OAUTH = GOOD["auth"]


@pytest.mark.parametrize(
    "auth",
    [
        {"type": "none"},
        {"type": "user_http", "authorization_type": "bearer"},
        {"type": "user_http", "authorization_type": "basic", "instructions": "Paste your key."},
        {"type": "service_http", "authorization_type": "bearer", "verification_tokens": {"a": "t"}},
        {**OAUTH, "scope": ""},
        OAUTH,
    ],
)
def test_valid_auth_objects_pass(auth):
    assert codes(variant({"auth": auth})) == []


@pytest.mark.parametrize(
    ("auth", "field"),
    [
        ("none", "auth"),
        (["none"], "auth"),
        ({}, "auth.type"),
        ({"type": None}, "auth.type"),
        ({"type": "basic"}, "auth.type"),
        ({"type": "OAuth"}, "auth.type"),
        ({"type": "user_http"}, "auth.authorization_type"),
        ({"type": "user_http", "authorization_type": "token"}, "auth.authorization_type"),
        ({"type": "service_http", "authorization_type": "bearer"}, "auth.verification_tokens"),
        (
            {"type": "service_http", "authorization_type": "bearer", "verification_tokens": {}},
            "auth.verification_tokens",
        ),
        ({**OAUTH, "client_url": DELETE}, "auth.client_url"),
        ({**OAUTH, "client_url": "/authorize"}, "auth.client_url"),
        ({**OAUTH, "scope": DELETE}, "auth.scope"),
        ({**OAUTH, "authorization_url": None}, "auth.authorization_url"),
        ({**OAUTH, "authorization_content_type": " "}, "auth.authorization_content_type"),
        ({**OAUTH, "verification_tokens": DELETE}, "auth.verification_tokens"),
    ],
)
def test_invalid_auth_objects_fail(auth, field):
    if isinstance(auth, dict):
        auth = {key: value for key, value in auth.items() if value is not DELETE}
    finding = only(variant({"auth": auth}), "manifest.auth")
    assert (finding.field, finding.criterion) == (field, "C3")


# manifest.api ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api", "field"),
    [
        ("https://api.todo.example.com/openapi.yaml", "api"),
        ({"type": "swagger", "url": "https://api.todo.example.com/openapi.yaml"}, "api.type"),
        ({"url": "https://api.todo.example.com/openapi.yaml"}, "api.type"),
        ({"type": "openapi"}, "api.url"),
        ({"type": "openapi", "url": "/openapi.yaml"}, "api.url"),
        ({"type": "openapi", "url": "ftp://api.todo.example.com/openapi.yaml"}, "api.url"),
        ({"type": "openapi", "url": 5}, "api.url"),
    ],
)
def test_invalid_api_objects_fail(api, field):
    finding = only(variant({"api": api}), "manifest.api")
    assert (finding.field, finding.criterion) == (field, "C3")


# manifest.logo_url, contact_email, legal_info_url ----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://todo.example.com/logo.png",
        "https://todo.example.com/gif/logo.jpg",
        "https://todo.example.com/logo.png?format=gif",
        "https://cdn.example.net/logo.svg",
    ],
)
def test_logo_urls_that_are_not_gifs_pass(url):
    assert codes(variant({"logo_url": url})) == []


@pytest.mark.parametrize(
    "url",
    [
        "logo.png",
        "todo.example.com/logo.png",
        "ftp://todo.example.com/logo.png",
        "https://todo.example.com/logo.gif",
        "https://todo.example.com/LOGO.GIF",
        "https://todo.example.com/logo.Gif?size=512",
        "https://todo.example.com/logo%2Egif",
        42,
    ],
)
def test_bad_or_gif_logo_urls_fail(url):
    assert codes(variant({"logo_url": url})) == ["manifest.logo_url"]


@pytest.mark.parametrize("email", ["support@example.com", "first.last+todo@mail.example.com"])
def test_valid_contact_emails_pass(email):
    assert codes(variant({"contact_email": email})) == []


@pytest.mark.parametrize("email", ["support", "support@", "a @example.com", "a@b", 7, ["a@b.com"]])
def test_invalid_contact_emails_fail(email):
    assert codes(variant({"contact_email": email})) == ["manifest.contact_email"]


@pytest.mark.parametrize(
    "url", ["example.com/legal", "javascript:alert(1)", "ftp://example.com/legal", "https://", 3]
)
def test_invalid_legal_info_urls_fail(url):
    assert codes(variant({"legal_info_url": url})) == ["manifest.legal_info_url"]


def test_a_valid_legal_info_url_passes():
    assert codes(variant({"legal_info_url": "https://todo.example.com/legal?lang=en#terms"})) == []


# manifest.https --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["api.url", "logo_url", "legal_info_url", "auth.client_url", "auth.authorization_url"]
)
def test_every_manifest_url_must_use_https(field):
    *parents, last = field.split(".")
    source = GOOD[parents[0]][last] if parents else GOOD[field]
    manifest = variant({field: source.replace("https://", "http://")})
    finding = only(manifest, "manifest.https")
    assert (finding.field, finding.criterion, finding.severity) == (field, "C3", "error")
    assert codes(manifest) == ["manifest.https"]


def test_the_manifest_itself_must_be_served_over_https():
    finding = only(GOOD, "manifest.https", manifest_url=MANIFEST_URL.replace("https", "http"))
    assert finding.field == "manifest"


LOCAL = {
    "api.url": "http://localhost:8001/openapi.yaml",
    "logo_url": "http://localhost:8001/logo.png",
    "legal_info_url": "http://127.0.0.1:8001/legal",
}
LOCAL_URL = "http://localhost:8001/.well-known/ai-plugin.json"


def test_local_development_allows_http_on_localhost():
    manifest = variant(LOCAL)
    assert codes(manifest, manifest_url=LOCAL_URL, local_development=True) == []
    assert "manifest.https" in codes(manifest, manifest_url=LOCAL_URL, local_development=False)


def test_local_development_still_requires_https_elsewhere():
    manifest = variant({**LOCAL, "logo_url": "http://cdn.example.com/logo.png"})
    finding = only(manifest, "manifest.https", manifest_url=LOCAL_URL, local_development=True)
    assert finding.field == "logo_url"


# manifest.api_domain ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manifest_url", "api_url"),
    [
        (MANIFEST_URL, "https://api.todo.example.com/openapi.yaml"),
        (MANIFEST_URL, "https://todo.example.com/openapi.yaml"),
        ("https://www.example.com/.well-known/ai-plugin.json", "https://api.example.com/o.yaml"),
        ("https://www.example.com/.well-known/ai-plugin.json", "https://example.com/o.yaml"),
        ("https://EXAMPLE.com/.well-known/ai-plugin.json", "https://Api.Example.com./o.yaml"),
    ],
)
def test_api_url_on_the_root_domain_or_a_subdomain_passes(manifest_url, api_url):
    assert "manifest.api_domain" not in codes(
        variant({"api.url": api_url}), manifest_url=manifest_url
    )


@pytest.mark.parametrize(
    "api_url",
    [
        "https://other.com/openapi.yaml",
        "https://example.com/openapi.yaml",
        "https://eviltodo.example.com/openapi.yaml",
        "https://todo.example.com.evil.com/openapi.yaml",
        "https://203.0.113.5/openapi.yaml",
    ],
)
def test_api_url_on_another_domain_fails(api_url):
    finding = only(variant({"api.url": api_url}), "manifest.api_domain")
    assert (finding.field, finding.criterion, finding.severity) == ("api.url", "C3", "error")


def test_local_development_compares_host_and_port():
    ok = variant(LOCAL)
    assert codes(ok, manifest_url=LOCAL_URL, local_development=True) == []
    other_port = variant({**LOCAL, "api.url": "http://localhost:9000/openapi.yaml"})
    finding = only(
        other_port, "manifest.api_domain", manifest_url=LOCAL_URL, local_development=True
    )
    assert "localhost:8001" in finding.message


def test_api_domain_needs_the_manifest_url():
    assert codes(variant({"api.url": "https://other.com/openapi.yaml"}), manifest_url=None) == []


# manifest.contact_domain (warning) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact_email", "todo.dev@gmail.com"),
        ("legal_info_url", "https://legal.other.org/terms"),
        ("contact_email", "support@example.co"),
    ],
)
def test_legal_url_and_email_off_the_plugins_domain_warn(field, value):
    findings = findings_for(variant({field: value}))
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        ("manifest.contact_domain", "warning", field, "C3")
    ]


def test_country_code_second_level_domains_are_compared_as_a_whole():
    manifest_url = "https://www.todo.example.co.uk/.well-known/ai-plugin.json"
    same = variant(
        {
            "api.url": "https://todo.example.co.uk/openapi.yaml",
            "contact_email": "help@mail.example.co.uk",
            "legal_info_url": "https://example.co.uk/legal",
        }
    )
    assert codes(same, manifest_url=manifest_url) == []
    other = copy.deepcopy(same)
    other["contact_email"] = "help@other.co.uk"
    finding = only(other, "manifest.contact_domain", manifest_url=manifest_url)
    assert finding.field == "contact_email"


def test_without_a_manifest_url_the_legal_url_and_email_are_compared():
    assert codes(GOOD, manifest_url=None) == []
    finding = only(
        variant({"contact_email": "me@gmail.com"}), "manifest.contact_domain", manifest_url=None
    )
    assert finding.field == "contact_email"


# robustness ------------------------------------------------------------------------------------


def test_messages_never_echo_long_input():
    huge = "x " * 50_000
    manifest = variant(
        {
            "name_for_model": huge,
            "schema_version": huge,
            "contact_email": huge,
            "logo_url": huge,
            "auth": {"type": huge},
            "api": {"type": huge, "url": huge},
        }
    )
    findings = findings_for(manifest)
    assert len(findings) >= 6
    assert all(len(f.message) < 400 for f in findings)


def test_control_characters_in_quoted_values_are_escaped():
    finding = only(variant({"schema_version": "v2\n\x1b[31mred"}), "manifest.schema_version")
    assert "\n" not in finding.message and "\x1b" not in finding.message


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize("value", [0, 3.5, False, [], ["x"], {"x": 1}])
def test_any_wrong_type_in_any_field_gives_findings_never_a_crash(field, value):
    findings = findings_for(variant({field: value}))
    assert findings and all(f.field.split(".")[0] == field for f in findings)
    assert all(f.severity == "error" for f in findings)
