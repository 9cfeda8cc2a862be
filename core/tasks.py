"""Cross-app Celery tasks: the worker heartbeat that shows the queue is being consumed."""

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat

HEARTBEAT_INTERVAL_SECONDS = 30


@shared_task(bind=True, ignore_result=True, time_limit=30, soft_time_limit=20)
def worker_heartbeat_task(self) -> None:
    """Record that a worker picked this up; run by beat every HEARTBEAT_INTERVAL_SECONDS."""
    # The hostname is the worker's node name; it is empty only when run eagerly in-process.
    name = self.request.hostname or "in-process"
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
