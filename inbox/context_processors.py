from django.utils.functional import SimpleLazyObject

from inbox import selectors


def unread_messages(request) -> dict:
    """The header's unread-message badge: one COUNT query, run only if a template shows it,
    and none at all for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_message_count": 0}
    return {
        "unread_message_count": SimpleLazyObject(lambda: selectors.unread_message_count(user=user))
    }
