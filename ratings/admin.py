"""The reviewers' admin of ratings: reported reviews first, each with its reports, and the
Hide (with a reason) and Show again buttons, which run ratings.services."""

from django.contrib import admin
from django.db.models import Count, Q

from core.admin import ReadOnlyAdminMixin, ServiceFSMAdminMixin
from ratings import services
from ratings.models import Rating, ReviewReport


class ReportInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewReport
    extra = 0
    can_delete = False
    fields = ("created_at", "reporter", "reason")
    readonly_fields = fields
    verbose_name_plural = "Reports"


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


@admin.register(Rating)
class RatingAdmin(ServiceFSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    fsm_services = {
        "hide": lambda obj, request, reason="", **kw: services.rating_hide(
            rating_id=obj.pk, by=request.user, reason=reason
        ),
        "restore": lambda obj, request, **kw: services.rating_restore(
            rating_id=obj.pk, by=request.user
        ),
    }
    list_display = ("__str__", "stars", "state", "report_count", "answered", "created_at")
    list_filter = (ReportedFilter, "state", "stars")
    search_fields = ("plugin__name", "plugin__domain", "user__email", "review")
    readonly_fields = (
        "plugin",
        "user",
        "stars",
        "review",
        "state",
        "created_at",
        "updated_at",
        "answer",
        "answered_at",
        "answered_by",
        "hidden_reason",
        "hidden_at",
        "hidden_by",
    )
    fields = readonly_fields
    inlines = [ReportInline]

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Moderation"

    def get_queryset(self, request):
        # Reported reviews first: the newest report count leads the list.
        return (
            super()
            .get_queryset(request)
            .select_related("plugin", "user", "answered_by", "hidden_by")
            .annotate(report_count=Count("reports", filter=Q(reports__isnull=False)))
            .order_by("-report_count", "-created_at", "-id")
        )

    @admin.display(description="reports", ordering="report_count")
    def report_count(self, obj) -> int:
        return obj.report_count

    @admin.display(description="answered", boolean=True)
    def answered(self, obj) -> bool:
        return obj.answered_at is not None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Reviewers act with the buttons; nobody edits what a user wrote.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
