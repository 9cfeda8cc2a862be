from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran `worker_heartbeat_task`: proof the queue is consumed.

    Beat sends the task every 30 seconds; `/healthz?worker=1` reports the newest row's age.
    One row per worker node (`name` is the worker's hostname), updated in place.
    """

    name = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
