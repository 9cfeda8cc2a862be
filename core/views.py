from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.models import WorkerHeartbeat
from core.tasks import HEARTBEAT_INTERVAL_SECONDS


@require_GET
@never_cache
def healthz(request):
    """The web process and its database answer; `?worker=1` adds the last worker heartbeat.

    The worker's state is reported, not folded into `ok`: a load balancer should keep sending
    requests to a healthy web process even while the workers are down.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    body: dict = {"ok": True}
    if request.GET.get("worker"):
        body["worker"] = _worker_status()
    return JsonResponse(body)


def _worker_status() -> dict:
    last = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if last is None:
        return {"last_heartbeat": None, "age_seconds": None, "stale": True}
    age = (timezone.now() - last.seen_at).total_seconds()
    # No worker node name: /healthz is public, and host names are nobody else's business.
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
