from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from inbox.kinds import ThreadKind, label


class Person(Protocol):
    """What the inbox needs of a user. The model is settings.AUTH_USER_MODEL, which accounts
    (a floor above) defines, so the inbox types users by this and never imports it."""

    pk: Any
    email: str

    @property
    def public_name(self) -> str: ...


class Notification(models.Model):
    """The outbox: one row per event a person should hear of (PRODUCT.md section 8).

    Written by the service that makes the change, in the same transaction, so the change and
    the intent to tell someone commit together. ``notification_deliver_task`` turns the row
    into one Help > Messages message (``delivered_at``) and then one email (``emailed_at``);
    (event_key, recipient) keeps the intent unique and Message.notification keeps delivery so.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A declared kind (inbox.kinds.declaration); checked where the intent is written, since
    # apps declare their own kinds (their `notices` modules) without a migration here.
    kind = models.CharField(max_length=40, db_index=False)
    # What happened, e.g. "submission:12:rejected"; one notification per event and recipient.
    event_key = models.CharField(max_length=200)
    # The kind's fields (inbox.kinds), everything the message needs (plugin name and id,
    # submission id, queue position, due date, failed criteria, note, reason...), so delivery
    # needs no other query.
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The plugin whose thread the message goes in, set by the service that knows the recipient
    # owns it; null: the recipient's Account notices (and so if the plugin is deleted).
    thread_plugin = models.ForeignKey(
        "pluginstore.Plugin",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Set once the email went out (or when there is no address to send it to).
    emailed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="notification_event_recipient_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="notification_undelivered",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unemailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} for {self.recipient_id} ({self.event_key})"

    @property
    def kind_label(self) -> str:
        return label(self.kind)


class Thread(models.Model):
    """A Help > Messages conversation: one per plugin for its owner, one "Account notices"
    thread per user. A plugin thread holds every submission's messages in order.

    Unread means "has a message newer than last_read_at"; last_read_at is set to the newest
    message the reader was shown, not to the clock, so a message committed while the page was
    being rendered stays unread.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_threads"
    )
    kind = models.CharField(max_length=16, choices=ThreadKind.choices)
    plugin = models.ForeignKey(
        "pluginstore.Plugin",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="message_threads",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "plugin"],
                condition=models.Q(plugin__isnull=False),
                name="thread_one_per_owner_and_plugin",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(kind="account"),
                name="thread_one_account_thread_per_owner",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="plugin", plugin__isnull=False)
                    | models.Q(kind="account", plugin__isnull=True)
                ),
                name="thread_kind_matches_plugin",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-last_activity_at"], name="thread_owner_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} thread {self.pk} of {self.owner_id}"

    @property
    def title(self) -> str:
        """The plugin's name, or "Account notices"; select_related("plugin") when listing."""
        if self.plugin_id is None:
            return ThreadKind.ACCOUNT.label
        return self.plugin.display_name

    @property
    def is_unread(self) -> bool:
        return self.last_read_at is None or self.last_activity_at > self.last_read_at


# A message's kind: its notification's kind, or this for a person's reply.
MESSAGE_REPLY = "reply"


class Message(models.Model):
    """One message in a thread: from the system (author null, made from a Notification) or
    from a person (a reply)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    # Unique: delivering the same notification twice can never make two messages.
    notification = models.OneToOneField(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="message_thread_order"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_from_system(self) -> bool:
        return self.author_id is None
