"""Domain ownership for tests, through the real services."""

from domains import services
from domains.models import VerificationJob
from inbox.models import Notification


def check_now(user, plugin, capture) -> VerificationJob:
    """Press "Check now": the job runs (eagerly) once the request's transaction commits."""
    with capture(execute=True):
        job = services.verification_start(user=user, plugin=plugin)
    job.refresh_from_db()
    return job


def recheck_due(capture, **kwargs) -> int:
    """Beat's re-check run: the due claims' jobs run once it commits."""
    with capture(execute=True):
        return services.rechecks_enqueue(**kwargs)


def told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()
