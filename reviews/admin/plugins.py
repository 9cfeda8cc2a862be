"""The plugin's admin page: where reviewers ban, reinstate and answer ban appeals.

The plugin belongs to pluginstore, but what a reviewer does on its page is moderation
(reviews.moderation), so its admin is registered here. A banned plugin's page shows what its
owner wrote since the ban (the appeal) above the Reinstate and Keep the ban buttons.
"""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin, ServiceFSMAdminMixin
from pluginstore.models import Plugin, PluginEvent, PluginMember, PluginStatusChange, PluginVersion
from reviews import moderation, permissions

# The appeal's messages shown on the plugin's page (the newest, in the order they were written).
APPEAL_MESSAGES_SHOWN = 20


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class VersionInline(ReadOnlyInline):
    model = PluginVersion
    fields = ("number", "fetched_at", "error_count", "warning_count", "content_hash")
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = True


class StatusChangeInline(ReadOnlyInline):
    model = PluginStatusChange
    fields = ("created_at", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields
    verbose_name_plural = "Status history"


class CoDeveloperInline(ReadOnlyInline):
    """The owner is the page's own field; these develop the plugin with them (PRODUCT.md
    section 13): reviewers see who may submit and reply."""

    model = PluginMember
    fields = ("developer", "added_by", "created_at")
    readonly_fields = fields
    verbose_name = "Co-developer"
    verbose_name_plural = "Co-developers"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("developer", "added_by")


class TeamEventInline(ReadOnlyInline):
    model = PluginEvent
    fields = ("created_at", "action", "actor", "subject", "from_value", "to_value")
    readonly_fields = fields
    verbose_name_plural = "Team and listing history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Plugin)
class PluginAdmin(ServiceFSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["status"]
    fsm_services = {
        "ban": lambda obj, request, reason="", **kw: moderation.plugin_ban(
            plugin_id=obj.pk, by=request.user, reason=reason
        ),
        "reinstate": lambda obj, request, reason="", **kw: moderation.plugin_reinstate(
            plugin_id=obj.pk, by=request.user, reason=reason
        ),
        "keep_ban": lambda obj, request, reason="", **kw: moderation.plugin_keep_ban(
            plugin_id=obj.pk, by=request.user, reason=reason
        ),
    }
    list_display = ("display_name", "domain", "owner", "status", "category", "install_count")
    list_filter = ("status", "category")
    search_fields = ("name", "domain", "owner__email")
    list_select_related = ("owner",)
    readonly_fields = (
        "owner",
        "slug",
        "domain",
        "manifest_url",
        "category",
        "status",
        "listed",
        "live_version",
        "latest_version",
        "name",
        "description",
        "logo_url",
        "install_count",
        "approved_at",
        "created_at",
    )
    fields = readonly_fields
    inlines = [CoDeveloperInline, StatusChangeInline, TeamEventInline, VersionInline]
    change_form_template = "admin/pluginstore/plugin/change_form.html"

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Moderation"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        # Every field is read-only: Ban and Reinstate are the page's only actions.
        context.update(show_save=False, show_save_and_continue=False)
        if obj is not None and permissions.can_see_appeals(request.user):
            newest = moderation.ban_appeals().filter(thread__plugin_id=obj.pk)
            context["ban_appeal"] = list(reversed(newest[:APPEAL_MESSAGES_SHOWN]))
            context["ban_appeal_shown"] = APPEAL_MESSAGES_SHOWN
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
