"""A reviewer answers the developer from the submission page; it lands in the plugin's thread."""

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, Thread
from inbox.services import thread_reply_create
from reviews import moderation, services
from tests.reviews.helpers import submit

pytestmark = pytest.mark.django_db


def _change_url(submission) -> str:
    return reverse("admin:reviews_submission_change", args=[submission.pk])


def _reply_url(submission) -> str:
    return reverse("admin:reviews_submission_reply", args=[submission.pk])


def _replies():
    return Notification.objects.filter(kind=NotificationKind.REVIEWER_REPLY)


def test_a_reviewer_reply_becomes_one_message_in_the_plugins_thread(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    submission = submit(plugin)
    client.force_login(reviewer)
    page = client.get(_change_url(submission)).content.decode()
    assert "Reply to the developer" in page
    assert f'action="{_reply_url(submission)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_reply_url(submission), {"body": "  Which cities are covered?  "})

    assert response.status_code == 302
    assert response.url == _change_url(submission)
    notification = _replies().get()
    assert notification.recipient == plugin.owner
    assert notification.event_key.startswith(f"submission:{submission.pk}:reply:")
    assert notification.context["reply"] == "Which cities are covered?"
    assert notification.context["submission_id"] == submission.pk
    assert notification.context["plugin_id"] == plugin.pk
    assert notification.context["reviewer_name"] == reviewer.public_name
    assert "Reply sent" in client.get(_change_url(submission)).content.decode()

    message = Message.objects.get(notification=notification)
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    assert message.thread == thread
    assert Message.objects.filter(thread=thread, notification__kind="reviewer_reply").count() == 1

    client.force_login(plugin.owner)
    thread_page = client.get(reverse("help:thread", args=[thread.pk]))
    assert thread_page.status_code == 200
    assert "Which cities are covered?" in thread_page.content.decode()


def test_two_replies_are_two_messages(plugin, reviewer, django_capture_on_commit_callbacks):
    submission = submit(plugin)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_reply(submission_id=submission.pk, reviewer=reviewer, body="One")
        services.submission_reply(submission_id=submission.pk, reviewer=reviewer, body="Two")
    assert _replies().count() == 2
    assert Message.objects.filter(notification__kind="reviewer_reply").count() == 2


def test_the_developer_answers_and_the_reviewer_sees_it_on_the_submission_page(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    submission = submit(plugin)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_reply(
            submission_id=submission.pk, reviewer=reviewer, body="Which cities?"
        )
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="All of Europe.")
    client.force_login(reviewer)
    assert "All of Europe." in client.get(_change_url(submission)).content.decode()


@pytest.mark.parametrize("who", ["staff_outsider", "owner"])
def test_someone_who_may_not_review_gets_an_error_and_nothing_is_written(request, plugin, who):
    submission = submit(plugin)
    user = plugin.owner if who == "owner" else request.getfixturevalue(who)
    with pytest.raises(ApplicationError, match="may not review"):
        services.submission_reply(submission_id=submission.pk, reviewer=user, body="Hello")
    assert not _replies().exists()


def test_a_reviewer_may_not_reply_about_their_own_plugin(reviewer_developer):
    from tests.pluginstore.helpers import register

    submission = submit(register(reviewer_developer))
    with pytest.raises(ApplicationError, match="may not review"):
        services.submission_reply(
            submission_id=submission.pk, reviewer=reviewer_developer, body="Hello"
        )
    assert not _replies().exists()


def test_a_staff_user_outside_reviewers_gets_403_from_a_hand_made_post(
    client, plugin, staff_outsider
):
    submission = submit(plugin)
    client.force_login(staff_outsider)
    response = client.post(_reply_url(submission), {"body": "Hello"})
    assert response.status_code == 403
    assert not _replies().exists()


def test_the_plugins_owner_gets_no_reply_box_and_cannot_post(client, reviewer_developer):
    from tests.pluginstore.helpers import register

    submission = submit(register(reviewer_developer))
    client.force_login(reviewer_developer)
    page = client.get(_change_url(submission))
    assert page.status_code == 200
    assert "Reply to the developer" not in page.content.decode()
    response = client.post(_reply_url(submission), {"body": "Hello"})
    assert response.status_code == 403
    assert not _replies().exists()


def test_a_get_on_the_reply_url_is_refused(client, plugin, reviewer):
    submission = submit(plugin)
    client.force_login(reviewer)
    assert client.get(_reply_url(submission)).status_code == 405


@pytest.mark.parametrize("body", ["", "   \n "])
def test_a_blank_reply_is_refused(client, plugin, reviewer, body):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="Write your reply"):
        services.submission_reply(submission_id=submission.pk, reviewer=reviewer, body=body)
    client.force_login(reviewer)
    response = client.post(_reply_url(submission), {"body": body}, follow=True)
    assert "Reply not sent" in response.content.decode()
    assert not _replies().exists()


def test_a_too_long_reply_is_refused(plugin, reviewer):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="at most 4000"):
        services.submission_reply(submission_id=submission.pk, reviewer=reviewer, body="x" * 4001)
    assert not _replies().exists()


def test_a_reply_to_a_missing_submission_is_refused(reviewer):
    with pytest.raises(ApplicationError, match="does not exist"):
        services.submission_reply(submission_id=999999, reviewer=reviewer, body="Hello")


# Ban appeals ----------------------------------------------------------------------------------

APPEALS_URL = reverse("admin:reviews_submission_ban_appeals")
QUEUE_URL = reverse("admin:reviews_submission_changelist")


def _ban(plugin, reviewer, capture):
    with capture(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Spam.")
    return Thread.objects.get(owner=plugin.owner, plugin=plugin)


def test_an_owners_reply_after_a_ban_is_an_appeal_in_the_reviewers_admin(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    thread = _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="We removed the spam.")
    client.force_login(reviewer)

    assert "Ban appeals (1)" in client.get(QUEUE_URL).content.decode()
    page = client.get(APPEALS_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "We removed the spam." in text
    assert reverse("admin:pluginstore_plugin_change", args=[plugin.pk]) in text

    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Fixed.")
    assert Message.objects.filter(thread=thread, notification__kind="reinstated").count() == 1
    assert "We removed the spam." not in client.get(APPEALS_URL).content.decode()
    assert "Ban appeals (0)" in client.get(QUEUE_URL).content.decode()


def test_replies_from_before_the_ban_are_not_appeals(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    submission = submit(plugin)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_reply(submission_id=submission.pk, reviewer=reviewer, body="Hi")
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="Before the ban.")
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    text = client.get(APPEALS_URL).content.decode()
    assert "Before the ban." not in text
    assert "No open ban appeals." in text


def test_only_reviewers_see_ban_appeals(client, staff_outsider):
    client.force_login(staff_outsider)
    assert client.get(APPEALS_URL).status_code == 403


def _keep_ban_url(plugin) -> str:
    return reverse("admin:pluginstore_plugin_transition", args=[plugin.pk, "keep_ban"])


def test_keeping_the_ban_answers_the_appeal_in_the_thread_and_clears_it_from_the_list(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    thread = _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="Please look again.")
    client.force_login(reviewer)
    page = client.get(reverse("admin:pluginstore_plugin_change", args=[plugin.pk])).content
    assert b'value="keep_ban"' in page

    client.post(_keep_ban_url(plugin), {"reason": ""})  # the reason is required
    assert "Please look again." in client.get(APPEALS_URL).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_keep_ban_url(plugin), {"reason": "It still sends spam."})
    assert response.status_code == 302
    plugin.refresh_from_db()
    assert plugin.status == "banned"
    answer = Message.objects.get(thread=thread, notification__kind="reviewer_reply")
    assert "the ban stays" in answer.body
    assert "It still sends spam." in answer.body
    assert "Please look again." not in client.get(APPEALS_URL).content.decode()
    change = plugin.status_changes.order_by("-id").first()
    assert (change.from_status, change.to_status, change.reason) == (
        "banned",
        "banned",
        "It still sends spam.",
    )

    # One appeal per ban: a reply after the answer stays in the thread but is not listed.
    thread_reply_create(thread_id=thread.pk, author=plugin.owner, body="We fixed it now.")
    assert "We fixed it now." not in client.get(APPEALS_URL).content.decode()
    assert thread.messages.filter(body="We fixed it now.").exists()


def test_staff_without_review_rights_cannot_keep_a_ban(
    client, plugin, reviewer, staff_outsider, django_capture_on_commit_callbacks
):
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    client.force_login(staff_outsider)
    before = plugin.status_changes.count()
    assert client.post(_keep_ban_url(plugin), {"reason": "No."}).status_code == 403
    assert plugin.status_changes.count() == before
    with pytest.raises(ApplicationError):
        moderation.plugin_keep_ban(plugin_id=plugin.pk, by=staff_outsider, reason="No.")
