"""The reviewer's submission admin: the queue (reviews/admin/queue.py) and the submission page
(reviews/admin/workbench.py) on one ModelAdmin."""

from django.contrib import admin

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
