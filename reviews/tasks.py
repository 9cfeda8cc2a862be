"""Thin tasks: call the service (STYLE.md example 3)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reviews import changes


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=270,
)
def changes_requested_deadlines_task() -> None:
    """Beat: reminders before a request for changes is due, rejections once it is."""
    changes.changes_requested_deadlines()
