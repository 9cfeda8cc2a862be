"""`manage.py check_plugin ... --json` on arbitrary files and targets: always one JSON report.

Whatever the manifest and spec files hold, the command prints exactly
{"ok": bool, "findings": [...]} and exits 0 (no errors) or 1 (errors), never a traceback; a
target that is neither a file nor a usable domain or URL is bad usage (exit 2) with a message.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pluginstore.checks import CheckReport
from pluginstore.fetching import FetchedPlugin
from tests.fuzz import strategies as fz
from tests.fuzz.budget import scaled
from tests.fuzz.reports import VALID_MANIFEST, VALID_SPEC
from tests.pluginstore.helpers import manifest_for

FINDING_KEYS = {"code", "severity", "field", "criterion", "message"}


def run_command(*args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of check_plugin run in-process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_plugin", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        status = exit_.code
    else:
        status = 0
    return status, out.getvalue(), err.getvalue()


def assert_json_report(status: int, stdout: str) -> dict:
    report = json.loads(stdout)
    assert set(report) == {"ok", "findings"}
    assert isinstance(report["ok"], bool)
    assert isinstance(report["findings"], list)
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert all(isinstance(value, str) for value in finding.values())
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert report["ok"] == (not errors)
    assert status == (0 if report["ok"] else 1)
    return report


documents = st.one_of(
    fz.raw_bytes,
    fz.manifests.map(fz.to_json_bytes),
    fz.specs.map(fz.to_json_bytes),
    fz.yaml_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=scaled(60))
@given(manifest=documents, spec=st.none() | documents)
@example(manifest=b"\x00\xff", spec=b"\x00\xff")
@example(manifest=VALID_MANIFEST, spec=b"{" * 5000)
@example(manifest=VALID_MANIFEST, spec=b"x: !!binary aGVsbG8=\n")
@example(manifest=VALID_MANIFEST, spec=fz.YAML_DIGITS.encode())
def test_any_files_give_one_json_report(tmp_path, manifest, spec):
    manifest_file = tmp_path / "ai-plugin.json"
    manifest_file.write_bytes(manifest)
    args = [str(manifest_file), "--json"]
    if spec is not None:
        spec_file = tmp_path / "openapi.yaml"
        spec_file.write_bytes(spec)
        args += ["--spec", str(spec_file)]
    status, stdout, _stderr = run_command(*args)
    assert_json_report(status, stdout)


@pytest.fixture
def no_fetching(monkeypatch):
    """check_plugin with a domain or URL fetches it: here, a fetch that always fails."""
    targets = []

    def fake_fetch(manifest_url, **_kwargs):
        targets.append(manifest_url)
        report = CheckReport()
        return FetchedPlugin(manifest_url, None, None, None, report)

    monkeypatch.setattr("pluginstore.management.commands.check_plugin.fetch_plugin", fake_fetch)
    return targets


@settings(max_examples=scaled(60))
@given(target=fz.hostile_text | fz.hostile_urls)
@example(target="\x00")
@example(target="https://fuzz.example.com:443\x00/")
@example(target="./nowhere\ud800")
def test_any_target_is_a_report_or_bad_usage(no_fetching, target):
    try:
        status, stdout, _stderr = run_command(target, "--json")
    except CommandError as error:
        assert error.returncode == 2
        assert str(error).strip()
        return
    assert_json_report(status, stdout)


@pytest.mark.parametrize(
    "manifest",
    [
        b"\x00\xff\xfe",
        fz.to_json_bytes({**manifest_for(fz.DOMAIN), "name_for_human": "\ud800" * 50}),
        VALID_MANIFEST,
    ],
)
def test_the_real_command_prints_json_and_no_traceback(tmp_path, manifest):
    """One real process per case: the exit status and stderr as a shell sees them."""
    (tmp_path / "ai-plugin.json").write_bytes(manifest)
    (tmp_path / "openapi.yaml").write_bytes(VALID_SPEC)
    result = subprocess.run(
        [sys.executable, "manage.py", "check_plugin", str(tmp_path / "ai-plugin.json")]
        + ["--spec", str(tmp_path / "openapi.yaml"), "--json"],
        cwd=Path(django_settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert "Traceback" not in result.stderr, result.stderr
    report = assert_json_report(result.returncode, result.stdout)
    assert report["ok"] == (manifest == VALID_MANIFEST)


@pytest.mark.parametrize("target", ["A" * 10_000, "a\x00b", "x\ud800", "./" + "a/" * 3000])
def test_a_target_no_file_can_have_is_bad_usage_not_a_traceback(no_fetching, target):
    """Path.exists() raised OSError (name too long) or ValueError (NUL) before the fix."""
    with pytest.raises(CommandError) as refused:
        run_command(target, "--json")
    assert refused.value.returncode == 2
    assert no_fetching == []
