"""The plugin's Domain page (/developer/plugins/<id>/domain/): the token, both ways to prove
the domain with copyable values, "Check now", the last check's progress and result.

Served in the `developer` namespace (config/urls.py). The plugin comes from pluginstore's
registered lookup (domains.plugins): only its owner sees the page; another user's plugin is a
404, a non-developer a 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.exceptions import ApplicationError
from domains import permissions, proof, selectors, services
from domains.choices import JobOutcome
from domains.plugins import PluginLike, owned_plugin


def developer_required(view):
    """Domain pages are for developers; others are refused (403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not permissions.is_developer(request.user):
            raise PermissionDenied("Developer pages are for developer accounts.")
        return view(request, *args, **kwargs)

    return wrapper


def _plugin(request, plugin_id: int) -> PluginLike:
    plugin = owned_plugin(request.user, plugin_id)
    # Someone else's plugin is a 404: its existence is not ours to tell.
    if plugin is None or not permissions.can_verify_domain(request.user, plugin):
        raise Http404
    return plugin


def _page_url(plugin_id: int) -> str:
    return reverse("developer:domain", kwargs={"plugin_id": plugin_id})


@developer_required
@require_safe
def domain_detail(request, plugin_id: int):
    plugin = _plugin(request, plugin_id)
    standing = selectors.domain_standing(developer_id=request.user.pk, domain=plugin.domain)
    claim = standing.claim
    if claim is None and standing.state != "local":
        # The token is made the first time the developer asks for it.
        claim = services.claim_ensure(developer=request.user, domain=plugin.domain)
        standing = selectors.DomainStanding(plugin.domain, standing.state, claim)
        if standing.state == "unclaimed":
            standing = selectors.DomainStanding(plugin.domain, "pending", claim)
    job = selectors.latest_job(claim) if claim is not None else None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "state": job.state if job else "",
                "finished": job.is_finished if job else True,
                "standing": standing.state,
            }
        )
    context = {
        "plugin": plugin,
        "standing": standing,
        "claim": claim,
        "job": job,
        "job_found": job is not None and job.found,
        "taken": job is not None and job.outcome == JobOutcome.TAKEN,
        "txt_value": proof.txt_value(claim.token) if claim else "",
        "dns_names": proof.dns_names(plugin.domain),
        "file_url": proof.file_url(plugin.domain),
        "file_path": proof.FILE_PATH,
        "file_max_bytes": proof.FILE_MAX_BYTES,
        "grace_days": selectors.GRACE_DAYS,
        "recheck_days": selectors.RECHECK_DAYS,
    }
    return render(request, "domains/domain_detail.html", context)


@developer_required
@require_POST
def domain_check(request, plugin_id: int):
    plugin = _plugin(request, plugin_id)
    try:
        services.verification_start(user=request.user, plugin=plugin)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, f"Looking for your proof of {plugin.domain}…")
    return redirect(_page_url(plugin.pk) + "#check")
