"""`manage.py check_plugin`: output, JSON shape and exit codes (0 ok, 1 errors, 2 bad usage)."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.fetch import FetchResult
from pluginstore import fetching

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
GOOD_MANIFEST = FIXTURES / "good_manifest.json"
GOOD_SPEC = FIXTURES / "good_openapi.yaml"
FINDING_KEYS = {"code", "severity", "field", "criterion", "message"}


def run(*args: str) -> tuple[str, str]:
    """call_command, returning stdout and stderr; SystemExit and CommandError propagate."""
    out, err = StringIO(), StringIO()
    call_command("check_plugin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def manage(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check_plugin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def bad_manifest(tmp_path) -> Path:
    manifest = json.loads(GOOD_MANIFEST.read_text())
    manifest.update(
        name_for_human="The Todo List Plugin",  # 20 characters, but a reserved word
        description_for_human="Keep track of your todos",  # no final punctuation
        contact_email="todo@gmail.com",  # a warning: not on the legal page's domain
    )
    path = tmp_path / "ai-plugin.json"
    path.write_text(json.dumps(manifest))
    return path


@pytest.fixture
def warning_only_manifest(tmp_path) -> Path:
    manifest = json.loads(GOOD_MANIFEST.read_text())
    manifest["contact_email"] = "todo@gmail.com"
    path = tmp_path / "warning-only.json"
    path.write_text(json.dumps(manifest))
    return path


# call_command ----------------------------------------------------------------------------------


def test_a_good_local_manifest_and_spec_pass():
    out, err = run(str(GOOD_MANIFEST), "--spec", str(GOOD_SPEC))
    assert "No problems found." in out
    assert out.rstrip().splitlines()[-1] == "0 errors, 0 warnings"
    assert err == ""


def test_without_spec_the_spec_checks_are_skipped_with_a_note():
    out, err = run(str(GOOD_MANIFEST))
    assert out.rstrip().endswith("0 errors, 0 warnings")
    assert "--spec" in err


def test_errors_are_listed_by_field_with_code_criterion_and_fix_and_exit_1(bad_manifest):
    out = StringIO()
    with pytest.raises(SystemExit) as caught:
        call_command("check_plugin", str(bad_manifest), stdout=out, stderr=StringIO())
    assert caught.value.code == 1
    lines = out.getvalue().rstrip().splitlines()
    assert lines[-1] == "2 errors, 1 warning"
    assert "name_for_human" in lines
    at = lines.index("description_for_human")
    assert "error" in lines[at + 1] and "manifest.punctuation (C7)" in lines[at + 1]
    assert "end with punctuation" in lines[at + 2]
    assert any("warning" in line and "manifest.contact_domain (C3)" in line for line in lines)


def test_warnings_alone_exit_0(warning_only_manifest):
    out, _ = run(str(warning_only_manifest), "--spec", str(GOOD_SPEC))
    assert out.rstrip().endswith("0 errors, 1 warning")


def test_json_prints_exactly_the_report(bad_manifest):
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_plugin", str(bad_manifest), "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert set(data) == {"ok", "findings"} and data["ok"] is False
    assert all(set(finding) == FINDING_KEYS for finding in data["findings"])
    assert [f["code"] for f in data["findings"]] == [
        "manifest.reserved_words",
        "manifest.punctuation",
        "manifest.contact_domain",
    ]


def test_a_domain_is_fetched_like_the_web_flow_fetches_it(monkeypatch):
    pages = {
        "https://todo.example.com/.well-known/ai-plugin.json": GOOD_MANIFEST.read_bytes(),
        "https://api.todo.example.com/openapi.yaml": GOOD_SPEC.read_bytes(),
    }

    def fake_fetch_url(url, *, max_bytes, allow_localhost=None, **kwargs):
        return FetchResult(url, url, 200, "application/json", pages[url])

    monkeypatch.setattr(fetching, "fetch_url", fake_fetch_url)
    out, _ = run("todo.example.com")
    assert "Checked https://todo.example.com/.well-known/ai-plugin.json" in out
    assert out.rstrip().endswith("0 errors, 0 warnings")
    out, _ = run("https://todo.example.com", "--json")
    assert json.loads(out) == {"ok": True, "findings": []}


@pytest.mark.parametrize(
    "args",
    [
        ("ftp://todo.example.com",),
        ("todo.example.com", "--spec", str(GOOD_SPEC)),
        (str(GOOD_MANIFEST), "--spec", "/no/such/spec.yaml"),
        (str(GOOD_MANIFEST), "--spec", str(FIXTURES)),
        (str(FIXTURES),),
        ("./no-such-manifest.json",),
    ],
    ids=[
        "bad-target",
        "spec-with-domain",
        "missing-spec",
        "spec-is-a-directory",
        "target-is-dir",
        "missing-file",
    ],
)
def test_bad_usage_is_a_command_error_with_exit_code_2(args):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2


# the real command line -------------------------------------------------------------------------


def test_exit_codes_from_the_command_line(bad_manifest, warning_only_manifest):
    assert manage(str(GOOD_MANIFEST), "--spec", str(GOOD_SPEC)).returncode == 0
    assert manage(str(warning_only_manifest)).returncode == 0
    failing = manage(str(bad_manifest), "--json")
    assert failing.returncode == 1
    data = json.loads(failing.stdout)
    assert data["ok"] is False and len(data["findings"]) == 3
    assert manage().returncode == 2  # no TARGET
    assert manage(str(GOOD_MANIFEST), "--spec", "/no/such/spec.yaml").returncode == 2
    assert manage("https://user:pw@todo.example.com").returncode == 2


def test_json_on_the_command_line_prints_only_json():
    result = manage(str(GOOD_MANIFEST), "--spec", str(GOOD_SPEC), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "findings": []}
    assert result.stdout.strip().startswith("{") and result.stdout.count("\n") == 1
