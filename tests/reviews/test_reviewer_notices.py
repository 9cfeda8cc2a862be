"""Reviewers hear of work in their own Help > Messages (PRODUCT.md section 7): a developer's reply
or new version on a submission they claimed, decided or asked changes on; a new ban appeal, to
every reviewer. Who gets one, exactly once, and never of their own action."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from accounts.reviewers import REVIEWERS_GROUP
from inbox.context_processors import unread_messages
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, Thread, ThreadKind
from inbox.services import thread_reply_create
from reviews import moderation, services
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, new_version, reject, submit

pytestmark = pytest.mark.django_db

REVIEWER_KINDS = (
    NotificationKind.DEVELOPER_REPLIED,
    NotificationKind.DEVELOPER_NEW_VERSION,
    NotificationKind.BAN_APPEALED,
)


def _told() -> list[tuple[int, str]]:
    """(recipient, kind) of every reviewer notice so far, in order."""
    return list(
        Notification.objects.filter(kind__in=REVIEWER_KINDS)
        .order_by("id")
        .values_list("recipient_id", "kind")
    )


def _reply(plugin, body="Which endpoint fails for you?") -> Message:
    thread = Thread.objects.get(owner=plugin.owner, plugin=plugin)
    return thread_reply_create(thread_id=thread.pk, author=plugin.owner, body=body)


@pytest.fixture
def in_review(plugin, reviewer, django_capture_on_commit_callbacks):
    """A submission the reviewer claimed; its messages delivered (the owner has a thread)."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
    return submission


# Replies and new versions -----------------------------------------------------------------


def test_a_reply_reaches_the_claiming_reviewer_in_their_account_notices_once(
    in_review, plugin, reviewer, other_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = _reply(plugin)

    assert _told() == [(reviewer.pk, NotificationKind.DEVELOPER_REPLIED)]
    notice = Notification.objects.get(kind=NotificationKind.DEVELOPER_REPLIED)
    assert notice.event_key == f"message:{reply.pk}:replied"
    assert notice.thread_plugin_id is None
    assert notice.context["answered"] is False
    message = Message.objects.get(notification=notice)
    assert message.thread.owner == reviewer and message.thread.kind == ThreadKind.ACCOUNT
    assert "Which endpoint fails for you?" in message.body
    assert f"/admin/reviews/submission/{in_review.pk}/change/" in message.body
    # Nothing for the other reviewer or the developer; each reply is its own notice.
    assert not Message.objects.filter(thread__owner=other_reviewer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = _reply(plugin, body="And the second question?")
    assert _told() == [(reviewer.pk, NotificationKind.DEVELOPER_REPLIED)] * 2
    assert Notification.objects.filter(event_key=f"message:{second.pk}:replied").count() == 1


def test_the_notice_counts_in_the_reviewers_unread_badge(
    in_review, plugin, reviewer, django_capture_on_commit_callbacks
):
    request = RequestFactory().get("/admin/")
    request.user = reviewer
    before = int(str(unread_messages(request)["unread_message_count"]))
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin)
    assert int(str(unread_messages(request)["unread_message_count"])) == before + 1


def test_a_reply_after_a_rejection_reaches_the_reviewer_who_decided(
    in_review, plugin, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reject(in_review, reviewer)
        _reply(plugin, body="Why C9? The name is fine.")
    assert _told() == [(reviewer.pk, NotificationKind.DEVELOPER_REPLIED)]


def test_the_reviewer_who_asked_changes_hears_of_the_answer_and_later_replies(
    in_review, plugin, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_request_changes(
            submission_id=in_review.pk, reviewer=reviewer, note="Which cities?"
        )
        _reply(plugin, body="All European capitals.")
        # Back in the queue and unclaimed, the reviewer who asked still hears.
        _reply(plugin, body="And Oslo.")
    assert _told() == [(reviewer.pk, NotificationKind.DEVELOPER_REPLIED)] * 2
    answered = list(
        Notification.objects.filter(kind=NotificationKind.DEVELOPER_REPLIED)
        .order_by("id")
        .values_list("context__answered", flat=True)
    )
    assert answered == [True, False]


def test_a_new_version_reaches_the_claiming_reviewer_and_leaves_the_submission_alone(
    in_review, plugin, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    version = new_version(
        plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Weather Now"
    )
    assert _told() == [(reviewer.pk, NotificationKind.DEVELOPER_NEW_VERSION)]
    notice = Notification.objects.get(kind=NotificationKind.DEVELOPER_NEW_VERSION)
    assert notice.event_key == f"version:{version.pk}:stored"
    assert notice.context["answered"] is False
    in_review.refresh_from_db()
    assert in_review.version_id != version.pk
    assert "version 2" in Message.objects.get(notification=notice).body


def test_nobody_hears_when_no_reviewer_looked_at_it(
    plugin, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin)
        services.submission_withdraw(submission_id=submission.pk, by=plugin.owner)
        _reply(plugin)
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Other")
    assert _told() == []


def test_a_withdrawn_submission_tells_nobody(in_review, plugin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_withdraw(submission_id=in_review.pk, by=plugin.owner)
        _reply(plugin)
    assert _told() == []


def test_a_reviewer_who_left_the_reviewers_hears_nothing(
    in_review, plugin, reviewer, django_capture_on_commit_callbacks
):
    reviewer.groups.remove(Group.objects.get(name=REVIEWERS_GROUP))
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin)
    assert _told() == []


def test_a_reviewer_never_hears_of_their_own_reply(
    reviewer_developer, other_reviewer, django_capture_on_commit_callbacks
):
    """A reviewer who also develops: the other reviewer hears of their reply, they do not."""
    plugin = register(reviewer_developer)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
        claim(submission, other_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin)
    assert _told() == [(other_reviewer.pk, NotificationKind.DEVELOPER_REPLIED)]


def test_the_reviewer_list_leaves_out_whoever_acted(in_review, reviewer):
    from reviews.reviewer_notices import reviewers_of

    in_review.refresh_from_db()
    assert reviewers_of(in_review, besides=None) == [reviewer]
    assert reviewers_of(in_review, besides=reviewer) == []


# Ban appeals -------------------------------------------------------------------------------


@pytest.fixture
def banned(plugin, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Sends spam.")
    return plugin


def test_an_appeal_reaches_every_reviewer_once(
    banned, reviewer, other_reviewer, staff_outsider, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        _reply(banned, body="We removed the spam. Please look again.")
        _reply(banned, body="Did you see our appeal?")

    told = _told()
    assert sorted(told) == sorted(
        (user.pk, NotificationKind.BAN_APPEALED) for user in (reviewer, other_reviewer, admin)
    )
    assert staff_outsider.pk not in {recipient for recipient, _ in told}
    for user in (reviewer, other_reviewer, admin):
        message = Message.objects.get(thread__owner=user, kind=NotificationKind.BAN_APPEALED)
        assert message.thread.kind == ThreadKind.ACCOUNT
        assert "We removed the spam. Please look again." in message.body
        assert f"/admin/pluginstore/plugin/{banned.pk}/change/" in message.body


def test_one_appeal_per_ban_later_replies_reach_no_reviewer_and_the_owner_is_told_once(
    banned, reviewer, other_reviewer, django_capture_on_commit_callbacks
):
    """PRODUCT.md section 3: once answered with "Keep the ban", later replies stay in the
    thread but do not reopen the appeal; the owner hears so once per answer."""
    with django_capture_on_commit_callbacks(execute=True):
        _reply(banned, body="Please look again.")
        moderation.plugin_keep_ban(plugin_id=banned.pk, by=reviewer, reason="Still spam.")
    assert [m.pk for m in moderation.ban_appeals()] == []
    with django_capture_on_commit_callbacks(execute=True):
        later = _reply(banned, body="We removed it all now.")
        _reply(banned, body="Really all of it.")
    appeals = Notification.objects.filter(kind=NotificationKind.BAN_APPEALED, recipient=reviewer)
    assert [n.context["appeal"] for n in appeals] == ["Please look again."]
    assert [m.pk for m in moderation.ban_appeals()] == []
    # The replies stay in the owner's thread, after the answer.
    thread = Thread.objects.get(owner=banned.owner, plugin=banned)
    assert thread.messages.filter(pk=later.pk).exists()
    kept = Message.objects.get(thread=thread, kind=NotificationKind.REVIEWER_REPLY)
    assert "This is the answer to your appeal: there is one appeal per ban" in kept.body
    assert "You can answer in this thread." not in kept.body
    told = Message.objects.filter(thread=thread, kind=NotificationKind.APPEAL_ANSWERED)
    assert told.count() == 1
    assert "was already answered" in told.get().subject
    assert 'answered your appeal with "Keep the ban"' in told.get().body
    assert "no reviewer is told" in told.get().body


def test_a_new_ban_after_a_reinstatement_opens_a_new_appeal(
    banned, reviewer, other_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _reply(banned, body="Please look again.")
        moderation.plugin_keep_ban(plugin_id=banned.pk, by=reviewer, reason="Still spam.")
        _reply(banned, body="Now it is clean.")
        moderation.plugin_reinstate(plugin_id=banned.pk, by=reviewer, reason="Clean now.")
        moderation.plugin_ban(plugin_id=banned.pk, by=reviewer, reason="Spam again.")
        appeal = _reply(banned, body="That was a mistake, look again.")
    assert [m.pk for m in moderation.ban_appeals()] == [appeal.pk]
    appeals = Notification.objects.filter(
        kind=NotificationKind.BAN_APPEALED, recipient=other_reviewer
    )
    assert [n.context["appeal"] for n in appeals.order_by("id")] == [
        "Please look again.",
        "That was a mistake, look again.",
    ]
    # Told once for the one "Keep the ban", nothing for the new ban's appeal.
    assert Notification.objects.filter(kind=NotificationKind.APPEAL_ANSWERED).count() == 1


def test_a_reviewer_does_not_hear_of_their_own_appeal(
    reviewer_developer, reviewer, django_capture_on_commit_callbacks
):
    plugin = register(reviewer_developer)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Sends spam.")
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin, body="Please look again.")
    assert _told() == [(reviewer.pk, NotificationKind.BAN_APPEALED)]


def test_a_reply_in_a_banned_plugins_thread_is_only_an_appeal(
    in_review, plugin, reviewer, django_capture_on_commit_callbacks
):
    """The ban rejected the claimed submission; the reviewer hears of the appeal, once, not
    also of a reply on the rejected submission."""
    other = make_reviewer()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=other, reason="Sends spam.")
        _reply(plugin, body="Please look again.")
    assert sorted(_told()) == sorted(
        [(reviewer.pk, NotificationKind.BAN_APPEALED), (other.pk, NotificationKind.BAN_APPEALED)]
    )


def test_developers_never_get_reviewer_notices(
    in_review, plugin, django_capture_on_commit_callbacks
):
    stranger = DeveloperFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _reply(plugin)
    recipients = {recipient for recipient, _ in _told()}
    assert plugin.owner_id not in recipients and stranger.pk not in recipients
