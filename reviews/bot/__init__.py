"""The submission bot at /help/submit/: a chat that files a plugin for review.

services.py holds its steps (every write to a conversation), selectors.py the transcript the
page shows, views.py and urls.py the page (config/urls.py routes it in the Help namespace).
The steps are re-exported here, so `from reviews import bot; bot.conversation_start(...)`
reads as what it does.
"""

from reviews.bot.services import (
    BOT_CRITERIA,
    BOT_CRITERION_IDS,
    NOTE_MAX_LENGTH,
    conversation_accept_check,
    conversation_confirm_criterion,
    conversation_end,
    conversation_file,
    conversation_recheck,
    conversation_set_note,
    conversation_start,
    next_criterion,
)

__all__ = [
    "BOT_CRITERIA",
    "BOT_CRITERION_IDS",
    "NOTE_MAX_LENGTH",
    "conversation_accept_check",
    "conversation_confirm_criterion",
    "conversation_end",
    "conversation_file",
    "conversation_recheck",
    "conversation_set_note",
    "conversation_start",
    "next_criterion",
]
