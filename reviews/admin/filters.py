"""The queue's filters: open submissions by default, narrowed to unclaimed, mine or changes
requested; overdue; and the plugin's status."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from reviews.models import OPEN_STATES, QUEUE_STATES, SubmissionState


def overdue_q() -> Q:
    """Past its due date while it waits for a reviewer (not while the developer is asked for
    changes: that clock is the developer's)."""
    return Q(state__in=QUEUE_STATES, due_at__lt=timezone.now())


class QueueFilter(admin.SimpleListFilter):
    """Open submissions unless asked otherwise: the queue is what reviewers come for."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("open", "Open"),
            ("unclaimed", "Unclaimed"),
            ("mine", "Claimed by me"),
            ("changes", "Changes requested"),
            ("closed", "Decided or withdrawn"),
            ("all", "All"),
        ]

    def value(self):
        return super().value() or "open"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        match self.value():
            case "open":
                return queryset.filter(state__in=OPEN_STATES)
            case "unclaimed":
                return queryset.filter(state=SubmissionState.SUBMITTED)
            case "mine":
                return queryset.filter(state__in=OPEN_STATES, claimed_by=request.user)
            case "changes":
                return queryset.filter(state=SubmissionState.CHANGES_REQUESTED)
            case "closed":
                return queryset.exclude(state__in=OPEN_STATES)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q())
        if self.value() == "no":
            return queryset.exclude(overdue_q())
        return queryset
