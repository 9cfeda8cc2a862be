"""Issue 4's developer side on /developer/plugins/<id>/ (reviews/views_developer.py): follow
submissions, withdraw.

Submitting itself goes through the submission bot (tests/reviews/test_bot.py); the page only
links to it. Here submissions are filed through the service the bot calls.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from pluginstore.models import PluginStatus
from reviews.models import Submission
from reviews.permissions import APPEAL_HINT
from reviews.services import submission_create
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import make_plugin, register


@pytest.mark.django_db
def test_the_page_links_to_the_bot_and_then_shows_queue_position_and_due_date(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk]))
    bot_link = f'href="{reverse("help:submit")}?plugin={plugin.pk}"'
    assert bot_link.encode() in page.content
    assert b"Submit for review" in page.content

    submission_create(plugin_id=plugin.pk, by=owner, note_to_reviewer="Test account: demo / demo.")
    response = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert Submission.objects.get(plugin=plugin).state == "submitted"
    assert b"Position 1 in the queue" in response.content
    assert b"Due by" in response.content
    assert bot_link.encode() not in response.content  # one open submission


@pytest.mark.django_db
def test_a_version_with_errors_offers_no_link_to_submit(client):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="The ChatGPT Weather Helper")
    client.force_login(owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert b"Submit for review" not in page.content
    assert b"Fix the errors above" in page.content


@pytest.mark.django_db
def test_a_banned_plugin_offers_no_link_to_submit_and_says_how_to_appeal(client):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, status=PluginStatus.BANNED)
    client.force_login(owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk])).content.decode()
    assert "Submit for review" not in page
    assert f"This plugin is banned. Nobody can use it. {escape(APPEAL_HINT)}" in page


@pytest.mark.django_db
def test_the_developer_withdraws_an_open_submission(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    submission = submission_create(plugin_id=plugin.pk, by=owner)
    response = client.post(
        reverse("developer:withdraw", args=[plugin.pk, submission.pk]), follow=True
    )
    assert b"Submission withdrawn" in response.content
    assert Submission.objects.get().state == "withdrawn"


@pytest.mark.django_db
def test_nobody_else_withdraws(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    other_plugin = register(owner)
    client.force_login(owner)
    submission = submission_create(plugin_id=plugin.pk, by=owner)
    # The submission under another plugin's URL is not found.
    url = reverse("developer:withdraw", args=[other_plugin.pk, submission.pk])
    assert client.post(url).status_code == 404
    client.force_login(DeveloperFactory())
    url = reverse("developer:withdraw", args=[plugin.pk, submission.pk])
    assert client.post(url).status_code == 404
    assert Submission.objects.get().state == "submitted"
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_the_plugin_page_and_its_job_page_never_load_the_documents(client):
    """A spec may be 2 MiB: the pages show counts and findings, so they read no document."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pluginstore.models import FetchJob, FetchJobKind, FetchJobState

    owner = DeveloperFactory()
    plugin = make_plugin(owner, status=PluginStatus.APPROVED)
    job = FetchJob.objects.create(
        kind=FetchJobKind.REFRESH,
        requested_by=owner,
        plugin=plugin,
        target=plugin.manifest_url,
        state=FetchJobState.DONE,
        version=plugin.latest_version,
    )
    client.force_login(owner)
    for url in (
        reverse("developer:plugin", args=[plugin.pk]),
        reverse("developer:job", args=[job.pk]),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read = [
            q["sql"] for q in queries if '"spec_text"' in q["sql"] or '"manifest_text"' in q["sql"]
        ]
        assert read == [], url
