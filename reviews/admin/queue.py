"""The review queue: its columns and filters, and the ban appeals list beside it."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from reviews import moderation, permissions
from reviews.admin.filters import OverdueFilter, QueueFilter

APPEALS_SHOWN = 200


class QueueAdminMixin:
    """The submission changelist: what a reviewer sees before opening a submission."""

    list_display = (
        "id",
        "plugin_link",
        "version_number",
        "state",
        "submitted_at",
        "due_at",
        "overdue",
        "claimed_by",
        "plugin_status",
    )
    list_display_links = ("id",)
    list_filter = (
        QueueFilter,
        "state",
        "plugin__status",
        ("claimed_by", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    )
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
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if permissions.can_see_appeals(request.user):
            extra_context["ban_appeal_count"] = moderation.ban_appeals().count()
        return super().changelist_view(request, extra_context)

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

    @admin.display(description="plugin status", ordering="plugin__status")
    def plugin_status(self, obj):
        return obj.plugin.get_status_display()
