"""Writes to the inbox. For now only the outbox: notification intents, not yet delivered."""

from django.db import transaction

from accounts.models import User
from inbox.models import Notification, NotificationKind


def notification_intent_create(
    *, recipient: User, kind: str, event_key: str, context: dict
) -> Notification:
    """Record that `recipient` should hear of this event; the same event twice is one row.

    Call it inside the transaction that makes the change, so both commit or neither does.
    Delivery (message and email) is the Help-menu issue's work; nothing is sent here.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notification_intent_create must run inside the change's transaction")
    # get_or_create in a savepoint: a concurrent duplicate raises IntegrityError, is rolled
    # back to the savepoint and then found by the get.
    notification, _ = Notification.objects.get_or_create(
        event_key=event_key,
        recipient=recipient,
        defaults={"kind": kind, "context": context},
    )
    return notification
