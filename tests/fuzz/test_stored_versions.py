"""Hostile documents all the way through: fetched, checked, stored, and shown.

A developer registers a plugin served by tests/fuzz/hostile_server.py whose manifest and spec
are drawn by Hypothesis. The fetch job (the Celery task's service, run in-process) must finish,
done or failed with a reason, never raise, since a task that raises is run again and again; and
the job page, the plugin page and the version page must render for the owner.
"""

from __future__ import annotations

import functools
import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from core.fetch import fetch_url
from pluginstore import fetching
from pluginstore.models import FetchJob, FetchJobState
from pluginstore.services import registration
from tests.factories import DeveloperFactory
from tests.fuzz import hostile_server as hs
from tests.fuzz import strategies as fz
from tests.fuzz.budget import scaled
from tests.fuzz.hostile_server import HostileServer, response
from tests.pluginstore.helpers import spec_for

pytestmark = pytest.mark.django_db

JSON = [(b"Content-Type", b"application/json")]


@pytest.fixture(scope="module")
def server():
    hostile = HostileServer().start()
    yield hostile
    hostile.stop()


@pytest.fixture
def developer(settings, monkeypatch):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    monkeypatch.setattr(fetching, "fetch_url", functools.partial(fetch_url, deadline=2.0))
    user = DeveloperFactory()
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return user, client


def _manifest(server: HostileServer, fields: dict) -> dict:
    manifest = json.loads(hs.manifest_bytes(server.port))
    manifest.update(fields)
    return manifest


manifest_fields = fz.manifests.map(lambda m: {k: v for k, v in m.items() if k != "api"})
api_urls = st.one_of(
    st.just(None),
    st.integers(min_value=400, max_value=2100).map(lambda n: "/openapi.json?" + "a" * n),
    fz.hostile_text.map(lambda text: "/openapi.json#" + text),
)


def _register_and_show(server, developer, manifest: dict, spec: bytes) -> list[str]:
    """Run the registration job against these documents and load every page that shows it."""
    user, client = developer
    server.replies["/.well-known/ai-plugin.json"] = response(
        headers=JSON, body=fz.to_json_bytes(manifest)
    )
    server.replies["/openapi.json"] = response(body=spec)
    problems = []
    with transaction.atomic():
        job = registration.plugin_registration_start(
            user=user, target=server.url("/"), category="retrieval"
        )
        job = registration.fetch_job_run(job_id=job.pk)
        job = FetchJob.objects.get(pk=job.pk)
        event(f"job {job.state}, version stored: {job.version_id is not None}")
        if job.state not in (FetchJobState.DONE, FetchJobState.FAILED):
            problems.append(f"the job ended {job.state}")
        if job.state == FetchJobState.FAILED and not job.error:
            problems.append("the job failed without saying why")
        urls = [reverse("developer:job", kwargs={"job_id": job.pk})]
        if job.plugin_id:
            urls.append(reverse("developer:plugin", kwargs={"plugin_id": job.plugin_id}))
        if job.version_id:
            urls.append(
                reverse(
                    "developer:version",
                    kwargs={"plugin_id": job.plugin_id, "number": job.version.number},
                )
            )
        for url in urls:
            status = client.get(url).status_code
            if status != 200:
                problems.append(f"GET {url}: {status}")
        transaction.set_rollback(True)
    return problems


@settings(max_examples=scaled(30))
@given(fields=manifest_fields, api_path=api_urls, spec=fz.specs | fz.yaml_text | st.none())
@example(fields={}, api_path="/openapi.json?" + "a" * 600, spec=None)
def test_any_served_plugin_is_stored_or_refused_and_its_pages_render(
    server, developer, fields, api_path, spec
):
    manifest = _manifest(server, fields)
    if api_path is not None:
        manifest["api"] = {"type": "openapi", "url": server.url(api_path)}
    if spec is None:
        spec_bytes = json.dumps(spec_for()).encode()
    elif isinstance(spec, str):
        spec_bytes = spec.encode("utf-8", "surrogatepass")
    else:
        spec_bytes = fz.to_json_bytes(spec)
    assert _register_and_show(server, developer, manifest, spec_bytes) == []
