"""What a good check report is, for every fuzz test that gets one."""

from __future__ import annotations

import json
import re

from pluginstore.checks import ERROR, WARNING, CheckReport, Finding
from tests.fuzz.strategies import DOMAIN
from tests.pluginstore.helpers import manifest_for, spec_for

CODE = re.compile(r"(manifest|spec|fetch)(\.[a-z0-9_]+)+")
CRITERION = re.compile(r"C([1-9]|1[01])")
MESSAGE_MAX = 1200  # messages quote at most 80 characters of anything a developer wrote

VALID_MANIFEST = json.dumps(manifest_for(DOMAIN)).encode()
VALID_SPEC = json.dumps(spec_for()).encode()


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield key
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


def _storable(value: object) -> None:
    """What PostgreSQL's jsonb accepts: UTF-8 encodable text without NUL, finite numbers."""
    json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    assert not any("\x00" in text for text in _strings(value))


def assert_good_report(report: CheckReport) -> None:
    assert isinstance(report, CheckReport)
    for finding in report.findings:
        assert isinstance(finding, Finding)
        assert CODE.fullmatch(finding.code), finding
        assert finding.severity in (ERROR, WARNING), finding
        assert isinstance(finding.field, str) and finding.field, finding
        assert CRITERION.fullmatch(finding.criterion), finding
        assert isinstance(finding.message, str) and finding.message.strip(), finding
        assert len(finding.message) <= MESSAGE_MAX, finding
    assert report.ok == (not report.errors)
    _storable(report.as_dict())
    for document in (report.manifest, report.spec):
        assert document is None or isinstance(document, dict)
        _storable(document)
