"""Thin tasks: load by id, call the inbox service (STYLE.md example 3)."""

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from inbox import services

# Worth retrying: the database or the mail server was briefly away. A template or data bug is
# not; it fails the task, stays undelivered and the beat sweep tries again (up to
# services.MAX_DELIVERY_ATTEMPTS).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, SMTPException, ConnectionError, TimeoutError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=25,
    time_limit=30,
)
def notification_deliver_task(notification_id: int) -> None:
    """Write the notification's inbox message and send its email, once."""
    services.notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True, soft_time_limit=25, time_limit=30)
def notifications_redeliver_task() -> None:
    """Beat: re-enqueue notifications left undelivered (broker outage, lost worker)."""
    services.notifications_redeliver()
