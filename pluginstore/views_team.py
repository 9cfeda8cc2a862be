"""The developer pages of a plugin's team and life (PRODUCT.md section 13): co-developers,
transfer, invitations and their answer, unlist and relist, delete.

Thin views: each validates its form, calls one service (pluginstore.services.team or
.lifecycle), flashes the outcome and goes back to the plugin's page. Someone else's plugin or
invitation is a 404, as on every developer page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.exceptions import ApplicationError
from pluginstore import permissions
from pluginstore import team_selectors as selectors
from pluginstore.choices import InvitationKind, InvitationState, PluginStatus
from pluginstore.forms import DeletePluginForm, TeamEmailForm
from pluginstore.models import Plugin, PluginInvitation
from pluginstore.services import lifecycle, team
from pluginstore.views_developer import developer_required, owned_plugin

INVITE_HELP = (
    "Co-developers refresh, submit and answer reviewers; only you manage people, transfer, "
    "unlist or delete. The invitation is valid for 14 days."
)
TRANSFER_HELP = (
    "They become the owner once they accept; you stay on as a co-developer and can leave."
)


def team_context(user, plugin: Plugin) -> dict:
    """What the plugin's developer page shows of its team and life (the _team.html and
    _lifecycle.html partials); at most three queries for the owner, one for a co-developer."""
    owner = permissions.can_manage_people(user, plugin)
    co_developers = list(selectors.plugin_co_developers(plugin))
    invitations = list(selectors.pending_invitations(plugin)) if owner else []
    # Only an unverified plugin may be deletable: whether it ever was approved or banned.
    unverified = plugin.status == PluginStatus.UNVERIFIED
    has_history = selectors.has_status_history(plugin.pk) if owner and unverified else True
    return {
        "co_developers": co_developers,
        "is_plugin_owner": permissions.is_owner(user, plugin),
        "can_manage_people": owner,
        "can_invite_co_developers": permissions.can_invite_co_developers(user, plugin),
        "can_transfer": permissions.can_transfer(user, plugin),
        "can_leave": permissions.can_leave(user, plugin),
        "can_unlist": permissions.can_unlist(user, plugin),
        "can_relist": permissions.can_relist(user, plugin),
        "can_delete": permissions.can_delete(user, plugin, has_status_history=has_history),
        "pending_invitations": [i for i in invitations if i.kind == InvitationKind.CO_DEVELOPER],
        "pending_transfer": next(
            (i for i in invitations if i.kind == InvitationKind.TRANSFER), None
        ),
        "co_developer_form": TeamEmailForm(prefix_id="co_developer", help_text=INVITE_HELP),
        "transfer_form": TeamEmailForm(prefix_id="transfer", help_text=TRANSFER_HELP),
        "team_size": 1 + len(co_developers),
    }


def _back(plugin_id: int, anchor: str = "team"):
    return redirect(reverse("developer:plugin", kwargs={"plugin_id": plugin_id}) + f"#{anchor}")


@developer_required
@require_POST
def co_developer_invite(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    form = TeamEmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the email address of a developer account.")
        return _back(plugin.pk)
    try:
        invitation = team.co_developer_invite(
            plugin_id=plugin.pk, by=request.user, email=form.cleaned_data["email"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        # The same answer whether or not a developer has that email.
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. If they have a developer account, they can "
            f"accept it until {invitation.expires_at:%d %b %Y}.",
        )
    return _back(plugin.pk)


@developer_required
@require_POST
def transfer_offer(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    form = TeamEmailForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the email address of a developer account.")
        return _back(plugin.pk, "lifecycle")
    try:
        invitation = team.transfer_offer(
            plugin_id=plugin.pk, by=request.user, email=form.cleaned_data["email"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{plugin.display_name} is offered to {invitation.email}. It stays yours until "
            f"they accept, at the latest by {invitation.expires_at:%d %b %Y}.",
        )
    return _back(plugin.pk, "lifecycle")


@developer_required
@require_POST
def invitation_cancel(request, plugin_id: int, invitation_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        team.invitation_cancel(plugin_id=plugin.pk, invitation_id=invitation_id, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Invitation cancelled.")
    return _back(plugin.pk)


@developer_required
@require_POST
def co_developer_remove(request, plugin_id: int, member_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        removed = team.co_developer_remove(
            plugin_id=plugin.pk, by=request.user, member_id=member_id
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if removed:
            messages.success(request, "Co-developer removed.")
        else:
            messages.error(
                request, "That person is not a co-developer of this plugin, so nothing changed."
            )
    return _back(plugin.pk)


@login_required
@require_POST
def co_developer_leave(request, plugin_id: int):
    # Not owned_plugin: a co-developer whose developer access ended may still leave.
    plugin = get_object_or_404(
        Plugin.objects.only("id", "owner_id", "name", "domain"), pk=plugin_id
    )
    if not permissions.can_leave(request.user, plugin):
        raise Http404
    try:
        team.co_developer_leave(plugin_id=plugin.pk, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back(plugin.pk)
    messages.success(request, f"You left {plugin.display_name}.")
    return redirect("developer:plugins")


@developer_required
@require_POST
def plugin_unlist(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        lifecycle.plugin_unlist(plugin_id=plugin.pk, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{plugin.display_name} is unlisted: gone from the store and search. Existing "
            "installs keep working.",
        )
    return _back(plugin.pk, "lifecycle")


@developer_required
@require_POST
def plugin_relist(request, plugin_id: int):
    plugin = owned_plugin(request, plugin_id)
    try:
        lifecycle.plugin_relist(plugin_id=plugin.pk, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{plugin.display_name} is back in the store.")
    return _back(plugin.pk, "lifecycle")


@developer_required
@require_http_methods(["GET", "HEAD", "POST"])
def plugin_delete(request, plugin_id: int):
    """A confirmation page: type the domain, then the plugin and its versions are gone."""
    plugin = owned_plugin(request, plugin_id)
    has_history = selectors.has_status_history(plugin.pk)
    if not permissions.can_delete(request.user, plugin, has_status_history=has_history):
        messages.error(
            request,
            "Only the owner can delete a plugin, and only one that was never approved or banned.",
        )
        return _back(plugin.pk, "lifecycle")
    form = DeletePluginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            name = lifecycle.plugin_delete(
                plugin_id=plugin.pk,
                by=request.user,
                confirmation=form.cleaned_data["confirmation"],
            )
        except ApplicationError as error:
            form.add_error("confirmation", error.message)
        else:
            messages.success(request, f"{name} was deleted.")
            return redirect("developer:plugins")
    context = {"plugin": plugin, "form": form, "co_developers": list(plugin.members.all())}
    status = 400 if form.errors else 200
    return render(request, "pluginstore/plugin_delete.html", context, status=status)


# The invited developer's side -------------------------------------------------------------


@login_required
@require_safe
def invitation_list(request):
    """Invitations waiting for this account's answer."""
    context = {"invitations": list(selectors.invitations_for(request.user))}
    return render(request, "pluginstore/invitations.html", context)


def _my_invitation(request, invitation_id: int) -> PluginInvitation:
    """An invitation addressed to the request user's email, or a 404."""
    email = (request.user.email or "").lower()
    return get_object_or_404(
        PluginInvitation.objects.select_related("plugin", "invited_by"),
        pk=invitation_id,
        email=email,
    )


@login_required
@require_safe
def invitation_detail(request, invitation_id: int):
    invitation = _my_invitation(request, invitation_id)
    expired = (
        invitation.state == InvitationState.PENDING and invitation.expires_at <= timezone.now()
    )
    context = {
        "invitation": invitation,
        "plugin": invitation.plugin,
        "expired": expired,
        "answerable": invitation.state == InvitationState.PENDING and not expired,
        "is_developer": permissions.can_register_plugins(request.user),
    }
    return render(request, "pluginstore/invitation_detail.html", context)


@login_required
@require_POST
def invitation_accept(request, invitation_id: int):
    invitation = _my_invitation(request, invitation_id)
    try:
        plugin = team.invitation_accept(invitation_id=invitation.pk, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("developer:invitation", invitation_id=invitation.pk)
    if invitation.kind == InvitationKind.TRANSFER:
        messages.success(request, f"You own {plugin.display_name} now.")
    else:
        messages.success(request, f"You are a co-developer of {plugin.display_name}.")
    return redirect("developer:plugin", plugin_id=plugin.pk)


@login_required
@require_POST
def invitation_decline(request, invitation_id: int):
    invitation = _my_invitation(request, invitation_id)
    try:
        team.invitation_decline(invitation_id=invitation.pk, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("developer:invitation", invitation_id=invitation.pk)
    messages.success(request, "Invitation declined. The owner has been told.")
    return redirect("developer:invitations")
