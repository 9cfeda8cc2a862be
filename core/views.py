import secrets

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.models import WorkerHeartbeat
from core.tasks import HEARTBEAT_INTERVAL_SECONDS


@require_safe
@never_cache
def healthz(request):
    """The web process and its database answer: a bare liveness answer, for anyone.

    `?worker=1` adds the last worker heartbeat, for staff and for monitoring that sends the
    PLUGINSTORE_HEALTHZ_TOKEN (a 403 otherwise: how long the workers have been quiet is
    nobody else's business). The worker's state is reported, not folded into `ok`: a load
    balancer should keep sending requests to a healthy web process even while workers are down.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    body: dict = {"ok": True}
    if request.GET.get("worker"):
        if not _may_see_worker(request):
            return JsonResponse(
                {"error": "The worker's status is for staff, or monitoring with the health token."},
                status=403,
            )
        body["worker"] = _worker_status()
    return JsonResponse(body)


def _may_see_worker(request) -> bool:
    """Staff signed in, or `Authorization: Bearer <PLUGINSTORE_HEALTHZ_TOKEN>` when it is set."""
    token = getattr(settings, "PLUGINSTORE_HEALTHZ_TOKEN", "")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and sent and secrets.compare_digest(sent.encode(), token.encode()):
        return True
    return bool(request.user.is_authenticated and request.user.is_active and request.user.is_staff)


def _worker_status() -> dict:
    last = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if last is None:
        return {"last_heartbeat": None, "age_seconds": None, "stale": True}
    age = (timezone.now() - last.seen_at).total_seconds()
    # No worker node name: host names are nobody's business, not even monitoring's.
    return {
        "last_heartbeat": last.seen_at.isoformat(),
        "age_seconds": round(age, 1),
        # Beat sends one every HEARTBEAT_INTERVAL_SECONDS; three missed in a row is a problem.
        "stale": age > 3 * HEARTBEAT_INTERVAL_SECONDS,
    }


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database itself may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
