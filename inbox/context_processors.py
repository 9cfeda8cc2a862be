def unread_messages(request) -> dict:
    """The header's unread-message badge; Help > Messages fills it once threads exist."""
    return {"unread_message_count": 0}
