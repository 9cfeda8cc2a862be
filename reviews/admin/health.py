"""The queue health page (admin/reviews/submission/health/): reviews.health's numbers as
server-rendered SVG charts, each with its table beside it. Reviewers only."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path

from reviews import health, permissions
from reviews.admin import charts


def _day(value) -> str:
    return f"{value:%b} {value.day}"


class HealthAdminMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "health/",
                self.admin_site.admin_view(self.health_view),
                name="{}_{}_health".format(*info),
            ),
            *super().get_urls(),
        ]

    def health_view(self, request):
        """Queue size, days to decision, decisions per reviewer and overdue, last 90 days."""
        if not permissions.can_see_appeals(request.user):
            raise PermissionDenied("Only reviewers see the queue's health.")
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        stats = health.queue_health()
        context = {
            **self.admin_site.each_context(request),
            "title": "Queue health",
            "opts": self.opts,
            "stats": stats,
            "queue_chart": charts.columns(
                [(_day(d.day), [d.count]) for d in stats.queue_size],
                legend=["open"],
                unit="waiting",
                whole=True,
                label_every=15,
            ),
            "overdue_chart": charts.columns(
                [(_day(d.day), [d.count]) for d in stats.overdue],
                legend=["overdue"],
                unit="overdue",
                whole=True,
                label_every=15,
            ),
            "times_chart": charts.columns(
                [(_day(w.week), [w.median_days, w.p90_days]) for w in stats.decision_times],
                legend=["median", "p90"],
                unit="days",
                label_every=3,
            ),
            "reviewers_chart": charts.horizontal_bars(
                [(r.name, r.per_day) for r in stats.reviewers], unit="decisions a day"
            ),
            # Newest first in the tables: what a reviewer checks is how things stand now.
            "queue_rows": list(reversed(stats.queue_size)),
            "overdue_rows": list(reversed(stats.overdue)),
            "times_rows": list(reversed(stats.decision_times)),
        }
        return TemplateResponse(request, "admin/reviews/submission/health.html", context)
