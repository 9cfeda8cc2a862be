"""Where the developer sees a request for changes and answers it: the plugin's page, the bot,
the thread; and the answer's one transaction with the reply (reviews.receivers)."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, Thread
from inbox.services import thread_reply_create
from reviews import reviewer_notices, services
from reviews.models import Submission, SubmissionEvent, SubmissionState
from tests.reviews.helpers import claim, submit

pytestmark = pytest.mark.django_db

NOTE = 'Which cities does it cover? <b>Say so</b> in the description & "limits".'


@pytest.fixture
def asked(plugin, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
        services.submission_request_changes(
            submission_id=submission.pk, reviewer=reviewer, note=NOTE
        )
    return Submission.objects.get(pk=submission.pk)


def test_the_plugin_page_shows_the_request_its_deadline_and_how_to_answer(client, asked, plugin):
    client.force_login(plugin.owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk])).content.decode()
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    assert "A reviewer asked for changes" in page
    assert escape(NOTE) in page and NOTE not in page
    assert f"{asked.changes_due_at:%-d %b %Y, %H:%M} UTC" in page
    assert f'href="{reverse("help:thread", args=[thread.pk])}"' in page
    assert "Refresh manifest" in page
    # Not in the queue while the developer is asked: no position, but it can be withdrawn.
    assert "in the queue." not in page
    assert reverse("developer:withdraw", args=[plugin.pk, asked.pk]) in page


def test_the_panel_is_gone_once_answered(client, asked, plugin):
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="All of Europe.")
    client.force_login(plugin.owner)
    page = client.get(reverse("developer:plugin", args=[plugin.pk])).content.decode()
    assert "A reviewer asked for changes" not in page
    assert "Position 1 in the queue" in page


def test_the_bot_says_the_plugin_waits_for_an_answer_and_how_to_give_it(client, asked, plugin):
    client.force_login(plugin.owner)
    page = client.get(reverse("help:submit")).content.decode()
    assert "Submission changes requested" in page
    assert "A reviewer asked for changes to its submission" in page
    assert "replying in the plugin&#x27;s thread" in page
    assert f'value="{plugin.pk}"' not in page  # it can't be picked


def test_the_request_is_a_message_in_the_owners_thread(client, asked, plugin):
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    client.force_login(plugin.owner)
    page = client.get(reverse("help:thread", args=[thread.pk])).content.decode()
    assert f"A reviewer asked for changes to {plugin.display_name}" in page
    assert escape(NOTE) in page and NOTE not in page


def test_the_answer_commits_with_the_reply_or_not_at_all(asked, plugin, monkeypatch):
    """The receiver runs inside the reply's transaction: if telling the reviewer fails, the
    reply, the return to the queue and its audit row are all rolled back, so the deadline task
    can never reject a submission whose developer did answer."""

    def broken(*args, **kwargs):
        raise RuntimeError("the reviewer's notice could not be written")

    monkeypatch.setattr(reviewer_notices, "tell_of_reply", broken)
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    events = SubmissionEvent.objects.filter(submission=asked).count()

    with pytest.raises(RuntimeError), transaction.atomic():
        thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="All of Europe.")

    assert not Message.objects.filter(author=plugin.owner).exists()
    assert Submission.objects.get(pk=asked.pk).state == SubmissionState.CHANGES_REQUESTED
    assert SubmissionEvent.objects.filter(submission=asked).count() == events
    assert not Notification.objects.filter(kind=NotificationKind.CHANGES_ANSWERED).exists()
