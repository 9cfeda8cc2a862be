"""The reviewers' reports list (PRODUCT.md sections 7 and 11): reports grouped by plugin, the
most recently reported plugin first, each with its count and its reports' texts (newest first).
From it a reviewer dismisses reports with a note each reporter reads, or opens the plugin's
admin page to ban it (the ban resolves the plugin's open reports: reviews.moderation).

The changelist is this page rather than Django's table, which cannot group; single reports
open read-only. Only reviewers see any of it (reports.permissions.can_handle_reports).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.admin import ReadOnlyAdminMixin
from core.exceptions import ApplicationError
from reports import permissions, selectors, services
from reports.choices import ReportState
from reports.forms import DismissForm
from reports.models import DECISION_NOTE_MAX_LENGTH, Report


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("plugin", "reason", "state", "reporter", "created_at")
    fields = (
        "plugin",
        "reporter",
        "reason",
        "text",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return permissions.can_handle_reports(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_handle_reports(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plugin", "reporter", "decided_by")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="{}_{}_dismiss".format(*info),
            ),
            *super().get_urls(),
        ]

    def _list_url(self) -> str:
        return reverse("admin:reports_report_changelist", current_app=self.admin_site.name)

    def changelist_view(self, request, extra_context=None):
        """Reports grouped by plugin: open ones by default, or the dismissed or banned ones."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        state = request.GET.get("state") or ReportState.OPEN
        if state not in ReportState.values:
            state = ReportState.OPEN
        plugins = selectors.reported_plugins(state)
        plugin_id = request.GET.get("plugin") or ""
        if plugin_id.isdigit():
            plugins = plugins.filter(pk=int(plugin_id))
        else:
            plugin_id = ""
        page = Paginator(plugins, selectors.PLUGINS_PER_PAGE).get_page(request.GET.get("p"))
        groups = list(page.object_list)
        by_plugin = selectors.reports_by_plugin([p.pk for p in groups], state)
        rows = [
            {
                "plugin": plugin,
                "reports": by_plugin.get(plugin.pk, []),
                "may_decide": permissions.can_handle_reports(request.user, plugin),
                "plugin_url": reverse(
                    "admin:pluginstore_plugin_change",
                    args=[plugin.pk],
                    current_app=self.admin_site.name,
                ),
            }
            for plugin in groups
        ]
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "title": "Reports by plugin",
            "opts": self.opts,
            "state": state,
            "states": ReportState.choices,
            "plugin_filter": plugin_id,
            "page": page,
            "rows": rows,
            "shown_per_plugin": selectors.REPORTS_SHOWN_PER_PLUGIN,
            "note_max": DECISION_NOTE_MAX_LENGTH,
            "dismiss_url": reverse(
                "admin:reports_report_dismiss", current_app=self.admin_site.name
            ),
        }
        return TemplateResponse(request, "admin/reports/report/grouped.html", context)

    def dismiss_view(self, request):
        """Dismiss the chosen open reports of one plugin with a note (POST only)."""
        if not permissions.can_handle_reports(request.user):
            raise PermissionDenied("Only reviewers handle reports.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = DismissForm(request.POST)
        back = self._list_url()
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label or name}: {' '.join(errors)}"
                if name != "__all__"
                else " ".join(errors)
                for name, errors in form.errors.items()
            )
            self.message_user(request, f"Nothing was dismissed. {problems}", messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            count = services.reports_dismiss(
                by=request.user,
                plugin_id=form.cleaned_data["plugin"],
                report_ids=form.cleaned_data["report"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Dismissed {count} report{'s' if count != 1 else ''}; each reporter will read "
                "your note in Help > Messages.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(back)
