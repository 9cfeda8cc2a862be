"""Every write to the inbox: notification intents (the outbox), their delivery, read marks.

Delivery is at-least-once from the broker (acks_late, the beat sweep) and made exactly-once
for the inbox message by the database: the notification row is locked, ``delivered_at`` is
checked under the lock, and Message.notification is unique.

The email is sent after that transaction commits and recorded in ``emailed_at`` under a row
lock, so a retry or a second delivery task never sends it again. The one honest edge: if the
worker dies after the mail server accepted the email but before ``emailed_at`` commits, the
retry sends it a second time. We prefer that to losing it (at-least-once for email).
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.exceptions import ApplicationError
from core.queue import enqueue_on_commit, task_named
from inbox.kinds import NOTICES, Notice, ThreadKind, declaration
from inbox.models import MESSAGE_REPLY, Message, Notification, Person, Thread
from inbox.receivers import inbox_changed
from inbox.signals import owner_replied

logger = logging.getLogger(__name__)

# An intent not delivered (or not emailed) this long after it was written is sent again.
REDELIVER_AFTER = timedelta(seconds=30)
# A re-sent delivery task not started within this is dropped; the next sweep sends it again.
REDELIVERY_EXPIRES = 2 * REDELIVER_AFTER.total_seconds()
DELIVER_TASK = "inbox.tasks.notification_deliver_task"
# A notification whose delivery task ran and failed this often is left for a person to look at.
MAX_DELIVERY_ATTEMPTS = 20


def _check_thread(notice: Notice, thread_plugin_id: int | None) -> None:
    """The thread the caller names must be one the kind may go to (inbox.kinds.Notice.thread)."""
    if thread_plugin_id is None:
        return
    if notice.thread != ThreadKind.PLUGIN:
        raise ValueError(f"{notice.kind} notifications go to Account notices, not a thread")
    about = getattr(notice, "plugin_id", None)
    if thread_plugin_id != about:
        raise ValueError(f"This {notice.kind} is about plugin {about}, not {thread_plugin_id}")


def notification_intent_create(
    *, recipient: Person, notice: Notice, thread_plugin_id: int | None
) -> Notification:
    """Record that `recipient` should hear of this event; the same event twice is one row.

    `notice` is the kind's declared fields (inbox.kinds). `thread_plugin_id` is the plugin whose
    thread it goes in, given when the recipient owns that plugin; None for Account notices.
    Call it inside the transaction that makes the change, so both commit or neither does.
    Once that transaction commits, a delivery task is sent; if the broker is down the send is
    logged and dropped and the beat sweep (notifications_redeliver) sends it later.
    """
    if NOTICES.get(getattr(notice, "kind", None)) is not type(notice):
        raise ValueError(f"Unknown notification kind: {notice!r:.80}")
    _check_thread(notice, thread_plugin_id)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_intent_create must run inside the change's transaction")
    notification = _intent(recipient, notice, thread_plugin_id)
    if thread_plugin_id is not None and not getattr(notice, "owner_only", False):
        # The plugin's other developers read in their own thread what its owner hears in
        # theirs (PRODUCT.md section 13), each once: the same event, its own row.
        for follow in THREAD_FOLLOWERS:
            for person in follow(thread_plugin_id, recipient):
                if person.pk != recipient.pk:
                    _intent(person, notice, thread_plugin_id)
    return notification


# Who else hears what goes to a plugin's thread: functions (plugin_id, recipient) -> people,
# registered by the app that knows a plugin's team (pluginstore.apps: the co-developers, when
# the recipient is the owner). A kind with `owner_only = True` names its recipients itself.
THREAD_FOLLOWERS: list[Callable[[int, Person], Iterable[Person]]] = []


def _intent(recipient: Person, notice: Notice, thread_plugin_id: int | None) -> Notification:
    # get_or_create in a savepoint: a concurrent duplicate raises IntegrityError, is rolled
    # back to the savepoint and then found by the get.
    notification, created = Notification.objects.get_or_create(
        event_key=notice.event_key(),
        recipient=recipient,
        defaults={
            "kind": notice.kind,
            "context": notice.fields(),
            "thread_plugin_id": thread_plugin_id,
        },
    )
    if created:
        enqueue_on_commit(DELIVER_TASK, notification.pk)
    return notification


# Rendering ----------------------------------------------------------------------------------


def _template_context(notification: Notification) -> dict:
    """The intent's context with its dates back as datetimes (JSON stored them as text)."""
    context = declaration(notification.kind).template_context(notification.context)
    context["recipient"] = notification.recipient
    context["kind"] = notification.kind
    context["site_url"] = settings.SITE_URL
    return context


def message_render(notification: Notification) -> tuple[str, str]:
    """(subject, body) from templates/inbox/messages/<kind>.txt: first line, blank, body."""
    text = render_to_string(
        declaration(notification.kind).template, _template_context(notification)
    ).strip()
    subject, _, body = text.partition("\n")
    # One line of plain spaces: a plugin name may hold a carriage return or a line separator,
    # and an email header with one is refused (BadHeaderError), so its email would never go.
    subject = " ".join(subject.split())
    return subject[:200], body.strip()


# Delivery -----------------------------------------------------------------------------------


def _thread_for(notification: Notification) -> Thread:
    """The recipient's thread for this notification, created on first use, and locked: the
    plugin's thread the notification names, or the recipient's Account notices."""
    owner = notification.recipient
    if notification.thread_plugin_id is not None:
        thread, _ = Thread.objects.get_or_create(
            owner=owner,
            plugin_id=notification.thread_plugin_id,
            defaults={"kind": ThreadKind.PLUGIN},
        )
    else:
        thread, _ = Thread.objects.get_or_create(owner=owner, kind=ThreadKind.ACCOUNT)
    return Thread.objects.select_for_update().get(pk=thread.pk)


def notification_deliver(*, notification_id: int) -> Message | None:
    """Turn one notification into its inbox message, then email it. Safe to run any number of
    times, concurrently too: one message and (barring a crash mid-send) one email.

    Lock order: the notification, then the thread. The thread lock also orders the messages
    of one thread, so created_at follows commit order within a thread.
    """
    # Counted outside the delivery transaction, so a failing delivery still counts (and the
    # sweep gives up on it after MAX_DELIVERY_ATTEMPTS instead of looping for ever).
    Notification.objects.filter(pk=notification_id).filter(
        Q(delivered_at__isnull=True) | Q(emailed_at__isnull=True)
    ).update(attempts=F("attempts") + 1)
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return None
        if notification.delivered_at is not None:
            message = Message.objects.filter(notification=notification).first()
        else:
            subject, body = message_render(notification)
            thread = _thread_for(notification)
            now = timezone.now()
            message = Message.objects.create(
                thread=thread,
                notification=notification,
                kind=notification.kind,
                subject=subject,
                body=body,
                created_at=now,
            )
            thread.last_activity_at = now
            thread.save(update_fields=["last_activity_at"])
            notification.delivered_at = now
            notification.save(update_fields=["delivered_at"])
    if notification.emailed_at is None:
        notification_email(notification_id=notification.pk)
    return message


def _email_for(notification: Notification, message: Message | None) -> EmailMultiAlternatives:
    context = _template_context(notification)
    context["message"] = message
    context["thread_url"] = (
        f"{settings.SITE_URL}/help/messages/{message.thread_id}/" if message else ""
    )
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + (message.subject if message else "")
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/notification.txt", context),
        to=[notification.recipient.email],
    )
    email.attach_alternative(render_to_string("email/notification.html", context), "text/html")
    return email


def notification_email(*, notification_id: int) -> bool:
    """Send a delivered notification's email once; True if it was sent now.

    The row lock is held while sending, so two tasks never both send it; a crash after the
    send and before the commit sends it again on retry (see the module docstring).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "message")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        if notification.delivered_at is None:
            return False  # the message first: the email links to it
        sent = False
        if notification.recipient.email:
            message = getattr(notification, "message", None)
            _email_for(notification, message).send()
            sent = True
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return sent


def notifications_redeliver(*, older_than: timedelta = REDELIVER_AFTER) -> int:
    """Beat: send again every intent left undelivered or unemailed (broker outage, worker
    lost, mail server down). Sending twice is harmless; delivery is idempotent."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(created_at__lt=cutoff, attempts__lt=MAX_DELIVERY_ATTEMPTS)
        .filter(Q(delivered_at__isnull=True) | Q(emailed_at__isnull=True))
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    for notification_id in ids:
        # Expiring: while the workers are away each sweep re-sends the same ids; when they
        # come back they drop the stale copies unrun instead of delivering (no-ops) for each.
        task_named(DELIVER_TASK).apply_async((notification_id,), expires=REDELIVERY_EXPIRES)
    return len(ids)


# Replies ------------------------------------------------------------------------------------

# The longest reply, the owner's here and the reviewer's (reviews.services.submission_reply).
REPLY_MAX_LENGTH = 4000


@transaction.atomic
def thread_reply_create(*, thread_id: int, author: Person, body: str) -> Message:
    """The owner replies in their plugin thread (a question, or an appeal of a ban).

    Account notices are one-way. The reply counts as read for its author. Sends
    inbox.signals.owner_replied in this transaction (the reviews app answers a request for
    changes with it and tells the reviewers).
    """
    thread = Thread.objects.select_for_update().filter(pk=thread_id).first()
    if thread is None or thread.owner_id != author.pk:
        raise ApplicationError("This conversation does not exist.")
    if thread.plugin_id is None:
        raise ApplicationError("Account notices can't be answered here.")
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Write your reply first.")
    if len(body) > REPLY_MAX_LENGTH:
        raise ApplicationError(f"A reply can be at most {REPLY_MAX_LENGTH} characters.")
    now = timezone.now()
    message = Message.objects.create(
        thread=thread,
        author=author,
        kind=MESSAGE_REPLY,
        subject=f"Reply from {author.public_name}"[:200],
        body=body,
        created_at=now,
    )
    unread_before = thread.is_unread
    thread.last_activity_at = now
    fields = ["last_activity_at"]
    if not unread_before:
        # Replying says nothing about messages the author has not opened yet.
        thread.last_read_at = now
        fields.append("last_read_at")
    thread.save(update_fields=fields)
    owner_replied.send(sender=Thread, thread=thread, message=message, author=author)
    return message


# Read marks ---------------------------------------------------------------------------------


def thread_mark_read(*, thread: Thread, up_to: datetime | None) -> None:
    """Mark the thread read up to the newest message the reader was shown."""
    if up_to is None:
        return
    marked = (
        Thread.objects.filter(pk=thread.pk)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=up_to))
        .update(last_read_at=up_to)
    )
    if marked:
        inbox_changed([thread.owner_id])


def threads_mark_all_read(*, user: Person) -> int:
    """Mark every thread of `user` read; returns how many were unread."""
    marked = (
        Thread.objects.filter(owner=user)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=F("last_activity_at")))
        .update(last_read_at=F("last_activity_at"))
    )
    if marked:
        inbox_changed([user.pk])
    return marked
