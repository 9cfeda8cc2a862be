"""Versions and fetch jobs, read-only. The plugin's own admin page is moderation: see
reviews/admin/plugins.py."""

from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from pluginstore.models import FetchJob, PluginVersion


@admin.register(PluginVersion)
class PluginVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("plugin", "number", "fetched_at", "error_count", "warning_count")
    list_select_related = ("plugin",)
    search_fields = ("plugin__name", "plugin__domain")
    exclude = ("manifest", "spec")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("manifest", "spec")]


@admin.register(FetchJob)
class FetchJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("target", "kind", "state", "requested_by", "created_at", "finished_at")
    list_filter = ("state", "kind")
    list_select_related = ("requested_by",)
