"""The queue's filters: open submissions by default, and overdue ones."""

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone

from reviews.models import OPEN_STATES


class QueueFilter(admin.SimpleListFilter):
    """Open submissions unless asked otherwise: the queue is what reviewers come for."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Decided or withdrawn"), ("all", "All")]

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
        if self.value() == "open":
            return queryset.filter(state__in=OPEN_STATES)
        if self.value() == "closed":
            return queryset.exclude(state__in=OPEN_STATES)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        overdue = Q(state__in=OPEN_STATES, due_at__lt=timezone.now())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset
