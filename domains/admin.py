"""Domain claims, their audit and verification jobs, read-only: every change goes through
domains.services (a developer's check, beat's re-checks)."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from domains.models import DomainClaim, DomainClaimChange, VerificationJob


class DomainClaimChangeInline(admin.TabularInline):
    model = DomainClaimChange
    extra = 0
    can_delete = False
    fields = ("created_at", "from_state", "to_state", "method", "changed_by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DomainClaim)
class DomainClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("domain", "developer", "state", "method", "verified_at", "lost_at")
    list_filter = ("state", "method")
    list_select_related = ("developer",)
    search_fields = ("domain", "developer__email")
    exclude = ("token",)
    readonly_fields = (
        "developer",
        "domain",
        "state",
        "method",
        "verified_at",
        "last_checked_at",
        "lost_at",
        "blocked_at",
        "next_check_at",
        "created_at",
    )
    inlines = [DomainClaimChangeInline]


@admin.register(VerificationJob)
class VerificationJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("claim", "kind", "state", "outcome", "requested_by", "created_at")
    list_filter = ("state", "kind", "outcome")
    list_select_related = ("claim", "requested_by")
    readonly_fields = (
        "claim",
        "kind",
        "requested_by",
        "state",
        "outcome",
        "attempts",
        "error",
        "created_at",
        "finished_at",
    )
