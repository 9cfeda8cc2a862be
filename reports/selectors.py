"""Reads of reports; each page's query count does not grow with the number of reports."""

from collections import defaultdict

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from accounts.models import User
from core import versions
from pluginstore.models import Plugin
from reports.choices import ReportState
from reports.models import Report
from reports.receivers import REPORTER_SCOPE

# The reports list shows this many plugins a page, and this many reports of each (newest).
PLUGINS_PER_PAGE = 20
REPORTS_SHOWN_PER_PLUGIN = 50
# "Your reports" shows this many a page.
USER_REPORTS_PER_PAGE = 25


def open_report_count(plugin_ref: str = "pk") -> Coalesce:
    """An expression: how many open reports the plugin at `plugin_ref` has (a subquery), for
    annotating any queryset that reaches a plugin (the review queue's "open reports" flag)."""
    counted = (
        Report.objects.filter(plugin_id=OuterRef(plugin_ref), state=ReportState.OPEN)
        .order_by()
        .values("plugin_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def user_reports(user: User) -> QuerySet[Report]:
    """The user's reports, newest first, with the plugin's name and slug."""
    return (
        Report.objects.filter(reporter=user)
        .select_related("plugin")
        .only(
            "id",
            "reason",
            "text",
            "state",
            "decision_note",
            "decided_at",
            "created_at",
            "plugin__id",
            "plugin__slug",
            "plugin__name",
            "plugin__domain",
            "plugin__status",
        )
        .order_by("-created_at", "-id")
    )


def latest_report(user: User, plugin_id: int) -> Report | None:
    """The user's newest report of this plugin (for its page), or None: a copy kept until
    their reports change (REPORTER_SCOPE, reports.receivers)."""
    if not user.is_authenticated:
        return None

    def query() -> Report | None:
        return (
            Report.objects.filter(reporter=user, plugin_id=plugin_id)
            .only("id", "state", "reason", "created_at", "decided_at", "decision_note", "plugin_id")
            .order_by("-created_at", "-id")
            .first()
        )

    return versions.copy(REPORTER_SCOPE, user.pk, f"latest:{plugin_id}", query)


def reported_plugins(state: str = ReportState.OPEN) -> QuerySet[Plugin]:
    """Plugins with reports in this state, the most recently reported first, each with
    `report_count` and `last_reported_at`."""
    in_state = Q(reports__state=state)
    return (
        Plugin.objects.filter(in_state)
        .annotate(
            report_count=Count("reports", filter=in_state),
            last_reported_at=Max("reports__created_at", filter=in_state),
        )
        .select_related("owner")
        .only(
            "id",
            "slug",
            "name",
            "domain",
            "status",
            "owner__id",
            "owner__email",
            "owner__display_name",
        )
        .order_by("-last_reported_at", "-id")
    )


def reports_by_plugin(
    plugin_ids: list[int], state: str = ReportState.OPEN, per_plugin: int = REPORTS_SHOWN_PER_PLUGIN
) -> dict[int, list[Report]]:
    """Each plugin's newest reports in this state (at most per_plugin each), one query."""
    if not plugin_ids:
        return {}
    ranked = (
        Report.objects.filter(plugin_id__in=plugin_ids, state=state)
        .select_related("reporter", "decided_by")
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("plugin_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(n__lte=per_plugin)
        .order_by("plugin_id", "-created_at", "-id")
    )
    grouped: dict[int, list[Report]] = defaultdict(list)
    for report in ranked:
        grouped[report.plugin_id].append(report)
    return dict(grouped)
