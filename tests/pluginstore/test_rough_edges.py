"""Rough edges of the developer pages (issue 14 item 5): a check with errors is a failed check
on the job page, and the progress tiles share one style."""

import re

import pytest
from django.urls import reverse

from pluginstore.models import FetchJob
from pluginstore.presenters import fetch_job_steps
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import fake_fetch, manifest_for, spec_for

pytestmark = pytest.mark.django_db


def _register(client, monkeypatch, capture, manifest) -> FetchJob:
    fake_fetch(monkeypatch, lambda: (manifest, spec_for()))
    with capture(execute=True):
        response = client.post(
            reverse("developer:plugins"), {"target": "shop.example.com", "category": "retrieval"}
        )
    assert response.status_code == 302
    return FetchJob.objects.select_related("version").get()


def _tiles(content: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="step step-(\w+)"[^>]*>([^<]+)', content)


def test_a_check_with_errors_is_a_failed_check_not_a_green_stored_banner(
    client, monkeypatch, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(DeveloperFactory())
    bad = manifest_for("shop.example.com", description_for_human="Find deals on shoes")
    job = _register(client, monkeypatch, django_capture_on_commit_callbacks, bad)
    assert job.state == "done" and job.version.error_count == 1

    with django_assert_max_num_queries(6):
        response = client.get(reverse("developer:job", args=[job.pk]))
    content = response.content.decode()
    assert [state for state, _ in _tiles(content)] == ["done", "done", "failed", "failed"]
    assert "Checking: 1 error" in content
    assert "alert-success" not in content
    assert "Stored as version" not in content
    assert "Version 1 stored with 1 error: fix it and refresh." in content
    assert 'class="alert alert-error"' in content
    # The way on is a refresh of this plugin, right there.
    assert f'action="{reverse("developer:refresh", args=[job.plugin_id])}"' in content


def test_a_clean_check_stays_green(client, monkeypatch, django_capture_on_commit_callbacks):
    client.force_login(DeveloperFactory())
    job = _register(
        client, monkeypatch, django_capture_on_commit_callbacks, manifest_for("shop.example.com")
    )
    assert job.version.error_count == 0
    content = client.get(reverse("developer:job", args=[job.pk])).content.decode()
    assert [state for state, _ in _tiles(content)] == ["done"] * 4
    assert "Stored as version 1. Every blocking check passed." in content
    assert "alert-error" not in content


def test_an_unchanged_refresh_of_a_version_with_errors_still_says_so(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    developer = DeveloperFactory()
    client.force_login(developer)
    bad = manifest_for("shop.example.com", description_for_human="Find deals on shoes")
    first = _register(client, monkeypatch, django_capture_on_commit_callbacks, bad)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developer:refresh", args=[first.plugin_id]))
    again = FetchJob.objects.exclude(pk=first.pk).get()
    assert again.unchanged
    content = client.get(reverse("developer:job", args=[again.pk])).content.decode()
    assert "Nothing changed since version 1" in content
    assert "It still has 1 error: fix it on your server and refresh." in content
    assert [state for state, _ in _tiles(content)][-1] == "failed"


def test_progress_tiles_are_one_partial_with_no_list_margin_on_the_later_tiles():
    job = FetchJob(kind="register", target="https://a.example.com/", state="fetching")
    assert fetch_job_steps(job) == [
        ("Queued", "done"),
        ("Fetching manifest and spec", "current"),
        ("Checking", "waiting"),
        ("Finished", "waiting"),
    ]
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    # site.css's `.steps li + li` (the two-factor steps) gave tiles 2-4 a top margin, so
    # "1. Queued" sat higher; the tiles' own rule, more specific, takes it off.
    assert ".steps li + li { margin-top: .35rem; }" in css
    assert ".steps > li.step + li.step { margin-top: 0; }" in css
