"""The reviewers' side of the watch: the Drifted list (with the difference from the approved
version), the plugins the store marks unavailable, and every watch. All read-only: what the
watch found changes only through its checks."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdminMixin
from pluginstore.selectors import VERSION_DOCUMENT_FIELDS
from watch import selectors
from watch.models import DriftedPlugin, PluginWatch, UnavailablePlugin

# A list row needs a version's number, never its documents.
_LIGHT_VERSIONS = [
    f"{relation}__{field}"
    for relation in ("drifted_version", "plugin__live_version")
    for field in (*VERSION_DOCUMENT_FIELDS, "findings")
]


class WatchAdminBase(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_per_page = 50
    search_fields = ("plugin__name", "plugin__domain", "plugin__owner__email")
    fields = (
        "plugin_link",
        "owner",
        "live_number",
        "drifted_number",
        "last_outcome",
        "last_checked_at",
        "last_ok_at",
        "last_error",
        "unreachable_since",
        "unavailable_since",
        "due_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plugin__owner", "plugin__live_version", "drifted_version")
            .defer(*_LIGHT_VERSIONS)
        )

    @admin.display(description="Plugin", ordering="plugin__name")
    def plugin_link(self, obj):
        url = reverse("admin:pluginstore_plugin_change", args=[obj.plugin_id])
        return format_html('<a href="{}">{}</a>', url, obj.plugin.display_name)

    @admin.display(description="Owner")
    def owner(self, obj):
        return obj.plugin.owner.email

    @admin.display(description="Approved version")
    def live_number(self, obj):
        live = obj.plugin.live_version
        return f"v{live.number}" if live else "—"

    @admin.display(description="Served now")
    def drifted_number(self, obj):
        return f"v{obj.drifted_version.number}" if obj.drifted_version else "—"

    @admin.display(description="Unavailable since", ordering="plugin__unavailable_since")
    def unavailable_since(self, obj):
        return obj.plugin.unavailable_since or "—"


@admin.register(DriftedPlugin)
class DriftedPluginAdmin(WatchAdminBase):
    list_display = ("plugin_link", "owner", "live_number", "drifted_number", "last_checked_at")
    ordering = ("-last_checked_at", "-id")
    change_form_template = "admin/watch/driftedplugin/change_form.html"

    def get_queryset(self, request):
        drifted = selectors.drifted_watches().values("pk")
        return super().get_queryset(request).filter(pk__in=drifted)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["drift"] = {"diffs": selectors.drift_diffs(obj)}
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(UnavailablePlugin)
class UnavailablePluginAdmin(WatchAdminBase):
    list_display = (
        "plugin_link",
        "owner",
        "unavailable_since",
        "unreachable_since",
        "last_checked_at",
        "last_error",
    )
    ordering = ("plugin__unavailable_since", "id")

    def get_queryset(self, request):
        unavailable = selectors.unavailable_watches().values("pk")
        return super().get_queryset(request).filter(pk__in=unavailable)


@admin.register(PluginWatch)
class PluginWatchAdmin(WatchAdminBase):
    list_display = ("plugin_link", "last_outcome", "last_checked_at", "due_at", "last_error")
    list_filter = ("last_outcome",)
    ordering = ("due_at", "id")
