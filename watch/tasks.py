"""The watch's beat task: thin, it runs watch.runner.watch_run."""

from celery import shared_task
from django.conf import settings

from core.fetch import FETCH_DEADLINE_SECONDS
from watch.runner import watch_run

# A run stops claiming after WATCH_RUN_SECONDS; the checks under way then finish, each within
# two fetch deadlines (manifest, spec) and the spec's validation.
_RUN_GRACE_SECONDS = 2 * FETCH_DEADLINE_SECONDS + settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS + 30


@shared_task(
    soft_time_limit=settings.WATCH_RUN_SECONDS + _RUN_GRACE_SECONDS,
    time_limit=settings.WATCH_RUN_SECONDS + _RUN_GRACE_SECONDS + 30,
)
def watch_run_task() -> dict:
    """Check the approved plugins whose slot has come (beat, every WATCH_BEAT_SECONDS)."""
    stats = watch_run()
    return {"checked": stats.checked, "lost": stats.lost, "failed": stats.failed}
