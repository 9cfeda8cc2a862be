"""The developer's plugin page (/developer/plugins/<id>/) and withdrawing a submission.

The page is the plugin's review desk for its developer: its submissions with queue position,
due date, decision and failed criteria, "Submit for review" when submission_blocker allows it,
and the plugin's versions, findings, testers and category from pluginstore. It is served in the
`developer` namespace with pluginstore's developer pages (config/urls.py).
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.exceptions import ApplicationError
from domains.selectors import domain_standing
from pluginstore import permissions as plugin_permissions
from pluginstore import selectors as plugin_selectors
from pluginstore.forms import CategoryForm, InviteTesterForm
from pluginstore.presenters import findings_by_field
from pluginstore.views_developer import developer_required, owned_plugin
from pluginstore.views_team import team_context
from reviews import permissions, selectors, services
from watch import selectors as watch_selectors


@developer_required
@require_safe
def plugin_detail(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    latest = plugin.latest_version
    submissions = selectors.developer_submissions(plugin.pk)
    open_submission = next((s for s in submissions if s.is_open), None)
    domain = domain_standing(developer_id=plugin.owner_id, domain=plugin.domain)
    blocker = permissions.submission_blocker(
        request.user,
        plugin,
        open_state=open_submission.state if open_submission else None,
        rejected_hash=selectors.rejected_content_hash(plugin.pk),
        domain=domain,
    )
    changes_requested = open_submission is not None and open_submission.changes_requested
    context = {
        "plugin": plugin,
        "submissions": submissions,
        "open_submission": open_submission,
        # Where the developer answers a request for changes.
        "thread_id": (
            selectors.owner_thread_id(plugin, owner_id=request.user.pk)
            if changes_requested
            else None
        ),
        "can_submit": blocker is None,
        "unchanged_after_rejection": (
            blocker.message if blocker is not None and blocker.reason == "unchanged" else ""
        ),
        "appeal_hint": permissions.APPEAL_HINT,
        "latest": latest,
        "live": plugin.live_version,
        "groups": findings_by_field(latest.findings) if latest else [],
        "versions": plugin_selectors.plugin_versions(plugin),
        "testers": plugin_selectors.plugin_testers(plugin),
        "history": plugin.status_changes.select_related("changed_by")[:20],
        "category_form": CategoryForm(initial={"category": plugin.category}),
        "invite_form": InviteTesterForm(),
        "can_refresh": plugin_permissions.can_refresh(request.user, plugin),
        "can_invite": plugin_permissions.can_invite_testers(request.user, plugin),
        "tester_limit": settings.UNVERIFIED_DEVELOPER_LIMIT,
        "watch": watch_selectors.plugin_watch_summary(plugin),
        "domain_standing": domain,
    }
    # Its developers, invitations, listing and ownership (PRODUCT.md section 13).
    context.update(team_context(request.user, plugin))
    return render(request, "pluginstore/developer_plugin_detail.html", context)


@developer_required
@require_POST
def submission_withdraw(request, plugin_id: int, submission_id: int):
    plugin = owned_plugin(request, plugin_id)
    if not selectors.plugin_has_submission(plugin.pk, submission_id):
        raise Http404
    try:
        services.submission_withdraw(submission_id=submission_id, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Submission withdrawn. You can submit again at any time.")
    return redirect(reverse("developer:plugin", kwargs={"plugin_id": plugin.pk}) + "#submissions")
