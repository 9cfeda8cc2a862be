"""API tokens in the admin, read-only: find a leaked token by its prefix and revoke it; the
audit of token use. Staff need the api app's permissions (reviewers have none)."""

from django.contrib import admin, messages

from api import tokens
from api.models import ApiToken, ApiTokenUse
from core.admin import ReadOnlyAdminMixin
from core.exceptions import ApplicationError


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "scope", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__email")
    exclude = ("secret_hash",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "secret_hash"]

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("api.change_apitoken")

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        try:
            count = tokens.api_tokens_revoke_by_staff(
                by=request.user, token_ids=list(queryset.values_list("pk", flat=True))
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "token", "method", "path", "status_code", "code", "ip")
    list_filter = ("method", "status_code")
    list_select_related = ("token",)
    search_fields = ("token__prefix", "path", "ip")
    date_hierarchy = "created_at"
