"""Reports for tests, through the real services."""

from inbox.models import Message, Notification
from reports import services


def file_report(plugin, user, *, reason="broken", text="It answers every question with 500."):
    return services.report_create(user=user, plugin_id=plugin.pk, reason=reason, text=text)


def told(kind: str) -> list[int]:
    """The recipients of every notification of this kind so far, in order."""
    return list(
        Notification.objects.filter(kind=kind).order_by("id").values_list("recipient_id", flat=True)
    )


def messages_of(user, kind: str) -> list[Message]:
    """The user's delivered inbox messages of this kind."""
    return list(Message.objects.filter(notification__kind=kind, thread__owner=user).order_by("id"))
