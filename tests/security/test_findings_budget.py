"""Findings amplification (issue 16, finding 6): a spec with 88,000 empty operations gave
88,001 findings, stored twice, and the job, plugin and version pages sent 45 MB each and held a
web worker for 14-22 s. Findings are now bounded where the checker makes them (a few per code
and "…and N more like this", checks/findings.py), the version page shows the start of each
document, and every page that lists findings stays under one size and query budget whatever
the spec. The spec is generated here and registered through the real services and task, from
a local server, exactly as a developer's would be.
"""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from pluginstore import services
from pluginstore.checks.findings import MAX_FINDINGS, MAX_FINDINGS_PER_CODE
from pluginstore.choices import FetchJobState
from pluginstore.models import FetchJob, Plugin
from reviews.services import submission_create
from tests.factories import DeveloperFactory, make_reviewer
from tests.security.hostile_server import hostile_server, json_response, response

pytestmark = pytest.mark.django_db

OPERATIONS = 88_000
PAGE_BYTES = 200_000
PAGE_QUERIES = 25
PAGE_SECONDS = 5  # the unbounded pages took 14-22 s


def _spec(operations: int, operation: object) -> bytes:
    """OpenAPI 3.1 (responses are optional there) with one GET per path."""
    paths = ",".join(
        f'"/p{i}":{{"get":{json.dumps(operation(i), separators=(",", ":"))}}}'
        for i in range(operations)
    )
    head = '{"openapi":"3.1.0","info":{"title":"Many","version":"1"},"paths":{'
    return (head + paths + "}}").encode()


def _register(server, spec: bytes, capture) -> FetchJob:
    server.routes["/.well-known/ai-plugin.json"] = json_response(server.manifest())
    server.routes["/openapi.json"] = response(spec)
    with capture(execute=True):
        job = services.plugin_registration_start(
            user=DeveloperFactory(), target=server.manifest_url, category="retrieval"
        )
    job.refresh_from_db()
    assert job.state == FetchJobState.DONE, job.error
    return job


@pytest.fixture
def local_plugins(settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    # Validating 88,000 operations takes openapi-spec-validator a minute: the budget stops it.
    settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS = 1


def _get(client, url: str, django_assert_max_num_queries) -> tuple[bytes, float]:
    started = time.monotonic()
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(url)
    seconds = time.monotonic() - started
    assert page.status_code == 200, url
    return page.content, seconds


def test_88000_empty_operations_give_a_dozen_findings_and_small_fast_pages(
    local_plugins, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    spec = _spec(OPERATIONS, lambda i: {})
    assert len(spec) > 1_800_000
    with hostile_server() as server:
        job = _register(server, spec, django_capture_on_commit_callbacks)
    version = job.version

    # Bounded where they are made, counted in full.
    codes = [f["code"] for f in version.findings]
    assert codes.count("spec.operation_id") == MAX_FINDINGS_PER_CODE + 1
    assert len(version.findings) <= MAX_FINDINGS and job.findings == version.findings
    assert version.error_count == OPERATIONS
    assert f"…and {OPERATIONS - MAX_FINDINGS_PER_CODE:,} more like this" in json.dumps(
        version.findings, ensure_ascii=False
    )

    client.force_login(job.requested_by)
    pages = {
        "job": reverse("developer:job", args=[job.pk]),
        "plugin": reverse("developer:plugin", args=[version.plugin_id]),
        "version": reverse("developer:version", args=[version.plugin_id, version.number]),
    }
    for name, url in pages.items():
        content, seconds = _get(client, url, django_assert_max_num_queries)
        assert len(content) < PAGE_BYTES, (name, len(content))
        assert seconds < PAGE_SECONDS, (name, seconds)
        assert "more like this" in content.decode(), name


def test_a_reviewer_reads_a_submission_of_a_huge_spec_on_a_small_page(
    local_plugins, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Warnings do not block submission, so 40,000 vague operationIds reach a reviewer."""
    spec = _spec(40_000, lambda i: {"operationId": f"op{i}"})
    with hostile_server() as server:
        job = _register(server, spec, django_capture_on_commit_callbacks)
    plugin = Plugin.objects.get(pk=job.plugin_id)
    assert job.version.error_count == 0 and job.version.warning_count >= 40_000
    submission = submission_create(plugin_id=plugin.pk, by=plugin.owner)

    client.force_login(make_reviewer())
    url = reverse("admin:reviews_submission_change", args=[submission.pk])
    content, seconds = _get(client, url, django_assert_max_num_queries)
    assert "more like this" in content.decode()
    assert seconds < PAGE_SECONDS, seconds
    assert len(content) < PAGE_BYTES, len(content)
