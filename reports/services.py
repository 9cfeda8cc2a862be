"""Every write of a report: filing one, dismissing them, resolving them when the plugin is
banned (reviews.moderation.plugin_ban calls reports_resolve_for_ban in its transaction).

Lock order as in reviews: the plugin first, then its reports.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from inbox.services import notification_intent_create
from pluginstore.models import Plugin
from pluginstore.permissions import is_owner
from reports import notices, permissions
from reports.choices import ReportReason, ReportState
from reports.models import DECISION_NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH, Report
from reports.receivers import reporters_changed
from reports.signals import report_filed

ALREADY_OPEN = (
    "You already reported this plugin and a reviewer has not decided yet. You will hear the "
    "outcome in Help > Messages."
)


def _lock_plugin(plugin_id: int) -> Plugin:
    plugin = Plugin.objects.select_for_update().select_related("owner").filter(pk=plugin_id).first()
    if plugin is None:
        raise ApplicationError("This plugin does not exist.")
    return plugin


def _bounded(text: str, *, limit: int, missing: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(missing)
    if len(text) > limit:
        raise ApplicationError(f"{what} can be at most {limit} characters (it has {len(text)}).")
    return text


def reports_filed_recently(user: User) -> int:
    """How many reports the user filed in the last hour (the rate limit's count)."""
    since = timezone.now() - timedelta(hours=1)
    return Report.objects.filter(reporter=user, created_at__gte=since).count()


@transaction.atomic
def report_create(*, user: User, plugin_id: int, reason: str, text: str) -> Report:
    """File a report of an approved plugin: one open report per user and plugin, at most
    REPORTS_PER_HOUR an hour; every reviewer hears of it (reviews.receivers)."""
    if reason not in ReportReason.values:
        raise ApplicationError("Choose a reason for the report.")
    text = _bounded(
        text,
        limit=REPORT_TEXT_MAX_LENGTH,
        missing="Tell the reviewers what is wrong with this plugin.",
        what="A report",
    )
    # The user's row serializes their reports, so two at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    plugin = _lock_plugin(plugin_id)
    if not permissions.can_report(user, plugin):
        if is_owner(user, plugin):
            raise ApplicationError("You can't report your own plugin.")
        raise ApplicationError("Only approved plugins can be reported.")
    if Report.objects.filter(plugin=plugin, reporter=user, state=ReportState.OPEN).exists():
        raise ApplicationError(ALREADY_OPEN)
    limit = settings.REPORTS_PER_HOUR
    if reports_filed_recently(user) >= limit:
        raise ApplicationError(
            f"You can send at most {limit} reports an hour. Please try again later."
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(plugin=plugin, reporter=user, reason=reason, text=text)
    except IntegrityError as error:  # the partial unique constraint, should a race get here
        raise ApplicationError(ALREADY_OPEN) from error
    open_count = Report.objects.filter(plugin=plugin, state=ReportState.OPEN).count()
    report_filed.send(sender=Report, report=report, open_count=open_count)
    return report


def _decide(reports: list[Report], *, state: str, by: User | None, note: str) -> None:
    now = timezone.now()
    for report in reports:
        report.state = state
        report.decided_by = by
        report.decision_note = note
        report.decided_at = now
        report.updated_at = now  # bulk_update leaves auto_now alone
    Report.objects.bulk_update(
        reports, ["state", "decided_by", "decision_note", "decided_at", "updated_at"]
    )
    # A bulk update sends no signal: the reporters' copies (selectors.latest_report) by hand.
    reporters_changed({report.reporter_id for report in reports})


@transaction.atomic
def reports_dismiss(*, by: User, plugin_id: int, report_ids: list[int], note: str) -> int:
    """A reviewer dismisses some of a plugin's open reports with a note each reporter reads;
    how many were dismissed (reports decided meanwhile are left as they are)."""
    if not permissions.can_handle_reports(by):
        raise ApplicationError("You are not allowed to handle reports.")
    note = _bounded(
        note,
        limit=DECISION_NOTE_MAX_LENGTH,
        missing="Give a note for dismissing; each reporter reads it.",
        what="The note",
    )
    plugin = _lock_plugin(plugin_id)
    if not permissions.can_handle_reports(by, plugin):
        raise ApplicationError("You can't decide reports of your own plugin.")
    reports = list(
        Report.objects.select_for_update()
        .filter(plugin=plugin, pk__in=report_ids, state=ReportState.OPEN)
        .select_related("reporter")
        .order_by("pk")
    )
    if not reports:
        raise ApplicationError("None of these reports is open any more; nothing was dismissed.")
    _decide(reports, state=ReportState.DISMISSED, by=by, note=note)
    for report in reports:
        notification_intent_create(
            recipient=report.reporter,
            notice=notices.ReportDismissed(
                report_id=report.pk,
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                note=note,
            ),
            thread_plugin_id=None,
        )
    return len(reports)


def reports_resolve_for_ban(*, plugin: Plugin, by: User, reason: str) -> list[Report]:
    """The plugin was banned (the caller holds its lock, in the ban's transaction): its open
    reports led to the ban and each reporter hears so once."""
    reports = list(
        Report.objects.select_for_update()
        .filter(plugin=plugin, state=ReportState.OPEN)
        .select_related("reporter")
        .order_by("pk")
    )
    _decide(reports, state=ReportState.LED_TO_BAN, by=by, note=reason)
    for report in reports:
        notification_intent_create(
            recipient=report.reporter,
            notice=notices.ReportLedToBan(
                report_id=report.pk, plugin_id=plugin.pk, plugin_name=plugin.display_name
            ),
            thread_plugin_id=None,
        )
    return reports
