"""Spec checks and check_plugin: parsing, OpenAPI validity, operationIds, lengths and OAuth."""

import copy
import json
import urllib.request
from pathlib import Path

import pytest
import yaml

from core.fetch import SPEC_MAX_BYTES
from pluginstore.checks import check_plugin, check_spec, openapi_child
from pluginstore.checks.spec import is_descriptive

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST_BYTES = (FIXTURES / "good_manifest.json").read_bytes()
MANIFEST = json.loads(MANIFEST_BYTES)
SPEC_BYTES = (FIXTURES / "good_openapi.yaml").read_bytes()
SPEC = yaml.safe_load(SPEC_BYTES)
MANIFEST_URL = "https://todo.example.com/.well-known/ai-plugin.json"

MINIMAL = """\
openapi: 3.0.3
info: {title: Todo, version: "1"}
paths:
  /todos:
    get:
      operationId: listTodos
      summary: List todos.
      responses:
        "200": {description: The todos.}
"""


def spec_findings(raw, manifest=MANIFEST):
    _, findings = check_spec(raw, manifest=manifest)
    return findings


def codes(raw, manifest=MANIFEST) -> list[str]:
    return [f.code for f in spec_findings(raw, manifest)]


def good_spec() -> dict:
    """The example spec as JSON data (YAML's 200 key and date already turned into text)."""
    spec, findings = check_spec(SPEC_BYTES, manifest=MANIFEST)
    assert findings == []
    return copy.deepcopy(spec)


def operation(spec: dict, path: str = "/todos", method: str = "get") -> dict:
    return spec["paths"][path][method]


# the good example ------------------------------------------------------------------------------


def test_the_example_spec_passes_in_yaml_json_and_as_data():
    spec = good_spec()
    assert codes(SPEC_BYTES) == []
    assert codes(json.dumps(spec).encode()) == []
    assert codes(spec) == []
    assert codes(MINIMAL) == []


def test_yaml_response_codes_and_dates_become_text_as_in_json():
    spec = good_spec()
    assert "200" in operation(spec)["responses"]
    assert spec["info"]["version"] == "2024-05-01"
    json.dumps(spec)  # storable as JSON


def test_check_plugin_reports_manifest_and_spec_together():
    report = check_plugin(MANIFEST_BYTES, SPEC_BYTES, manifest_url=MANIFEST_URL)
    assert report.ok and report.findings == ()
    assert report.manifest == MANIFEST and report.spec["openapi"] == "3.0.1"
    assert report.as_dict() == {"ok": True, "findings": []}


def test_check_plugin_without_a_spec_reports_it_missing_only_when_api_url_is_usable():
    report = check_plugin(MANIFEST_BYTES, None, manifest_url=MANIFEST_URL)
    assert [(f.code, f.field) for f in report.findings] == [("spec.fetch", "api.url")]
    broken = {**MANIFEST, "api": {"type": "openapi", "url": "not a url"}}
    assert [f.code for f in check_plugin(broken, None).findings] == ["manifest.api"]


def test_check_plugin_is_not_ok_with_errors_and_ok_with_only_warnings():
    spec = good_spec()
    operation(spec)["operationId"] = "get"
    report = check_plugin(MANIFEST, spec, manifest_url=MANIFEST_URL)
    assert report.ok and [f.code for f in report.warnings] == ["spec.operation_id.descriptive"]
    del operation(spec)["operationId"]
    report = check_plugin(MANIFEST, spec, manifest_url=MANIFEST_URL)
    assert not report.ok and [f.code for f in report.errors] == ["spec.operation_id"]


# spec.fetch and spec.parse ---------------------------------------------------------------------


def test_no_spec_or_an_oversized_one_is_a_fetch_error():
    assert codes(None) == ["spec.fetch"]
    big = b"openapi: 3.0.0\n#" + b"x" * SPEC_MAX_BYTES
    findings = spec_findings(big)
    assert [(f.code, f.field, f.criterion) for f in findings] == [("spec.fetch", "spec", "C3")]


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"  \n ",
        b"\xff\xfe\x00o\x00p",
        bytes(range(256)),
        b"- a\n- b\n",
        b"42",
        b'"just text"',
        b"{not: json, [",
        b'{"openapi": "3.0.0", "x": }',
        b"openapi: 3.0.0\nopenapi: 3.1.0\n",
        b'{"openapi": "3.0.0", "openapi": "3.1.0"}',
        b'{"openapi": "3.0.0", "x": NaN}',
        b"openapi: 3.0.0\nx: .nan\n",
        b"openapi: 3.0.0\nx: !!binary aGVsbG8=\n",
        b"openapi: 3.0.0\nx: !!set {a, b}\n",
        b"openapi: 3.0.0\nx: !!python/object/apply:os.system [ls]\n",
        b"openapi: 3.0.0\nbase: &b {a: 1}\nother: *b\n",
        BILLION_LAUGHS.encode(),
        b"openapi: 3.0.0\n? [a, b]\n: complex key\n",
        b"---\nopenapi: 3.0.0\n---\nopenapi: 3.1.0\n",
        b"[" * 100_000 + b"]" * 100_000,
        b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 80)),
        b'{"openapi": "\\u0000"}',
        [SPEC],
        {"openapi": "3.0.0", 200: "a number key"},
    ],
    ids=lambda raw: repr(raw)[:40],
)
def test_anything_but_a_json_or_yaml_object_gives_one_parse_error(raw):
    spec, findings = check_spec(raw, manifest=MANIFEST)
    assert spec is None
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        ("spec.parse", "error", "spec", "C3")
    ]
    assert len(findings[0].message) < 300


def test_a_yaml_number_longer_than_python_reads_is_a_parse_error():
    """int() refuses over 4,300 digits with ValueError, which escaped the YAML reader."""
    findings = spec_findings("x: " + "1" * 4301 + "\n")
    assert [(f.code, f.message) for f in findings] == [
        ("spec.parse", "The OpenAPI spec contains a number with too many digits.")
    ]


def test_parse_errors_say_where_and_why():
    assert "line 4" in spec_findings(b"openapi: 3.0.0\ninfo:\n  - [unclosed\n")[0].message
    assert "alias" in spec_findings(BILLION_LAUGHS)[0].message
    assert "twice" in spec_findings(b"a: 1\na: 2\n")[0].message


def test_broken_json_is_reported_as_json_not_yaml():
    message = spec_findings(b'{"openapi": "3.0.0",}')[0].message
    assert "JSON" in message and "line 1" in message


# spec.openapi ----------------------------------------------------------------------------------


def openapi_error(raw) -> str:
    findings = [f for f in spec_findings(raw) if f.code == "spec.openapi"]
    assert len(findings) == 1, spec_findings(raw)
    assert (findings[0].severity, findings[0].criterion) == ("error", "C3")
    return findings[0].message


def test_swagger_2_is_refused_with_advice_to_convert():
    message = openapi_error({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}})
    assert "convert" in message.lower()


@pytest.mark.parametrize("version", [None, "2.0", "3", "4.0.0", 3.0, "3.9.0"])
def test_the_openapi_version_must_be_3_0_to_3_2(version):
    spec = good_spec()
    spec["openapi"] = version
    if version is None:
        del spec["openapi"]
    assert "openapi" in openapi_error(spec)


def test_openapi_3_1_is_accepted():
    spec = good_spec()
    spec["openapi"] = "3.1.0"
    assert codes(spec) == []


def test_an_invalid_document_names_the_first_errors_path():
    spec = good_spec()
    del operation(spec)["responses"]
    message = openapi_error(spec)
    assert "paths./todos.get" in message and "responses" in message


def test_a_missing_info_object_is_invalid():
    spec = good_spec()
    del spec["info"]
    assert "info" in openapi_error(spec)


@pytest.mark.parametrize(
    "ref",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/schemas.yaml#/Todo",
        "schemas.yaml#/Todo",
        "#/components/schemas/Nowhere",
    ],
)
@pytest.mark.parametrize("place", ["schema", "path item", "parameter", "response"])
def test_refs_outside_the_document_are_refused_and_never_fetched(ref, place, monkeypatch):
    # The validator reads its own meta-schemas with urlopen the first time: let it, here.
    assert openapi_child.validate(good_spec(), "3.0") == {"outcome": "valid"}
    opened = []

    def no_network(url, *args, **kwargs):
        opened.append(url)
        raise OSError("no network in tests")

    # Every urlopen the validator's libraries could reach, under each name they import it as.
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr("jsonschema_path.handlers.urllib.urlopen", no_network)
    monkeypatch.setattr("jsonschema_path.retrievers.urlopen", no_network)
    spec = good_spec()
    if place == "schema":
        schema = operation(spec)["responses"]["200"]["content"]["application/json"]
        schema["schema"] = {"$ref": ref}
    elif place == "path item":
        spec["paths"]["/elsewhere"] = {"$ref": ref}
    elif place == "parameter":
        operation(spec)["parameters"] = [{"$ref": ref}]
    else:
        operation(spec)["responses"]["404"] = {"$ref": ref}
    assert "$ref" in openapi_error(spec)
    # The checker validates in a child process; what the child runs, run here under the patches.
    outcome = openapi_child.validate(spec, "3.0")["outcome"]
    assert outcome == ("missing_ref" if ref.startswith("#") else "unresolvable_ref")
    assert opened == []


def test_a_file_ref_is_not_read_into_the_spec(tmp_path):
    """A $ref to a file on the checking server is refused, not read (it made the spec valid)."""
    elsewhere = tmp_path / "operations.json"
    elsewhere.write_text(json.dumps({"get": operation(good_spec())}))
    spec = good_spec()
    spec["paths"]["/elsewhere"] = {"$ref": elsewhere.as_uri()}
    assert "cannot be followed" in openapi_error(spec)


def test_a_self_referencing_schema_is_fine():
    spec = good_spec()
    spec["components"]["schemas"]["Todo"]["properties"]["subtasks"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Todo"},
    }
    assert codes(spec) == []


# spec.operation_id -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", 5])
def test_every_operation_needs_an_operation_id(value):
    spec = good_spec()
    operation(spec)["operationId"] = value
    if value is None:
        del operation(spec)["operationId"]
    findings = [f for f in spec_findings(spec) if f.code == "spec.operation_id"]
    assert [(f.severity, f.field, f.criterion) for f in findings] == [
        ("error", "spec.paths./todos.get.operationId", "C5")
    ]


@pytest.mark.parametrize(
    "operation_id",
    ["getTodos", "list_todos", "fetch-all-todos", "searchFlights", "GetHTTPStatus", "getÜbersicht"],
)
def test_descriptive_operation_ids_pass(operation_id):
    assert is_descriptive(operation_id)
    spec = good_spec()
    operation(spec)["operationId"] = operation_id
    assert codes(spec) == []


@pytest.mark.parametrize(
    "operation_id",
    [
        "get",
        "op1",
        "operation2",
        "handler",
        "api",
        "default",
        "endpoint",
        "getData",
        "defaultHandler",
        "search",
        "検索",
    ],
)
def test_vague_operation_ids_warn(operation_id):
    spec = good_spec()
    operation(spec, "/todos/{todo_id}", "delete")["operationId"] = operation_id
    findings = spec_findings(spec)
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        (
            "spec.operation_id.descriptive",
            "warning",
            "spec.paths./todos/{todo_id}.delete.operationId",
            "C5",
        )
    ]


# spec.length -----------------------------------------------------------------------------------


def test_texts_of_200_characters_pass():
    spec = good_spec()
    operation(spec)["summary"] = "s" * 200
    operation(spec)["description"] = "d" * 200
    operation(spec)["parameters"][0]["description"] = "p" * 200
    assert codes(spec) == []


@pytest.mark.parametrize(
    ("place", "field"),
    [
        (("paths", "/todos", "get", "summary"), "spec.paths./todos.get.summary"),
        (("paths", "/todos", "post", "description"), "spec.paths./todos.post.description"),
        (
            ("paths", "/todos", "get", "parameters", 0, "description"),
            "spec.paths./todos.get.parameters.0.description",
        ),
        (
            ("paths", "/todos/{todo_id}", "parameters", 0, "description"),
            "spec.paths./todos/{todo_id}.parameters.0.description",
        ),
        (("paths", "/todos", "summary"), "spec.paths./todos.summary"),
        (("paths", "/todos/{todo_id}", "description"), "spec.paths./todos/{todo_id}.description"),
    ],
)
def test_texts_over_200_characters_fail(place, field):
    spec = good_spec()
    target = spec
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = "é" * 201
    findings = spec_findings(spec)
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        ("spec.length", "error", field, "C6")
    ]


def test_shared_parameters_are_checked_and_each_long_text_is_one_finding():
    spec = good_spec()
    spec["components"]["parameters"] = {
        "Limit": {"name": "limit", "in": "query", "description": "x" * 300, "schema": {}}
    }
    operation(spec)["summary"] = "x" * 201
    operation(spec)["description"] = "x" * 201
    fields = [f.field for f in spec_findings(spec) if f.code == "spec.length"]
    assert fields == [
        "spec.paths./todos.get.summary",
        "spec.paths./todos.get.description",
        "spec.components.parameters.Limit.description",
    ]


# spec.oauth ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [
        {"type": "none"},
        {"type": "service_http", "authorization_type": "bearer", "verification_tokens": {"a": "b"}},
    ],
)
def test_write_operations_without_oauth_warn(auth):
    findings = spec_findings(SPEC_BYTES, manifest={**MANIFEST, "auth": auth})
    assert [(f.code, f.severity, f.field, f.criterion) for f in findings] == [
        ("spec.oauth", "warning", "auth.type", "C11")
    ]
    assert "POST /todos" in findings[0].message and "DELETE /todos/{todo_id}" in findings[0].message


def test_write_operations_with_oauth_or_read_only_specs_pass():
    assert codes(SPEC_BYTES, manifest=MANIFEST) == []
    assert codes(MINIMAL, manifest={**MANIFEST, "auth": {"type": "none"}}) == []
    assert codes(SPEC_BYTES, manifest=None) == []


# robustness ------------------------------------------------------------------------------------


def test_odd_shapes_inside_a_parsed_spec_never_crash():
    spec = good_spec()
    spec["paths"]["/weird"] = ["not", "an", "object"]
    spec["paths"]["/todos"]["get"]["parameters"] = "nope"
    spec["components"]["parameters"] = ["nope"]
    findings = spec_findings(spec)
    assert [f.code for f in findings] == ["spec.openapi"]


def test_paths_that_are_not_an_object_give_an_openapi_error():
    spec = good_spec()
    spec["paths"] = ["/todos"]
    assert [f.code for f in spec_findings(spec)] == ["spec.openapi"]


def test_long_paths_are_clipped_in_fields_and_messages():
    spec = good_spec()
    long_path = "/" + "a" * 5000
    spec["paths"][long_path] = {"get": {"responses": {"200": {"description": "ok"}}}}
    finding = next(f for f in spec_findings(spec) if f.code == "spec.operation_id")
    assert len(finding.field) < 150 and len(finding.message) < 400


def test_validating_does_not_keep_specs_alive_in_the_validators_cache():
    """The validator process lives on between specs: it must not hoard them."""
    from openapi_spec_validator.validation.validators import SpecValidator

    cache_info = SpecValidator.iter_errors.__wrapped__.cache_info
    before = cache_info().currsize
    for _ in range(3):
        assert openapi_child.validate(good_spec(), "3.0") == {"outcome": "valid"}
    assert cache_info().currsize == before


# the validator's budget and its process (pluginstore/checks/openapi.py) ---------------------


def test_a_ref_cycle_with_nothing_else_is_the_developers_error():
    spec = good_spec()
    spec["components"]["schemas"]["A"] = {"$ref": "#/components/schemas/B"}
    spec["components"]["schemas"]["B"] = {"$ref": "#/components/schemas/A"}
    assert "refers to itself" in openapi_error(spec)


@pytest.mark.parametrize(
    "program",
    [
        "import sys; sys.exit(3)",  # dies at once
        "import sys; sys.stdin.buffer.read(8); sys.stdout.buffer.write(b'\\0' * 7 + b'\\2{]')",
        "import sys, time; sys.stdin.buffer.read(8); time.sleep(60)",  # never answers
    ],
    ids=["dies", "answers nonsense", "never answers"],
)
def test_a_failing_validator_is_our_problem_reported_as_a_warning(
    program, tmp_path, monkeypatch, settings
):
    from pluginstore.checks import openapi

    spec = good_spec()
    openapi.stop_idle_children()
    child = tmp_path / "child.py"
    child.write_text(program)
    monkeypatch.setattr(openapi, "CHILD_PROGRAM", child)
    settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS = 1
    findings = spec_findings(spec)
    assert [(f.code, f.severity) for f in findings] in (
        [("spec.openapi.unchecked", "warning")],
        [("spec.openapi.time_limit", "warning")],
    )
    assert "not an error in your spec" in findings[0].message or "our side" in findings[0].message
    assert openapi._idle == []  # the broken process is not kept


def test_one_validator_process_serves_spec_after_spec():
    from pluginstore.checks import openapi

    spec = good_spec()
    openapi.stop_idle_children()
    for _ in range(3):
        assert codes(spec) == []
    assert len(openapi._idle) == 1 and openapi._idle[0].uses == 3
    openapi.stop_idle_children()
    assert openapi._idle == []
