"""The developer pages under /developer/plugins/: register, fetch jobs, versions, refresh,
category and testers. The plugin's own page and withdrawing a submission show review work, so
the floor above serves them in the same `developer` namespace, with developer_required and
owned_plugin from here."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.views import developer_access_page
from core.exceptions import ApplicationError
from pluginstore import permissions, selectors, services, team_selectors
from pluginstore.developer_list import fill_rows
from pluginstore.forms import CategoryForm, InviteTesterForm, RegisterPluginForm
from pluginstore.models import FetchJob, Plugin, PluginVersion
from pluginstore.presenters import fetch_job_steps, findings_by_field


def developer_required(view):
    """Developer pages are for developers; others learn how to get access."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.can_register_plugins(request.user):
            if request.method in ("GET", "HEAD"):
                # Not a bare 403: the page that explains how to get developer access.
                return developer_access_page(request, status=403)
            raise PermissionDenied("Developer pages are for developer accounts.")
        return view(request, *args, **kwargs)

    return wrapper


def owned_plugin(request, plugin_id: int) -> Plugin:
    """A plugin the request user develops (owns or co-develops), or a 404."""
    # Someone else's plugin is a 404, not a 403: its existence is not ours to tell.
    plugin = get_object_or_404(selectors.plugins_with_current_versions(), pk=plugin_id)
    if not permissions.is_owner(request.user, plugin):
        # One query for the members, which every rule the page asks then reads.
        prefetch_related_objects([plugin], "members")
    if not permissions.can_manage(request.user, plugin):
        raise Http404
    return plugin


@developer_required
@require_http_methods(["GET", "HEAD", "POST"])
def plugin_list(request):
    form = RegisterPluginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.plugin_registration_start(
                user=request.user,
                target=form.cleaned_data["target"],
                category=form.cleaned_data["category"],
            )
        except ApplicationError as error:
            form.add_error("target", error.message)
        else:
            return redirect("developer:job", job_id=job.pk)
    context = {
        "form": form,
        "plugins": selectors.developer_plugins(request.user),
        "testing": selectors.plugins_testing(request.user),
        "jobs": selectors.recent_jobs(request.user),
        "invitations": team_selectors.invitations_for(request.user),
    }
    # The review column (a higher floor fills it; see pluginstore.developer_list).
    fill_rows(request.user, context["plugins"])
    return render(
        request, "pluginstore/developer_plugins.html", context, status=400 if form.errors else 200
    )


@developer_required
@require_safe
def job_detail(request, job_id: int):
    job = get_object_or_404(
        FetchJob.objects.select_related("plugin", "version").defer(
            *(f"version__{field}" for field in selectors.VERSION_DOCUMENT_FIELDS)
        ),
        pk=job_id,
        requested_by=request.user,
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(_job_json(job))
    context = {"job": job, "groups": findings_by_field(job.findings), "steps": fetch_job_steps(job)}
    return render(request, "pluginstore/job_detail.html", context)


def _job_json(job: FetchJob) -> dict:
    return {
        "state": job.state,
        "label": job.get_state_display(),
        "finished": job.is_finished,
        "url": reverse("developer:job", kwargs={"job_id": job.pk}),
    }


@developer_required
@require_safe
def version_detail(request, plugin_id: int, number: int):
    plugin = owned_plugin(request, plugin_id)
    version = get_object_or_404(PluginVersion, plugin=plugin, number=number)
    context = {"plugin": plugin, "version": version, "groups": findings_by_field(version.findings)}
    return render(request, "pluginstore/developer_version_detail.html", context)


@developer_required
@require_POST
def plugin_refresh(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        job = services.plugin_refresh_start(user=request.user, plugin_id=plugin.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("developer:plugin", plugin_id=plugin.pk)
    return redirect("developer:job", job_id=job.pk)


@developer_required
@require_POST
def plugin_category(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    form = CategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the store's categories.")
    else:
        try:
            services.plugin_set_category(
                user=request.user, plugin_id=plugin.pk, category=form.cleaned_data["category"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Category saved.")
    return redirect("developer:plugin", plugin_id=plugin.pk)


@developer_required
@require_POST
def tester_invite(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    form = InviteTesterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the email address of a developer account.")
    else:
        try:
            invitation = services.tester_invite(
                plugin_id=plugin.pk, by=request.user, email=form.cleaned_data["email"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"{invitation.developer.email} can now install {plugin.display_name}."
            )
    return redirect(reverse("developer:plugin", kwargs={"plugin_id": plugin.pk}) + "#testers")


@developer_required
@require_POST
def tester_remove(request, plugin_id: int, invitation_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        removed = services.tester_remove(
            plugin_id=plugin.pk, by=request.user, invitation_id=invitation_id
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if removed:
            messages.success(request, "Tester removed.")
        else:
            # Another plugin's invitation, or one removed meanwhile: say so, never "removed".
            messages.error(
                request, "That person is not a tester of this plugin, so nothing was removed."
            )
    return redirect(reverse("developer:plugin", kwargs={"plugin_id": plugin.pk}) + "#testers")
