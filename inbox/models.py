from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class NotificationKind(models.TextChoices):
    SUBMISSION_RECEIVED = "submission_received", "Submission received"
    REVIEW_STARTED = "review_started", "Review started"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    BANNED = "banned", "Banned"
    REINSTATED = "reinstated", "Reinstated"
    DEVELOPER_ACCESS_GRANTED = "developer_access_granted", "Developer access granted"
    TESTER_INVITED = "tester_invited", "Invited as a tester"
    REVIEWER_REPLY = "reviewer_reply", "Reply from a reviewer"
    ACCOUNT_TYPE_CHANGED = "account_type_changed", "Account type changed"


class Notification(models.Model):
    """The outbox: one row per event a person should hear of (PRODUCT.md section 8).

    Written by the service that makes the change, in the same transaction, so the change and
    the intent to tell someone commit together. Delivery (the Help > Messages message and the
    email) is not built yet: a later task turns each undelivered row into a message and sets
    ``delivered_at``; (event_key, recipient) keeps that idempotent.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    # What happened, e.g. "submission:12:rejected"; one notification per event and recipient.
    event_key = models.CharField(max_length=200)
    # Everything the message needs (plugin name and id, submission id, queue position, due
    # date, failed criteria, note, reason...), so delivery needs no other query.
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notification_event_recipient_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_undelivered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} ({self.event_key})"
