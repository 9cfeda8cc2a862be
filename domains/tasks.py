"""Domain verification's tasks: one job's look for the proof, and beat's re-checks.

A job always finishes: a transient database error is retried a few times, and then, like any
other error and the soft time limit, the job ends failed with a message that says the fault
is ours. The soft limit is well above the longest run: two DNS lookups of
PLUGINSTORE_DNS_TIMEOUT_SECONDS and one fetch of FILE_DEADLINE_SECONDS.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, OperationalError

from domains import services

logger = logging.getLogger(__name__)

VERIFY_SOFT_TIME_LIMIT = 60
VERIFY_TIME_LIMIT = 75
DB_RETRIES = 3


@shared_task(
    bind=True, acks_late=True, soft_time_limit=VERIFY_SOFT_TIME_LIMIT, time_limit=VERIFY_TIME_LIMIT
)
def domain_verification_task(self, job_id: int) -> None:
    """Look for a domain's proof for one verification job (a developer's check or a re-check)."""
    retries = self.request.retries or 0
    try:
        services.verification_run(job_id=job_id, retry=retries > 0)
    except OperationalError as error:
        if retries < DB_RETRIES:
            raise self.retry(exc=error, countdown=2**retries) from error
        logger.exception("Verification job %s: the database kept failing", job_id)
        _give_up(job_id, services.JOB_FAILED_ON_OUR_SIDE)
    except SoftTimeLimitExceeded:
        logger.warning("Verification job %s ran out of its soft time limit", job_id)
        _give_up(job_id, services.JOB_FAILED_ON_OUR_SIDE)
    except Exception:
        logger.exception("Verification job %s failed", job_id)
        _give_up(job_id, services.JOB_FAILED_ON_OUR_SIDE)


def _give_up(job_id: int, error: str) -> None:
    try:
        services.verification_fail(job_id=job_id, error=error)
    except DatabaseError:
        logger.exception("Verification job %s could not be marked failed", job_id)


@shared_task
def domain_rechecks_task() -> None:
    """Beat: re-check due claims (every 30 days, daily while lost), in a bounded batch; tell
    owners whose proof stayed lost for the grace period; resume jobs whose task was lost."""
    services.verification_jobs_resume_stale()
    started = services.rechecks_enqueue()
    blocked = services.blocks_announce()
    if started or blocked:
        logger.info("Domain re-checks: %s started, %s owners told of a block", started, blocked)
