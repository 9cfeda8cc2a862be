from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from reports.choices import ReportReason, ReportState

# The longest report a user may write, and the longest note a reviewer may give on dismissing.
REPORT_TEXT_MAX_LENGTH = 2000
DECISION_NOTE_MAX_LENGTH = 2000


class Report(TimeStampedModel):
    """A signed-in user's report of an approved plugin (PRODUCT.md section 11); its state changes
    only through reports.services (dismissed) and reviews.moderation (a ban)."""

    plugin = models.ForeignKey(
        "pluginstore.Plugin", on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=24, choices=ReportReason.choices)
    text = models.TextField(max_length=REPORT_TEXT_MAX_LENGTH)
    state = models.CharField(
        max_length=16, choices=ReportState.choices, default=ReportState.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(max_length=DECISION_NOTE_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["plugin", "-created_at"],
                name="report_open_by_plugin",
                condition=Q(state=ReportState.OPEN),
            ),
            models.Index(fields=["reporter", "-created_at"], name="report_by_reporter"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plugin", "reporter"],
                condition=Q(state=ReportState.OPEN),
                name="report_one_open_per_user_and_plugin",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="report_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=ReportState.OPEN) | Q(decided_at__isnull=False),
                name="report_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on {self.plugin_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == ReportState.OPEN
