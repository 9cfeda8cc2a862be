"""Risk flags (reviews/risk.py): computed once when a version is filed, stored on the submission."""

import json
from importlib import import_module

import pytest
from django.apps import apps

from pluginstore import services as plugin_services
from pluginstore.models import Category
from reviews import risk
from reviews.models import Submission
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import manifest_for, own_domain, register, spec_for
from tests.reviews.helpers import approve, claim, new_version, reject, submit

pytestmark = pytest.mark.django_db

# The data migration's function, run here against today's models.
backfill = import_module("reviews.migrations.0005_submission_risk_flags").backfill


def _writing_spec() -> dict:
    spec = spec_for()
    spec["paths"]["/notes"] = {
        "delete": {
            "operationId": "deleteNote",
            "summary": "Delete a note.",
            "responses": {"204": {"description": "Deleted."}},
        }
    }
    return spec


def _register_with_spec(owner, spec: dict, **manifest):
    domain = "notes.example.com"
    plugin = plugin_services.plugin_register_documents(
        owner=owner,
        manifest_url=f"https://{domain}/.well-known/ai-plugin.json",
        manifest=json.dumps(manifest_for(domain, **manifest)).encode(),
        spec=json.dumps(spec).encode(),
        spec_url=f"https://{domain}/openapi.json",
        category=Category.RETRIEVAL,
    )
    return own_domain(plugin)  # submitting needs a proved domain


def test_a_first_submission_of_a_read_only_plugin_is_flagged_only_as_first():
    submission = submit(register(DeveloperFactory()))
    assert submission.risk_flags == [risk.FIRST_SUBMISSION]
    assert Submission.objects.get(pk=submission.pk).risk_flags == [risk.FIRST_SUBMISSION]


def test_write_operations_without_oauth_and_warnings_are_flagged():
    plugin = _register_with_spec(
        DeveloperFactory(), _writing_spec(), contact_email="help@elsewhere.org"
    )
    assert plugin.latest_version.warning_count
    flags = submit(plugin).risk_flags
    assert flags == [
        risk.FIRST_SUBMISSION,
        risk.WRITES,
        risk.WRITES_WITHOUT_OAUTH,
        risk.WARNINGS,
    ]


def test_write_operations_with_oauth_are_not_flagged_as_without_oauth():
    flags = risk.compute_flags(
        manifest={"auth": {"type": "oauth"}},
        spec=_writing_spec(),
        manifest_url="https://notes.example.com/.well-known/ai-plugin.json",
        warning_count=0,
        first_submission=False,
    )
    assert flags == [risk.WRITES]


def test_a_resubmission_after_a_rejection_is_not_first(
    monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    reject(claim(submit(plugin), reviewer), reviewer)
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Newer")
    assert submit(plugin).risk_flags == []


def test_an_api_url_changed_since_the_approved_version_is_flagged(
    monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    approve(claim(submit(plugin), reviewer), reviewer)
    api = {"type": "openapi", "url": f"https://api.{plugin.domain}/v2/openapi.json"}
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, api=api)
    assert submit(plugin).risk_flags == [risk.API_URL_CHANGED]


def test_a_domain_changed_since_the_approved_version_is_flagged():
    manifest = manifest_for("notes.example.com")
    flags = risk.compute_flags(
        manifest=manifest,
        spec=spec_for(),
        manifest_url="https://notes.example.org/.well-known/ai-plugin.json",
        warning_count=0,
        first_submission=False,
        approved_manifest=manifest,
        approved_manifest_url="https://NOTES.example.com./.well-known/ai-plugin.json",
    )
    assert flags == [risk.DOMAIN_CHANGED]


def test_flags_compare_nothing_without_an_approved_version_and_survive_bad_documents():
    assert (
        risk.compute_flags(
            manifest="not an object",
            spec=["not", "an", "object"],
            manifest_url="",
            warning_count=0,
            first_submission=False,
        )
        == []
    )


def test_open_reports_show_only_when_the_hook_annotates_them():
    submission = submit(register(DeveloperFactory()))
    assert [f.code for f in risk.flags_of(submission)] == [risk.FIRST_SUBMISSION]
    submission.open_report_count = 2
    assert [f.code for f in risk.flags_of(submission)] == [
        risk.FIRST_SUBMISSION,
        risk.OPEN_REPORTS,
    ]


def test_the_migration_backfills_open_submissions_only(
    monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    approved = approve(claim(submit(plugin), reviewer), reviewer)
    api = {"type": "openapi", "url": f"https://api.{plugin.domain}/v2/openapi.json"}
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, api=api)
    open_one = submit(plugin)
    Submission.objects.update(risk_flags=[])
    backfill(apps, None)
    assert Submission.objects.get(pk=open_one.pk).risk_flags == [risk.API_URL_CHANGED]
    assert Submission.objects.get(pk=approved.pk).risk_flags == []
