"""The review queue: its columns and filters, Review next, the ban appeals list and the link to
queue health (reviews/admin/health.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.exceptions import ApplicationError
from reviews import moderation, permissions, review_next, risk
from reviews.admin.filters import OverdueFilter, QueueFilter
from reviews.admin.health import HealthAdminMixin
from reviews.models import SubmissionState

APPEALS_SHOWN = 200


def _span(days: float) -> str:
    """A short duration for a narrow column: 3 d, 5 h, <1 h."""
    if days >= 1:
        return f"{int(days)} d"
    hours = int(days * 24)
    return f"{hours} h" if hours else "<1 h"


def _days(delta) -> float:
    return delta.total_seconds() / 86400


class QueueAdminMixin(HealthAdminMixin):
    """The submission changelist: what a reviewer sees before opening a submission.

    Seven narrow columns fit 1280 px beside the filters (tests/browser/test_review_queue.py):
    the plugin and version (the link to the submission), the state and who claimed it, age,
    due or overdue, the plugin's status and the risk flags stored when the version was filed.
    """

    list_display = (
        "submission",
        "review_state",
        "age",
        "due",
        "plugin_status",
        "risk_flags_shown",
    )
    list_display_links = ("submission",)
    list_filter = (QueueFilter, OverdueFilter, "state", "plugin__status")
    search_fields = ("plugin__name", "plugin__domain", "plugin__owner__email")
    ordering = ("submitted_at", "id")
    list_per_page = 50
    show_full_result_count = False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "ban-appeals/",
                self.admin_site.admin_view(self.ban_appeals_view),
                name="{}_{}_ban_appeals".format(*info),
            ),
            path(
                "review-next/",
                self.admin_site.admin_view(self.review_next_view),
                name="{}_{}_review_next".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return risk.with_open_reports(super().get_queryset(request))

    def changelist_view(self, request, extra_context=None):
        # The queue needs the width: no app list beside it (the breadcrumbs lead back).
        extra_context = {
            "is_nav_sidebar_enabled": False,
            "title": "Review queue",
            **(extra_context or {}),
        }
        if permissions.can_see_appeals(request.user):
            extra_context["ban_appeal_count"] = moderation.ban_appeals().count()
            extra_context["unclaimed_count"] = review_next.next_unclaimed(request.user).count()
        return super().changelist_view(request, extra_context)

    def review_next_view(self, request):
        """Claim the oldest unclaimed submission for this reviewer and open it (POST only)."""
        if not permissions.can_see_appeals(request.user):
            raise PermissionDenied("Only reviewers claim submissions.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        queue_url = reverse("admin:reviews_submission_changelist", current_app=self.admin_site.name)
        try:
            submission = review_next.submission_claim_next(reviewer=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(queue_url)
        if submission is None:
            self.message_user(request, review_next.NOTHING_LEFT, messages.INFO)
            return HttpResponseRedirect(queue_url)
        self.message_user(
            request,
            f"You claimed {submission.plugin.display_name} version {submission.version.number}, "
            "the oldest unclaimed submission.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(
                "admin:reviews_submission_change",
                args=[submission.pk],
                current_app=self.admin_site.name,
            )
        )

    def ban_appeals_view(self, request):
        """The reviewers' list of ban appeals, each linking to the plugin's admin page."""
        if not permissions.can_see_appeals(request.user):
            raise PermissionDenied("Only reviewers see ban appeals.")
        appeals = list(moderation.ban_appeals()[:APPEALS_SHOWN])
        context = {
            **self.admin_site.each_context(request),
            "title": "Ban appeals",
            "opts": self.opts,
            "appeals": [
                (
                    appeal,
                    reverse(
                        "admin:pluginstore_plugin_change",
                        args=[appeal.thread.plugin_id],
                        current_app=self.admin_site.name,
                    ),
                )
                for appeal in appeals
            ],
            "shown": APPEALS_SHOWN,
        }
        return TemplateResponse(request, "admin/reviews/submission/ban_appeals.html", context)

    # Columns ---------------------------------------------------------------------------

    @admin.display(description="submission", ordering="plugin__name")
    def submission(self, obj):
        return format_html(
            '{} <span class="queue-version">v{}</span>',
            obj.plugin.display_name,
            obj.version.number,
        )

    def get_list_display(self, request):
        # The state column says "you" for this reviewer's own claims, so it needs the request.
        @admin.display(description="state", ordering="state")
        def review_state(obj):
            return self.review_state(obj, request.user)

        return [review_state if name == "review_state" else name for name in self.list_display]

    def review_state(self, obj, user):
        label = obj.get_state_display()
        reviewer = obj.claimed_by
        if reviewer is None or not obj.is_open:
            return label
        name = "you" if reviewer.pk == user.pk else reviewer.public_name
        return format_html(
            '{}<br><span class="queue-claimant" title="Claimed by {}">{}</span>',
            label,
            reviewer.email,
            name,
        )

    @admin.display(description="age", ordering="submitted_at")
    def age(self, obj):
        return format_html(
            '<span title="Submitted {}">{}</span>',
            timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M"),
            _span(_days(timezone.now() - obj.submitted_at)),
        )

    @admin.display(description="due", ordering="due_at")
    def due(self, obj):
        now = timezone.now()
        if obj.state == SubmissionState.CHANGES_REQUESTED and obj.changes_due_at:
            return format_html(
                '<span class="queue-waiting" title="The developer must answer by {}">'
                "developer: {}</span>",
                timezone.localtime(obj.changes_due_at).strftime("%Y-%m-%d"),
                _span(max(_days(obj.changes_due_at - now), 0)),
            )
        due = timezone.localtime(obj.due_at).strftime("%Y-%m-%d")
        if not obj.is_with_reviewers:
            return format_html('<span title="Was due {}">—</span>', due)
        if obj.due_at < now:
            return format_html(
                '<span class="queue-overdue" title="Was due {}">overdue {}</span>',
                due,
                _span(_days(now - obj.due_at)),
            )
        return format_html('<span title="Due {}">in {}</span>', due, _span(_days(obj.due_at - now)))

    @admin.display(description="plugin status", ordering="plugin__status")
    def plugin_status(self, obj):
        return obj.plugin.get_status_display()

    @admin.display(description="risk flags")
    def risk_flags_shown(self, obj):
        flags = risk.flags_of(obj)
        if not flags:
            return "—"
        return format_html_join(
            " ",
            '<span class="risk-flag risk-{}" title="{}">{}</span>',
            ((flag.code, flag.description, flag.label) for flag in flags),
        )
