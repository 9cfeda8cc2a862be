from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import AccountTypeChange, DeveloperAccessRequest, User
from accounts.services import (
    developer_access_decline,
    developer_access_grant,
    user_set_account_type,
)
from core.admin import ActionSelectionMixin, ReadOnlyAdminMixin, ServiceFSMAdminMixin
from core.exceptions import ApplicationError


class AccountTypeChangeInline(admin.TabularInline):
    model = AccountTypeChange
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("created_at", "from_type", "to_type", "changed_by", "reason")
    readonly_fields = fields
    verbose_name_plural = "Account type history"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ActionSelectionMixin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "account_type", "is_staff", "is_active", "date_joined")
    list_filter = ("account_type", "is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "display_name")
    readonly_fields = ("last_login", "date_joined")
    inlines = [AccountTypeChangeInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "account_type")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change) -> None:
        """A changed account type goes through the audited service, not a plain save."""
        new_type = obj.account_type
        if change and "account_type" in form.changed_data:
            obj.account_type = form.initial["account_type"]
        super().save_model(request, obj, form, change)
        if change and "account_type" in form.changed_data:
            try:
                user_set_account_type(
                    user_id=obj.pk,
                    account_type=new_type,
                    changed_by=request.user,
                    reason="Changed in the admin",
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                obj.account_type = new_type


@admin.register(AccountTypeChange)
class AccountTypeChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "from_type", "to_type", "changed_by", "reason")
    list_filter = ("to_type", "from_type")
    search_fields = ("user__email", "changed_by__email", "reason")
    list_select_related = ("user", "changed_by")
    readonly_fields = ("user", "changed_by", "from_type", "to_type", "reason", "created_at")


@admin.register(DeveloperAccessRequest)
class DeveloperAccessRequestAdmin(ServiceFSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    fsm_services = {
        "grant": lambda obj, request, **kw: developer_access_grant(
            request_id=obj.pk, decided_by=request.user
        ),
        "decline": lambda obj, request, decision_note="", **kw: developer_access_decline(
            request_id=obj.pk, decided_by=request.user, note=decision_note
        ),
    }
    list_display = ("user", "state", "created_at", "decided_by", "decided_at")
    list_filter = ("state",)
    search_fields = ("user__email", "reason")
    list_select_related = ("user", "decided_by")
    ordering = ("state", "created_at")
    fields = ("user", "reason", "state", "created_at", "decided_by", "decided_at", "decision_note")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
