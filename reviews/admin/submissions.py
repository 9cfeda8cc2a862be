"""The reviewer's submission admin: the queue (reviews/admin/queue.py) and the submission page
(reviews/admin/workbench.py) on one ModelAdmin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ServiceFSMAdminMixin
from reviews import selectors
from reviews.admin.queue import QueueAdminMixin
from reviews.admin.workbench import WorkbenchAdminMixin
from reviews.models import Submission


@admin.register(Submission)
class SubmissionAdmin(QueueAdminMixin, WorkbenchAdminMixin, ServiceFSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .select_related("plugin__owner", "version", "claimed_by", "submitted_by", "decided_by")
        )
        match = request.resolver_match
        if match and match.url_name == "reviews_submission_changelist":
            qs = qs.defer(*selectors.HEAVY_VERSION_FIELDS)
        return qs

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Reviewers decide with the buttons; no field of a submission is edited by hand.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="plugin", ordering="plugin__name")
    def plugin_link(self, obj):
        url = reverse("admin:pluginstore_plugin_change", args=[obj.plugin_id])
        return format_html('<a href="{}">{}</a>', url, obj.plugin.display_name)

    @admin.display(description="version", ordering="version__number")
    def version_number(self, obj):
        return obj.version.number

    @admin.display(description="overdue")
    def overdue(self, obj):
        # Text, not the boolean icon: a red cross read as an alarm on every submission on time.
        return "Overdue" if obj.is_overdue else "—"
