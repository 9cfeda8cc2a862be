"""Hostile plugin servers (issue 16, findings 3, 4, 5 and 12b): whatever a plugin's server
answers, the fetch job finishes, the developer reads a finding that says how to fix it, our own
limits are reported as limits, and nothing is requested from a URL the checker will refuse.

The servers are real sockets on 127.0.0.1 (hostile_server.py), reached through the local
development exception, so every byte goes through the real fetcher, checker, services and task.
"""

from __future__ import annotations

import ast
import gzip
import io
import json
import signal
import time
import zlib
from pathlib import Path

import pytest
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from core.exceptions import ApplicationError
from core.fetch import FETCH_DEADLINE_SECONDS, SPEC_MAX_BYTES, FetchError, fetch_url
from pluginstore import fetching, services
from pluginstore.checks import check_spec
from pluginstore.checks.openapi import stop_idle_children
from pluginstore.choices import FetchJobState
from pluginstore.models import URL_MAX_LENGTH, FetchJob, PluginVersion
from pluginstore.services.registration import JOB_FAILED_ON_OUR_SIDE, JOB_LOST, JOB_OUT_OF_TIME
from pluginstore.tasks import DB_RETRIES, FETCH_SOFT_TIME_LIMIT, FETCH_TIME_LIMIT, plugin_fetch_task
from tests.factories import DeveloperFactory
from tests.security.hostile_server import HostileServer, hostile_server, json_response, response

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Hostile Weather", "version": "1.0"},
    "paths": {
        "/forecast": {
            "get": {
                "operationId": "getForecast",
                "summary": "Forecast for a city.",
                "responses": {"200": {"description": "The forecast."}},
            }
        }
    },
}
PLAIN = json.dumps(
    {**SPEC, "info": {**SPEC["info"], "description": "Prévisions météo."}}, ensure_ascii=False
).encode()
HOW_TO_FIX = ("Serve", "Send", "Check", "Save", "Make")


@pytest.fixture
def server(settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True  # the only way the fetcher may dial 127.0.0.1
    with hostile_server() as hostile:
        yield hostile


def _two_lengths(body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\nContent-Length: 3\r\n\r\n"
    return head.encode() + body


# Every way a body can lie, and the code it must end in (core/fetch/body.py).
LIES = {
    "gzip header on a plain body": (
        response(PLAIN, headers={"Content-Encoding": "gzip"}),
        "fetch.decompression",
    ),
    "deflate header on a plain body": (
        response(PLAIN, headers={"Content-Encoding": "deflate"}),
        "fetch.decompression",
    ),
    "gzip data after the end of the stream": (
        response(gzip.compress(PLAIN) + b"<html>", headers={"Content-Encoding": "gzip"}),
        "fetch.decompression",
    ),
    "truncated gzip": (
        response(gzip.compress(PLAIN)[:40], headers={"Content-Encoding": "gzip"}),
        "fetch.truncated",
    ),
    "chunked body cut short": (
        response(b"ff\r\n{}", headers={"Transfer-Encoding": "chunked"}, length=False),
        "fetch.truncated",
    ),
    "gzip bomb past the cap": (
        response(gzip.compress(bytes(3 * SPEC_MAX_BYTES)), headers={"Content-Encoding": "gzip"}),
        "fetch.too_large",
    ),
    "Content-Length longer than the body": (
        response(PLAIN, headers={"Content-Length": str(len(PLAIN) + 100)}),
        "fetch.content_length",
    ),
    "Content-Length shorter than the body": (
        response(PLAIN, headers={"Content-Length": str(len(PLAIN) - 10)}),
        "fetch.content_length",
    ),
    "Content-Length that is not a number": (
        response(PLAIN, headers={"Content-Length": "12abc"}),
        "fetch.content_length",
    ),
    "two different Content-Lengths": (_two_lengths(PLAIN), "fetch.content_length"),
    "an encoding the checker does not read": (
        response(b"\x1b\x00\x00", headers={"Content-Encoding": "br"}),
        "fetch.content_encoding",
    ),
    "charset=iso-8859-1 on UTF-8 text": (
        response(PLAIN, headers={"Content-Type": "application/json; charset=iso-8859-1"}),
        "fetch.charset",
    ),
    "charset=utf-8 on Latin-1 bytes": (
        response(
            json.dumps({"name": "café"}, ensure_ascii=False).encode("latin-1"),
            headers={"Content-Type": "application/json; charset=utf-8"},
        ),
        "fetch.charset",
    ),
    "a charset nobody knows": (
        response(PLAIN, headers={"Content-Type": "application/json; charset=klingon"}),
        "fetch.charset",
    ),
}


# Finding 3: every decoded body ends in a FetchError with its own code -----------------------


@pytest.mark.parametrize("lie", LIES, ids=list(LIES))
def test_every_lying_body_is_a_fetch_error_with_its_own_code_and_a_fix(server, lie):
    answer, code = LIES[lie]
    server.routes["/doc"] = answer
    with pytest.raises(FetchError) as caught:
        fetch_url(
            f"{server.base}/doc", max_bytes=SPEC_MAX_BYTES, allow_localhost=True, charset="utf-8"
        )
    assert caught.value.code == code
    assert any(word in caught.value.message for word in HOW_TO_FIX)


def test_honest_compressed_and_declared_bodies_are_read(server):
    server.routes["/gzip"] = response(gzip.compress(PLAIN), headers={"Content-Encoding": "gzip"})
    server.routes["/members"] = response(
        gzip.compress(PLAIN[:10]) + gzip.compress(PLAIN[10:]), headers={"Content-Encoding": "gzip"}
    )
    server.routes["/deflate"] = response(
        zlib.compress(PLAIN), headers={"Content-Encoding": "deflate"}
    )
    server.routes["/raw-deflate"] = response(
        zlib.compress(PLAIN)[2:-4], headers={"Content-Encoding": "deflate"}
    )
    server.routes["/utf8"] = response(
        PLAIN, headers={"Content-Type": 'application/json; charset="UTF-8"'}
    )
    server.routes["/ascii-latin1"] = response(
        json.dumps(SPEC).encode(), headers={"Content-Type": "application/json; charset=latin-1"}
    )
    for path in ("/gzip", "/members", "/deflate", "/raw-deflate", "/utf8"):
        result = fetch_url(
            server.base + path, max_bytes=SPEC_MAX_BYTES, allow_localhost=True, charset="utf-8"
        )
        assert result.body == PLAIN, path
    ascii_body = fetch_url(
        server.base + "/ascii-latin1",
        max_bytes=SPEC_MAX_BYTES,
        allow_localhost=True,
        charset="utf-8",
    ).body
    assert json.loads(ascii_body) == SPEC


def _register(server: HostileServer, capture) -> FetchJob:
    with capture(execute=True):
        job = services.plugin_registration_start(
            user=DeveloperFactory(), target=server.manifest_url, category="retrieval"
        )
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_a_lying_gzip_manifest_fails_the_job_with_a_finding(
    server, django_capture_on_commit_callbacks
):
    server.routes["/.well-known/ai-plugin.json"] = response(
        json.dumps(server.manifest()).encode(), headers={"Content-Encoding": "gzip"}
    )
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.FAILED and job.finished_at is not None
    assert job.error
    assert [(f["code"], f["field"]) for f in job.findings] == [("fetch.decompression", "manifest")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lie", ["gzip header on a plain body", "Content-Length shorter than the body"]
)
def test_a_lying_spec_is_stored_as_a_finding_on_api_url(
    server, django_capture_on_commit_callbacks, lie
):
    answer, code = LIES[lie]
    server.routes["/.well-known/ai-plugin.json"] = json_response(server.manifest())
    server.routes["/openapi.json"] = answer
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.DONE
    assert [(f["code"], f["field"]) for f in job.version.findings] == [(code, "api.url")]
    assert not job.version.is_submittable


def test_check_plugin_json_reports_a_lying_server_as_json(server):
    server.routes["/.well-known/ai-plugin.json"] = response(
        json.dumps(server.manifest()).encode(), headers={"Content-Encoding": "gzip"}
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_plugin", server.base, "--json", stdout=out)
    assert exited.value.code == 1
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert [f["code"] for f in report["findings"]] == ["fetch.decompression"]


# Finding 4: field lengths checked before the database; a broken run ends the job ------------


@pytest.mark.django_db
def test_an_api_url_longer_than_its_column_is_a_finding_and_never_fetched(
    server, django_capture_on_commit_callbacks
):
    long_url = f"{server.base}/{'a' * URL_MAX_LENGTH}.json"
    server.routes["/.well-known/ai-plugin.json"] = json_response(
        server.manifest(api={"type": "openapi", "url": long_url})
    )
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.DONE
    version = job.version
    assert version.spec_url == ""
    findings = [(f["code"], f["field"]) for f in version.findings]
    assert findings == [("manifest.api", "api.url")]
    assert f"{URL_MAX_LENGTH}" in version.findings[0]["message"]
    assert server.requests == ["/.well-known/ai-plugin.json"]


@pytest.mark.django_db
def test_a_logo_url_longer_than_its_column_is_a_finding(server, django_capture_on_commit_callbacks):
    server.routes["/.well-known/ai-plugin.json"] = json_response(
        server.manifest(logo_url="https://example.com/" + "l" * URL_MAX_LENGTH + ".png")
    )
    server.routes["/openapi.json"] = json_response(SPEC)
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.DONE
    assert [(f["code"], f["field"]) for f in job.version.findings] == [
        ("manifest.logo_url", "logo_url")
    ]


@pytest.mark.django_db
def test_a_typed_address_longer_than_its_column_is_refused_before_the_database():
    too_long = "https://example.com/" + "a" * URL_MAX_LENGTH + ".json"
    with pytest.raises(ApplicationError, match=f"up to {URL_MAX_LENGTH}"):
        services.plugin_registration_start(
            user=DeveloperFactory(), target=too_long, category="retrieval"
        )
    assert not FetchJob.objects.exists()


@pytest.mark.django_db
def test_documents_with_values_longer_than_their_columns_are_refused_with_a_message():
    host = "a" * 300 + ".example.com"
    with pytest.raises(ApplicationError, match="characters long"):
        services.plugin_register_documents(
            owner=DeveloperFactory(),
            manifest_url=f"https://{host}/.well-known/ai-plugin.json",
            manifest=json.dumps({"name_for_human": "x"}).encode(),
            spec=None,
            spec_url=None,
            category="retrieval",
        )
    assert not PluginVersion.objects.exists()


@pytest.mark.django_db
def test_an_unexpected_error_ends_the_job_failed_with_a_message(
    server, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(fetching, "fetch_plugin", broken)
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.FAILED
    assert job.error == JOB_FAILED_ON_OUR_SIDE and "not a problem with your plugin" in job.error


@pytest.mark.django_db
def test_a_transient_database_error_is_retried_a_bounded_number_of_times(server, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(fetching, "fetch_plugin", database_down)
    job = FetchJob.objects.create(
        kind="register", requested_by=DeveloperFactory(), target=server.manifest_url
    )
    with pytest.raises(Retry):
        plugin_fetch_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert not job.is_finished
    plugin_fetch_task.apply(args=[job.pk], retries=DB_RETRIES)
    job.refresh_from_db()
    assert job.state == FetchJobState.FAILED and job.error == JOB_FAILED_ON_OUR_SIDE


@pytest.mark.django_db
def test_a_job_that_died_mid_run_is_failed_not_run_again(server, monkeypatch):
    fetched = []
    monkeypatch.setattr(fetching, "fetch_plugin", lambda *a, **k: fetched.append(a))
    sent = []
    monkeypatch.setattr(plugin_fetch_task, "delay", lambda *args: sent.append(args))
    died = FetchJob.objects.create(
        kind="register", requested_by=DeveloperFactory(), target=server.manifest_url
    )
    quiet = timezone.now() - timezone.timedelta(minutes=10)
    FetchJob.objects.filter(pk=died.pk).update(state=FetchJobState.FETCHING, updated_at=quiet)
    redelivered = FetchJob.objects.create(
        kind="register", requested_by=DeveloperFactory(), target=server.manifest_url
    )
    FetchJob.objects.filter(pk=redelivered.pk).update(state=FetchJobState.CHECKING)

    services.fetch_jobs_resume_stale()  # beat
    plugin_fetch_task.apply(args=[redelivered.pk])  # the broker hands the task out again

    for job in (died, redelivered):
        job.refresh_from_db()
        assert job.state == FetchJobState.FAILED and job.error == JOB_LOST
    assert sent == [] and fetched == []


# Finding 5: spec validation has a budget the product owns -----------------------------------


def _wide_any_of_spec(schemas: int = 100, width: int = 20) -> dict:
    """Valid OpenAPI that openapi-spec-validator takes seconds on (wide anyOf schemas)."""
    branch = {
        "type": "object",
        "properties": {
            f"p{j}": {"type": "string", "anyOf": [{"type": "string"}, {"type": "integer"}]}
            for j in range(3)
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Wide", "version": "1"},
        "paths": {},
        "components": {"schemas": {f"S{i}": {"anyOf": [branch] * width} for i in range(schemas)}},
    }


def test_a_spec_that_outlasts_the_budget_gets_a_time_limit_warning_not_an_error(settings):
    settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS = 0.5
    started = time.monotonic()
    spec, findings = check_spec(json.dumps(_wide_any_of_spec()).encode(), manifest=None)
    elapsed = time.monotonic() - started
    assert spec is not None
    assert [(f.code, f.severity, f.field) for f in findings] == [
        ("spec.openapi.time_limit", "warning", "spec")
    ]
    assert "our limit, not an error in your spec" in findings[0].message
    assert elapsed < 0.5 + 5  # the budget, plus parsing and stopping the validator
    # The validator it stopped is gone; the next spec is checked as usual.
    settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS = 30
    assert check_spec(json.dumps(SPEC), manifest=None)[1] == []


def test_the_soft_time_limit_is_never_swallowed_by_the_checker(settings):
    """Celery's soft limit raises SoftTimeLimitExceeded from a signal handler, as here."""
    settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS = 60

    def soft_limit(signum, frame):
        raise SoftTimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, soft_limit)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            check_spec(json.dumps(_wide_any_of_spec()).encode(), manifest=None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # The interrupted validator's answer never reaches the next caller.
    broken = {**SPEC, "info": {"version": "1"}}
    assert [f.code for f in check_spec(json.dumps(broken), manifest=None)[1]] == ["spec.openapi"]
    assert check_spec(json.dumps(SPEC), manifest=None)[1] == []
    stop_idle_children()


@pytest.mark.django_db
def test_the_fetch_task_reports_its_soft_time_limit_as_our_limit(
    server, monkeypatch, django_capture_on_commit_callbacks
):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(fetching, "fetch_plugin", slow)
    job = _register(server, django_capture_on_commit_callbacks)
    assert job.state == FetchJobState.FAILED
    assert job.error == JOB_OUT_OF_TIME and job.findings == []


def test_the_validation_budget_fits_well_inside_the_task_time_limits():
    # Two fetches, the validation budget, and room to parse, check and store.
    longest_run = 2 * FETCH_DEADLINE_SECONDS + django_settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS
    assert longest_run + 15 <= FETCH_SOFT_TIME_LIMIT < FETCH_TIME_LIMIT


BROAD_EXCEPTS_ALLOWED = {
    ("core/fetch/transport.py", "_open_socket"): "closes the socket and re-raises",
    ("core/fetch/transport.py", "lookup"): (
        "the DNS thread hands its exception to the caller, which re-raises any that is not a "
        "DNS answer; signals (the soft time limit) reach the main thread, not this one"
    ),
    ("pluginstore/checks/openapi.py", "validate_openapi"): "stops the validator and re-raises",
    ("pluginstore/checks/openapi_child.py", "validate"): (
        "the validator's own failure, reported as ours (spec.openapi.unchecked), in the child"
    ),
    ("pluginstore/tasks.py", "plugin_fetch_task"): (
        "after SoftTimeLimitExceeded is handled on its own: the job fails as our fault"
    ),
    ("domains/tasks.py", "domain_verification_task"): (
        "after SoftTimeLimitExceeded is handled on its own: the check fails as our fault"
    ),
}


class _BroadExcepts(ast.NodeVisitor):
    """(module, innermost function) of every handler catching Exception, BaseException or all."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.functions: list[str] = []
        self.found: set[tuple[str, str]] = set()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
        names = {getattr(c, "id", None) for c in caught}
        if node.type is None or names & {"Exception", "BaseException"}:
            self.found.add((self.module, self.functions[-1] if self.functions else "<module>"))
        self.generic_visit(node)


def _broad_excepts() -> set[tuple[str, str]]:
    root = Path(django_settings.BASE_DIR)
    files = {*(root / "core").rglob("*.py"), *(root / "pluginstore").rglob("*.py")}
    files |= set(root.glob("*/tasks.py"))
    found = set()
    for path in sorted(files):
        if "migrations" in path.parts:
            continue
        visitor = _BroadExcepts(str(path.relative_to(root)))
        visitor.visit(ast.parse(path.read_text()))
        found |= visitor.found
    return found


def test_no_broad_except_can_swallow_a_time_limit_or_blame_the_developer():
    """Every `except Exception` / `except BaseException` / bare `except` in core, pluginstore
    and the tasks is one of these, each with its reason (issue 16, finding 5's audit)."""
    assert _broad_excepts() == set(BROAD_EXCEPTS_ALLOWED)


# Finding 12b: the domain rule is asked before the spec is fetched ---------------------------


def test_an_api_url_on_another_local_port_is_reported_and_never_fetched(server):
    with hostile_server() as elsewhere:
        elsewhere.routes["/openapi.json"] = json_response(SPEC)
        server.routes["/.well-known/ai-plugin.json"] = json_response(
            server.manifest(api={"type": "openapi", "url": f"{elsewhere.base}/openapi.json"})
        )
        fetched = fetching.fetch_plugin(server.manifest_url)
        assert [f.code for f in fetched.report.findings] == ["manifest.api_domain"]
        assert fetched.spec_url is None and fetched.spec_bytes is None
        assert elsewhere.requests == []
