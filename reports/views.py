from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from core.exceptions import ApplicationError
from pluginstore import selectors as store_selectors
from pluginstore.choices import PluginStatus
from pluginstore.permissions import is_owner
from reports import selectors, services
from reports.forms import ReportForm


def _reportable(slug: str):
    """The approved plugin behind the slug; anything else is a 404 as on the store."""
    plugin = store_selectors.store_plugin_detail(slug)
    if plugin is None or plugin.status != PluginStatus.APPROVED:
        raise Http404
    return plugin


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request, slug: str):
    """The report form of an approved plugin; on success the reporter goes to their reports."""
    plugin = _reportable(slug)
    latest = selectors.latest_report(request.user, plugin.pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                user=request.user,
                plugin_id=plugin.pk,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Thank you: your report of {plugin.display_name} reached the reviewers. "
                "You will hear the outcome in Help > Messages.",
            )
            return redirect("reports:mine")
    context = {
        "plugin": plugin,
        "form": form,
        "latest": latest,
        "is_owner": is_owner(request.user, plugin),
    }
    return render(request, "reports/report_form.html", context)


@login_required
@require_safe
def my_reports(request):
    """The signed-in user's reports and what became of each."""
    page = Paginator(selectors.user_reports(request.user), selectors.USER_REPORTS_PER_PAGE)
    return render(
        request, "reports/my_reports.html", {"page": page.get_page(request.GET.get("page"))}
    )
