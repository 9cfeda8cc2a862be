from celery import shared_task
from django.db import OperationalError

from pluginstore import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=50,
    time_limit=60,
)
def plugin_fetch_task(job_id: int) -> None:
    """Fetch and check a plugin's manifest and spec for a register or refresh job."""
    services.fetch_job_run(job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def fetch_jobs_resume_stale_task() -> None:
    """Beat: re-enqueue fetch jobs lost to a broker outage."""
    services.fetch_jobs_resume_stale()
