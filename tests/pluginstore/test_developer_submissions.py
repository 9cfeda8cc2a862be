"""Issue 4's developer side on /developer/plugins/<id>/: submit, follow, withdraw."""

import pytest
from django.urls import reverse

from reviews.models import Submission
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register


@pytest.mark.django_db
def test_the_developer_submits_and_sees_queue_position_and_due_date(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert b"Submit version 1 for review" in page.content

    response = client.post(
        reverse("developer:submit", args=[plugin.pk]),
        {"note_to_reviewer": "Test account: demo / demo."},
        follow=True,
    )
    submission = Submission.objects.get(plugin=plugin)
    assert submission.state == "submitted"
    assert submission.note_to_reviewer == "Test account: demo / demo."
    assert b"Submitted for review" in response.content
    assert b"Position 1 in the queue" in response.content
    assert b"Due by" in response.content
    assert b"Submit version 1 for review" not in response.content  # one open submission


@pytest.mark.django_db
def test_a_version_with_errors_offers_no_submit_button_and_a_post_is_refused(client):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="The ChatGPT Weather Helper")
    client.force_login(owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert b"Submit version" not in page.content
    response = client.post(reverse("developer:submit", args=[plugin.pk]), follow=True)
    assert b"check error" in response.content
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_developer_withdraws_an_open_submission(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    client.post(reverse("developer:submit", args=[plugin.pk]))
    submission = Submission.objects.get()
    response = client.post(
        reverse("developer:withdraw", args=[plugin.pk, submission.pk]), follow=True
    )
    assert b"Submission withdrawn" in response.content
    assert Submission.objects.get().state == "withdrawn"


@pytest.mark.django_db
def test_nobody_else_submits_or_withdraws(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    other_plugin = register(owner)
    client.force_login(owner)
    client.post(reverse("developer:submit", args=[plugin.pk]))
    submission = Submission.objects.get()
    # The submission under another plugin's URL is not found.
    url = reverse("developer:withdraw", args=[other_plugin.pk, submission.pk])
    assert client.post(url).status_code == 404
    client.force_login(DeveloperFactory())
    assert client.post(reverse("developer:submit", args=[other_plugin.pk])).status_code == 404
    url = reverse("developer:withdraw", args=[plugin.pk, submission.pk])
    assert client.post(url).status_code == 404
    assert Submission.objects.get().state == "submitted"
    assert Submission.objects.count() == 1
