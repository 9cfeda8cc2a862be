"""The checker on arbitrary input: always a report of well-formed findings, never an exception.

check_plugin is fed arbitrary bytes, arbitrary JSON values, manifest-shaped objects with hostile
field values, OpenAPI-shaped specs with hostile paths, operations and $refs, and arbitrary YAML.
Whatever comes in, a report comes out whose findings each have a code, a severity, a field, a
criterion and a message, which is storable as it is (the versions keep findings and parsed
documents in jsonb), and the checker opens no network connection ($refs are never followed).
"""

from __future__ import annotations

import socket

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pluginstore.checks import CheckReport, check_plugin, openapi_child
from tests.fuzz import strategies as fz
from tests.fuzz.budget import scaled
from tests.fuzz.reports import VALID_MANIFEST, VALID_SPEC, assert_good_report
from tests.pluginstore.helpers import manifest_for, spec_for


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail if the checker opens any connection (a $ref followed, a URL fetched)."""
    dialled = []

    def refuse(self, address):
        dialled.append(address)
        raise OSError("the checker must not connect anywhere")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield dialled
    assert not dialled, f"the checker connected to {dialled}"


def check(manifest, spec, *, local: bool = False) -> CheckReport:
    report = check_plugin(manifest, spec, manifest_url=fz.MANIFEST_URL, local_development=local)
    assert_good_report(report)
    return report


@settings(max_examples=scaled(80))
@given(manifest=fz.raw_bytes, spec=fz.raw_bytes | st.none())
@example(manifest=b"\x00", spec=b"\x00")
@example(manifest=b"[" * 100_000, spec=b"[" * 100_000)
@example(manifest=VALID_MANIFEST, spec=b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
def test_arbitrary_bytes_give_findings(manifest, spec):
    report = check(manifest, spec)
    if manifest != VALID_MANIFEST:
        assert report.findings


@settings(max_examples=scaled(60))
@given(value=fz.json_values(), local=st.booleans())
def test_arbitrary_json_values_give_findings(value, local):
    as_bytes = fz.to_json_bytes(value)
    check(as_bytes, VALID_SPEC, local=local)
    check(value, VALID_SPEC, local=local)  # already-parsed data, as the services pass it


@settings(max_examples=scaled(20))
@given(value=fz.deep_values)
@example(value=fz.nested(65))
@example(value=fz.nested(400))
def test_deep_nesting_is_a_finding_not_a_recursion_error(value):
    report = check(fz.to_json_bytes(value), fz.to_json_bytes(value))
    if report.manifest is None:
        assert "manifest.json" in {f.code for f in report.findings}


@settings(max_examples=scaled(100))
@given(manifest=fz.manifests, local=st.booleans())
@example(manifest={**manifest_for(fz.DOMAIN), "name_for_human": "a\x00b"}, local=False)
@example(manifest={**manifest_for(fz.DOMAIN), "description_for_human": "\ud800."}, local=False)
@example(
    manifest={**manifest_for(fz.DOMAIN), "api": {"type": "openapi", "url": "\u202e" * 3000}},
    local=True,
)
def test_hostile_manifest_fields_give_findings(manifest, local):
    check(manifest, VALID_SPEC, local=local)
    check(fz.to_json_bytes(manifest), VALID_SPEC, local=local)


@settings(max_examples=scaled(100))
@given(spec=fz.specs, as_yaml=st.booleans())
@example(spec={**spec_for(), "paths": {"/a": {"$ref": "http://127.0.0.1:9/x.json"}}}, as_yaml=0)
@example(
    spec={**spec_for(), "components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}},
    as_yaml=True,
)
def test_hostile_openapi_specs_give_findings(spec, as_yaml):
    report = check(VALID_MANIFEST, spec)
    raw = fz.yaml_dump_safe(spec) if as_yaml else fz.to_json_bytes(spec)
    check(VALID_MANIFEST, raw)
    if report.spec is not None:
        # The checker validates in a child process, out of this test's sight: what the child
        # runs, run here (no_network watches it), for each OpenAPI version it knows.
        for version in openapi_child.VALIDATORS:
            outcome = openapi_child.validate(report.spec, version)
            assert outcome["outcome"] != "crash", outcome


@settings(max_examples=scaled(100))
@given(text=fz.yaml_text)
@example(text=fz.YAML_DIGITS)
@example(text="a: &x [1]\nb: *x\n")
@example(text="!!python/object/apply:os.system ['true']\n")
@example(text="x: !!binary aGVsbG8=\n")
def test_arbitrary_yaml_specs_give_findings(text):
    check(VALID_MANIFEST, text)
    check(VALID_MANIFEST, text.encode("utf-8", "surrogatepass"))
