"""The developer's plugin list (issue 14 item 5): "Recent checks" lines say when, which
version and what came of it (tests/reviews/test_plugin_list_review_column.py: the review
column)."""

import re

import pytest
from django.urls import reverse

from pluginstore.models import FetchJob
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import fake_fetch, manifest_for, spec_for

pytestmark = pytest.mark.django_db
URL = reverse("developer:plugins")


def _section(page: str, heading: str) -> str:
    start = page.index(heading)
    return page[start : page.index("</section>", start)]


def test_recent_checks_show_time_version_and_result_apart(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    developer = DeveloperFactory()
    client.force_login(developer)
    bad = manifest_for("shop.example.com", description_for_human="Find deals on shoes")
    fake_fetch(monkeypatch, lambda: (bad, spec_for()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"target": "shop.example.com", "category": "retrieval"})
    job = FetchJob.objects.get()
    fake_fetch(monkeypatch, lambda: (manifest_for("shop.example.com"), spec_for()))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developer:refresh", args=[job.plugin_id]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developer:refresh", args=[job.plugin_id]))

    checks = _section(client.get(URL).content.decode(), "Recent checks")
    lines = re.findall(r'<li class="recent-check">(.*?)</li>', checks, re.S)
    assert len(lines) == 3
    newest, fixed, first = (re.sub(r"\s+", " ", line) for line in lines)
    for line in lines:
        assert re.search(
            r'<time class="muted" datetime="[^"]+">\d+ \w+, \d\d:\d\d UTC</time>', line
        )
        assert "shop.example.com" in line
    assert '<span class="pill">v1</span>' in first and "1 error" in first
    assert '<span class="pill">v2</span>' in fixed and "passed" in fixed
    assert "unchanged" in newest and '<span class="pill">v2</span>' in newest
    assert len(set(lines)) == 3  # no two identical lines
