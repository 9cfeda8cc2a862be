"""Reads for Help > Messages; each one query, whatever the number of threads or messages."""

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404

from core import versions
from inbox.models import Message, Person, Thread
from inbox.receivers import INBOX_SCOPE

PREVIEW_LENGTH = 160


def thread_list(*, user: Person) -> QuerySet[Thread]:
    """The user's threads, newest activity first, each with its last message's subject and
    the start of its body (subqueries, so still one query per page)."""
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        Thread.objects.filter(owner=user)
        .select_related("plugin")
        .annotate(
            last_subject=Subquery(last.values("subject")[:1]),
            last_preview=Subquery(
                last.annotate(preview=Substr("body", 1, PREVIEW_LENGTH)).values("preview")[:1]
            ),
        )
        .order_by("-last_activity_at", "-id")
    )


def thread_get(*, user: Person, thread_id: int) -> Thread:
    """The user's own thread, or 404: someone else's thread does not exist for them."""
    return get_object_or_404(Thread.objects.select_related("plugin"), pk=thread_id, owner=user)


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    """The thread's messages, oldest first, with their authors."""
    return thread.messages.select_related("author").order_by("created_at", "id")


def unread_message_count(*, user: Person) -> int:
    """Messages the user has not seen: newer than their thread's read mark, not their own.

    The header badge counts messages (not threads), in one query joining message to thread;
    kept as a copy until the user's inbox changes (inbox.receivers).
    """
    return versions.copy(INBOX_SCOPE, user.pk, "unread", lambda: _unread_count(user))


def _unread_count(user: Person) -> int:
    return (
        Message.objects.filter(thread__owner=user)
        .filter(Q(thread__last_read_at__isnull=True) | Q(created_at__gt=F("thread__last_read_at")))
        .exclude(author=user)
        .count()
    )
