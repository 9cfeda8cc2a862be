import datetime
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from inbox import kinds, services
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, Thread, ThreadKind
from inbox.services import notification_deliver, notification_intent_create
from inbox.tasks import notifications_redeliver_task
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register

DUE = datetime.datetime(2026, 1, 8, 12, tzinfo=datetime.UTC)
EXPECTED = datetime.datetime(2026, 1, 12, 12, tzinfo=datetime.UTC)


def sample_notice(kind: str, plugin=None, n: int = 7) -> kinds.Notice:
    """A notice of `kind` with every field filled; `n` tells one event from another."""
    about = (
        {"plugin_id": plugin.pk, "plugin_name": plugin.display_name}
        if plugin
        else {"plugin_id": 1, "plugin_name": "Weather"}
    )
    on_submission = {**about, "submission_id": n, "version_number": 2}
    fields = {
        NotificationKind.SUBMISSION_RECEIVED: {
            **on_submission,
            "queue_position": 3,
            "due_at": DUE,
            "expected_at": EXPECTED,
        },
        NotificationKind.REVIEW_STARTED: on_submission,
        NotificationKind.APPROVED: {**on_submission, "developer_note": "Lovely & fast."},
        NotificationKind.REJECTED: {
            **on_submission,
            "failed_criteria": (
                kinds.FailedCriterion(
                    criterion="C4", text="Returns informative error messages", note=""
                ),
                kinds.FailedCriterion(
                    criterion="C9", text="Has a privacy policy", note="404 at /privacy"
                ),
            ),
            "developer_note": "Please return a message with each 4xx.",
        },
        NotificationKind.BANNED: {
            **about,
            "status_change_id": n,
            "reason": "Sends spam.",
            "appeal": "To appeal, reply in this thread.",
            "rejected_submission_id": None,
        },
        NotificationKind.REINSTATED: {
            **about,
            "status_change_id": n,
            "reason": "Appeal accepted.",
        },
        NotificationKind.DEVELOPER_ACCESS_GRANTED: {"request_id": n, "note": "Welcome!"},
        NotificationKind.DEVELOPER_ACCESS_DECLINED: {"request_id": n, "note": "Tell us more."},
        NotificationKind.TESTER_INVITED: {
            "invitation_id": n,
            "plugin_id": 1,
            "plugin_name": "Weather",
            "plugin_slug": "weather-example-com",
            "invited_by": "Ada",
        },
        NotificationKind.REVIEWER_REPLY: {
            **on_submission,
            "reply": "Which endpoint fails?",
            "reviewer_name": "Grace",
            "reply_id": f"r{n}",
        },
        NotificationKind.ACCOUNT_TYPE_CHANGED: {
            "account_type_change_id": n,
            "from_type": "plus",
            "from_type_label": "Plus",
            "to_type": "developer",
            "to_type_label": "Developer",
            "reason": "Developer access request #1 granted",
        },
        NotificationKind.CHANGES_REQUESTED: {
            **on_submission,
            "request_number": 1,
            "note": "Which cities & countries does it cover?",
            "due_at": DUE,
        },
        NotificationKind.CHANGES_REMINDER: {
            **on_submission,
            "request_number": 1,
            "note": "Which cities & countries does it cover?",
            "due_at": DUE,
        },
        NotificationKind.CHANGES_EXPIRED: {
            **on_submission,
            "note": "Which cities & countries does it cover?",
            "due_at": DUE,
        },
        NotificationKind.CHANGES_ANSWERED: {
            **on_submission,
            "request_number": 1,
            "new_version": True,
            "queue_position": 4,
        },
        NotificationKind.DEVELOPER_REPLIED: {
            **on_submission,
            "developer_name": "Ada",
            "message_id": n,
            "reply": "Only European capitals & Oslo.",
            "answered": True,
            "review_path": f"/admin/reviews/submission/{n}/change/",
        },
        NotificationKind.DEVELOPER_NEW_VERSION: {
            **about,
            "developer_name": "Ada",
            "version_id": n,
            "version_number": 3,
            "error_count": 0,
            "submission_id": n,
            "answered": False,
            "review_path": f"/admin/reviews/submission/{n}/change/",
        },
        NotificationKind.BAN_APPEALED: {
            **about,
            "developer_name": "Ada",
            "status_change_id": n,
            "appeal": "We removed the spam & the ads.",
            "review_path": "/admin/pluginstore/plugin/1/change/",
        },
        NotificationKind.APPEAL_ANSWERED: {**about, "status_change_id": n},
    }[kind]
    return kinds.declaration(kind)(**fields)


def intent(
    recipient, kind=NotificationKind.APPROVED, n: int = 7, plugin=None, *, owned: bool = True
):
    """An intent as a service writes it: in the plugin's thread when the plugin is named and
    the recipient owns it (`owned`, which the calling service knows), else Account notices."""
    notice = sample_notice(kind, plugin, n)
    in_thread = plugin is not None and owned and notice.thread == ThreadKind.PLUGIN
    with transaction.atomic():
        return notification_intent_create(
            recipient=recipient,
            notice=notice,
            thread_plugin_id=plugin.pk if in_thread else None,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", NotificationKind.values)
def test_every_kind_renders_a_friendly_message_with_its_details(kind):
    developer = DeveloperFactory()
    notification = intent(developer, kind)

    message = notification_deliver(notification_id=notification.pk)

    assert message.subject and "{" not in message.subject
    assert message.body and "{" not in message.body and "&amp;" not in message.body
    assert message.kind == kind
    assert message.author is None
    if kind == NotificationKind.SUBMISSION_RECEIVED:
        assert "position 3" in message.body
        assert "8 January 2026" in message.body
        assert "12 January 2026" in message.body
    if kind == NotificationKind.REJECTED:
        assert "C4: Returns informative error messages" in message.body
        assert "C9: Has a privacy policy (404 at /privacy)" in message.body
        assert "Please return a message with each 4xx." in message.body
    if kind == NotificationKind.BANNED:
        assert "Sends spam." in message.body and "appeal" in message.body.lower()
    if kind == NotificationKind.APPROVED:
        assert "Lovely & fast." in message.body
    if kind in (
        NotificationKind.CHANGES_REQUESTED,
        NotificationKind.CHANGES_REMINDER,
        NotificationKind.CHANGES_EXPIRED,
    ):
        assert "Which cities & countries does it cover?" in message.body
        assert "8 January 2026, 12:00 UTC" in message.body
    if kind == NotificationKind.CHANGES_ANSWERED:
        assert "Version 2 now replaces" in message.body and "position 4" in message.body
    if kind == NotificationKind.DEVELOPER_REPLIED:
        assert "Only European capitals & Oslo." in message.body
        assert "8000/admin/reviews/submission/7/change/" in message.body
    if kind == NotificationKind.BAN_APPEALED:
        assert "We removed the spam & the ads." in message.body


@pytest.mark.django_db
def test_delivering_twice_makes_one_message_and_one_email():
    developer = DeveloperFactory()
    notification = intent(developer)

    first = notification_deliver(notification_id=notification.pk)
    again = notification_deliver(notification_id=notification.pk)

    assert first.pk == again.pk
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_the_email_has_text_and_html_and_links_to_the_thread():
    developer = DeveloperFactory(display_name="Ada")
    message = notification_deliver(notification_id=intent(developer).pk)

    (email,) = mail.outbox
    assert email.to == [developer.email]
    assert email.subject == f"[PluginStore] {message.subject}"
    assert "Hello Ada" in email.body
    assert f"/help/messages/{message.thread_id}/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Lovely &amp; fast." in html
    assert f"/help/messages/{message.thread_id}/" in html


@pytest.mark.django_db
def test_the_intent_is_delivered_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    developer = DeveloperFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = intent(developer)
        assert not Message.objects.exists()
        # The same event again in another change: still one intent, one send.
        intent(developer)
    # One send (the other callbacks are the inbox copies' version bumps, core/versions.py).
    sends = [c for c in callbacks if "enqueue_on_commit" in c.__qualname__]
    assert len(sends) == 1
    assert Message.objects.get().notification == notification
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_intent_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    developer = DeveloperFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        notification_intent_create(
            recipient=developer,
            notice=sample_notice(NotificationKind.APPROVED),
            thread_plugin_id=None,
        )
        1 / 0  # noqa: B018
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_every_submission_of_a_plugin_lands_in_that_plugins_one_thread():
    developer = DeveloperFactory()
    plugin = register(developer)
    other_plugin = register(developer)
    keys = ["submission:1:submitted", "submission:1:rejected", "submission:2:submitted"]
    events = [
        (1, NotificationKind.SUBMISSION_RECEIVED),
        (1, NotificationKind.REJECTED),
        (2, NotificationKind.SUBMISSION_RECEIVED),
    ]
    for n, kind in events:
        notification_deliver(notification_id=intent(developer, kind, n, plugin).pk)
    kind = NotificationKind.APPROVED
    notification_deliver(notification_id=intent(developer, kind, 9, other_plugin).pk)

    thread = Thread.objects.get(plugin=plugin)
    assert thread.owner == developer
    assert thread.kind == ThreadKind.PLUGIN
    assert list(thread.messages.values_list("notification__event_key", flat=True)) == keys
    assert Thread.objects.filter(owner=developer).count() == 2


@pytest.mark.django_db
def test_account_notices_share_one_account_thread():
    developer = DeveloperFactory()
    for kind in (
        NotificationKind.DEVELOPER_ACCESS_GRANTED,
        NotificationKind.ACCOUNT_TYPE_CHANGED,
        NotificationKind.TESTER_INVITED,
    ):
        notification_deliver(notification_id=intent(developer, kind).pk)
    thread = Thread.objects.get(owner=developer)
    assert thread.kind == ThreadKind.ACCOUNT
    assert thread.plugin is None
    assert thread.messages.count() == 3


@pytest.mark.django_db
def test_a_plugin_notice_for_someone_who_does_not_own_it_goes_to_account_notices():
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = register(owner)
    # The service writing it knows the tester does not own the plugin, so names no thread.
    kind = NotificationKind.APPROVED
    notification_deliver(notification_id=intent(tester, kind, 1, plugin, owned=False).pk)
    assert Thread.objects.get(owner=tester).kind == ThreadKind.ACCOUNT


@pytest.mark.django_db
def test_a_new_message_makes_its_thread_the_most_recent_and_unread():
    developer = DeveloperFactory()
    first = notification_deliver(notification_id=intent(developer, n=1).pk).thread
    Thread.objects.filter(pk=first.pk).update(last_read_at=timezone.now())
    message = notification_deliver(notification_id=intent(developer, n=2).pk)
    thread = Thread.objects.get(pk=first.pk)
    assert thread.last_activity_at == message.created_at
    assert thread.is_unread


@pytest.mark.django_db
def test_a_failed_email_keeps_the_message_and_the_retry_sends_it_once(monkeypatch):
    developer = DeveloperFactory()
    notification = intent(developer)

    def broken_send(self, fail_silently=False):
        raise SMTPServerDisconnected("mail server went away")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken_send)
        with pytest.raises(SMTPServerDisconnected):
            notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.delivered_at is not None
    assert notification.emailed_at is None
    assert Message.objects.count() == 1

    notification_deliver(notification_id=notification.pk)
    notification_deliver(notification_id=notification.pk)
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_recipient_without_an_email_address_still_gets_the_message():
    developer = DeveloperFactory()
    developer.email = ""
    developer.save(update_fields=["email"])
    notification = intent(developer)
    notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert mail.outbox == []
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_notification_is_nothing_to_deliver():
    assert notification_deliver(notification_id=123456) is None


def _age(notification, seconds):
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_the_beat_sweep_redelivers_intents_left_undelivered_for_30_seconds():
    developer = DeveloperFactory()
    # Written, but the on-commit send was lost (these tests do not run on-commit callbacks).
    old, fresh = intent(developer, n=1), intent(developer, n=2)
    _age(old, 31)
    _age(fresh, 5)

    notifications_redeliver_task.delay()

    assert list(Message.objects.values_list("notification__event_key", flat=True)) == [
        old.event_key
    ]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_resends_only_what_is_unfinished_and_gives_up_after_many_attempts(
    monkeypatch,
):
    developer = DeveloperFactory()
    done, unemailed, hopeless = (intent(developer, n=n) for n in range(3))
    notification_deliver(notification_id=done.pk)
    Notification.objects.filter(pk=unemailed.pk).update(delivered_at=timezone.now())
    Notification.objects.filter(pk=hopeless.pk).update(attempts=services.MAX_DELIVERY_ATTEMPTS)
    for notification in (done, unemailed, hopeless):
        _age(notification, 60)
    sent = []
    monkeypatch.setattr(
        "inbox.tasks.notification_deliver_task.apply_async",
        lambda args, **options: sent.append((args, options)),
    )

    assert services.notifications_redeliver() == 1
    assert sent == [((unemailed.pk,), {"expires": 60.0})]


def test_beat_runs_the_sweep_every_30_seconds():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["notifications-redeliver"]
    assert entry["task"] == notifications_redeliver_task.name
    assert entry["schedule"] == 30.0
