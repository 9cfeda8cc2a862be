"""The fetch job's task and beat's sweep of jobs that never ran.

A fetch job always finishes: a transient database error is retried DB_RETRIES times, and then,
like any other error and the soft time limit, the job ends failed with a message that says the
fault is ours (never the plugin's), instead of staying "Fetching…" while beat runs it again.
The soft limit is well above the longest run the product allows: two fetches of
FETCH_DEADLINE_SECONDS each and PLUGINSTORE_SPEC_VALIDATION_SECONDS of validation.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, OperationalError

from pluginstore import services
from pluginstore.services.registration import (
    JOB_FAILED_ON_OUR_SIDE,
    JOB_OUT_OF_TIME,
    fetch_job_fail,
)

logger = logging.getLogger(__name__)

FETCH_SOFT_TIME_LIMIT = 75
FETCH_TIME_LIMIT = 90
DB_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
)
def plugin_fetch_task(self, job_id: int) -> None:
    """Fetch and check a plugin's manifest and spec for a register or refresh job."""
    retries = self.request.retries or 0
    try:
        services.fetch_job_run(job_id=job_id, retry=retries > 0)
    except OperationalError as error:
        if retries < DB_RETRIES:
            raise self.retry(exc=error, countdown=2**retries) from error
        logger.exception("Fetch job %s: the database kept failing", job_id)
        _give_up(job_id, JOB_FAILED_ON_OUR_SIDE)
    except SoftTimeLimitExceeded:
        logger.warning("Fetch job %s ran out of its soft time limit", job_id)
        _give_up(job_id, JOB_OUT_OF_TIME)
    except Exception:
        logger.exception("Fetch job %s failed", job_id)
        _give_up(job_id, JOB_FAILED_ON_OUR_SIDE)


def _give_up(job_id: int, error: str) -> None:
    try:
        fetch_job_fail(job_id=job_id, error=error)
    except DatabaseError:
        # Beat fails jobs that stay started and quiet (fetch_jobs_resume_stale).
        logger.exception("Fetch job %s could not be marked failed", job_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def fetch_jobs_resume_stale_task() -> None:
    """Beat: re-enqueue fetch jobs lost to a broker outage, fail the ones that died."""
    services.fetch_jobs_resume_stale()
