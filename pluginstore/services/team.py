"""A plugin's team (PRODUCT.md section 13): co-developers invited by email, and the transfer of
ownership to another developer, who accepts.

Every change runs in one transaction with the plugin's row locked first (then the
invitation), writes its audit row (PluginEvent) and tells those it affects, each once (the
notice is keyed by the audit row; pluginstore.notices says who hears what).

An invitation names an email, not an account: the owner gets the same answer whether or not a
developer has that email, so the form can't be used to find out who has an account here. A
developer account with that email is told in Help > Messages; anyone who signs in with that
email (and has developer access) may answer it on its page until it expires.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from domains.services import claim_transfer
from inbox.services import notification_intent_create
from pluginstore import notices, permissions, team_selectors
from pluginstore.choices import InvitationKind, InvitationState, PluginStatus, TeamAction
from pluginstore.models import Plugin, PluginEvent, PluginInvitation, PluginMember
from pluginstore.services.catalogue import _update_search_vector
from pluginstore.store_cache import store_listing_changed

# How long an invitation or a transfer offer waits for its answer.
INVITATION_DAYS = 14
# Invitations one plugin may have waiting at once (bounds what one owner can send).
MAX_PENDING_INVITATIONS = 20

NOT_FOUND = "This invitation does not exist."


def lock_plugin(plugin_id: int) -> Plugin:
    """The plugin's row, locked, with its owner; a plugin gone meanwhile is a clear refusal."""
    plugin = Plugin.objects.select_for_update(of=("self",)).select_related("owner")
    plugin = plugin.filter(pk=plugin_id).first()
    if plugin is None:
        raise ApplicationError("This plugin no longer exists.")
    return plugin


def record(
    plugin: Plugin,
    action: str,
    *,
    actor: User | None,
    subject: str = "",
    from_value: str = "",
    to_value: str = "",
) -> PluginEvent:
    """The audit row of one team or lifecycle change."""
    return PluginEvent.objects.create(
        plugin=plugin,
        plugin_label=plugin.display_name[:255],
        action=action,
        actor=actor,
        subject=subject,
        from_value=from_value[:255],
        to_value=to_value[:255],
    )


def tell(
    recipients,
    kind: type[notices.TeamNotice],
    event: PluginEvent,
    plugin: Plugin,
    *,
    in_thread: bool,
    **fields,
) -> None:
    """One notice of this event to each recipient (a person at most once)."""
    seen = set()
    for person in recipients:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        notification_intent_create(
            recipient=person,
            notice=kind(
                event_id=event.pk,
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                actor_name=event.actor.public_name if event.actor else "",
                subject_email=event.subject,
                **fields,
            ),
            thread_plugin_id=plugin.pk if in_thread else None,
        )


def co_developers(plugin: Plugin) -> list[User]:
    return [m.developer for m in plugin.members.select_related("developer").order_by("pk")]


def _email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError("Enter a valid email address.") from None
    return email


def _account_for(email: str) -> User | None:
    """The developer account with exactly this email (ASCII case aside), if any."""
    # As tester_invite: SQL's UPPER folds 'ı' to 'I'; a look-alike must not match.
    matches = [u for u in User.objects.filter(email__iexact=email) if u.email.lower() == email]
    return matches[0] if len(matches) == 1 and matches[0].is_developer else None


def _expire_stale(plugin: Plugin) -> None:
    """Mark the plugin's invitations past their date expired (audited; nobody is told)."""
    stale = plugin.invitations.filter(
        state=InvitationState.PENDING, expires_at__lte=timezone.now()
    ).order_by("pk")
    for invitation in stale:
        invitation.state = InvitationState.EXPIRED
        invitation.save(update_fields=["state"])
        record(plugin, TeamAction.INVITATION_EXPIRED, actor=None, subject=invitation.email)


def check_team_limit(plugin: Plugin, *, adding: int) -> None:
    """Owner, co-developers and testers together stay within UNVERIFIED_DEVELOPER_LIMIT."""
    limit = settings.UNVERIFIED_DEVELOPER_LIMIT
    if team_selectors.team_size(plugin) + adding > limit:
        raise ApplicationError(
            f"A plugin can have at most {limit} developers in all: the owner, co-developers "
            "and testers. Remove a tester or a co-developer first."
        )


def _invite(plugin: Plugin, *, by: User, email: str, kind: str) -> PluginInvitation:
    email = _email(email)
    if email == (plugin.owner.email or "").lower():
        raise ApplicationError("That is the owner's own email address.")
    _expire_stale(plugin)
    is_member = plugin.members.filter(developer__email__iexact=email).exists()
    if kind == InvitationKind.CO_DEVELOPER and is_member:
        raise ApplicationError(f"{email} is already a co-developer.")
    pending = plugin.invitations.filter(state=InvitationState.PENDING)
    if pending.filter(kind=kind, email=email).exists():
        raise ApplicationError(f"{email} already has an invitation waiting for an answer.")
    if kind == InvitationKind.TRANSFER and pending.filter(kind=kind).exists():
        raise ApplicationError(
            "This plugin is already offered to another developer; cancel that offer first."
        )
    if pending.count() >= MAX_PENDING_INVITATIONS:
        raise ApplicationError(
            f"At most {MAX_PENDING_INVITATIONS} invitations can wait for an answer at once; "
            "cancel one first."
        )
    if kind == InvitationKind.CO_DEVELOPER:
        check_team_limit(plugin, adding=1)
    now = timezone.now()
    invitation = PluginInvitation.objects.create(
        plugin=plugin,
        kind=kind,
        email=email,
        invited_by=by,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    transfer = kind == InvitationKind.TRANSFER
    event = record(
        plugin,
        TeamAction.TRANSFER_OFFERED if transfer else TeamAction.INVITED,
        actor=by,
        subject=email,
        from_value=plugin.owner.email if transfer else "",
        to_value=email if transfer else "",
    )
    tell(
        [_account_for(email)],
        notices.TransferOffered if transfer else notices.CoDeveloperInvited,
        event,
        plugin,
        in_thread=False,
        invitation_id=invitation.pk,
    )
    return invitation


@transaction.atomic
def co_developer_invite(*, plugin_id: int, by: User, email: str) -> PluginInvitation:
    """The owner invites the developer with this email to develop the plugin with them."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_invite_co_developers(by, plugin):
        raise ApplicationError(
            "Only the owner can invite co-developers, and not to a banned plugin."
        )
    return _invite(plugin, by=by, email=email, kind=InvitationKind.CO_DEVELOPER)


@transaction.atomic
def transfer_offer(*, plugin_id: int, by: User, email: str) -> PluginInvitation:
    """The owner offers the plugin to the developer with this email, who accepts on a page."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_transfer(by, plugin):
        raise ApplicationError("Only the owner can transfer this plugin, and not a banned one.")
    return _invite(plugin, by=by, email=email, kind=InvitationKind.TRANSFER)


def _locked_invitation(invitation_id: int) -> tuple[Plugin, PluginInvitation]:
    plugin_id = (
        PluginInvitation.objects.filter(pk=invitation_id).values_list("plugin_id", flat=True)
    ).first()
    if plugin_id is None:
        raise ApplicationError(NOT_FOUND)
    plugin = lock_plugin(plugin_id)
    invitation = PluginInvitation.objects.select_for_update().get(pk=invitation_id)
    return plugin, invitation


def _answerable(invitation: PluginInvitation, user: User) -> None:
    """Only the account with the invited email answers, while the invitation waits."""
    if not user.is_authenticated or (user.email or "").lower() != invitation.email:
        raise ApplicationError(NOT_FOUND)
    expired = (
        invitation.state == InvitationState.PENDING and invitation.expires_at <= timezone.now()
    )
    if expired or invitation.state == InvitationState.EXPIRED:
        raise ApplicationError("This invitation has expired. Ask the owner for a new one.")
    if invitation.state != InvitationState.PENDING:
        raise ApplicationError(
            f"This invitation was already {invitation.get_state_display().lower()}."
        )


def _close(invitation: PluginInvitation, state: str) -> None:
    invitation.state = state
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at"])


@transaction.atomic
def invitation_accept(*, invitation_id: int, user: User) -> Plugin:
    """The invited developer joins the plugin as a co-developer, or takes it over."""
    plugin, invitation = _locked_invitation(invitation_id)
    _answerable(invitation, user)
    if not permissions.can_register_plugins(user):
        raise ApplicationError("You need developer access to accept. Request it on your profile.")
    if invitation.kind == InvitationKind.TRANSFER:
        return _take_over(plugin, invitation, user)
    if permissions.is_member(user, plugin):
        raise ApplicationError("You already develop this plugin.")
    if plugin.status == PluginStatus.BANNED:
        raise ApplicationError("This plugin is banned; it takes no new developers.")
    # A tester who joins is no longer counted twice.
    plugin.testers.filter(developer=user).delete()
    check_team_limit(plugin, adding=1)
    PluginMember.objects.create(plugin=plugin, developer=user, added_by=invitation.invited_by)
    _close(invitation, InvitationState.ACCEPTED)
    event = record(plugin, TeamAction.INVITATION_ACCEPTED, actor=user, subject=invitation.email)
    others = [plugin.owner, *(d for d in co_developers(plugin) if d.pk != user.pk)]
    tell(others, notices.CoDeveloperJoined, event, plugin, in_thread=True)
    return plugin


def _take_over(plugin: Plugin, invitation: PluginInvitation, user: User) -> Plugin:
    """The transfer: the new owner owns it, with the previous owner's proof of its domain; the
    previous owner stays on as a co-developer."""
    if plugin.owner_id == user.pk:
        raise ApplicationError("You already own this plugin.")
    if plugin.status == PluginStatus.BANNED:
        raise ApplicationError("This plugin is banned; it can't change hands.")
    if Plugin.objects.filter(owner=user, domain=plugin.domain).exists():
        raise ApplicationError(
            f"You already have a plugin for {plugin.domain}. Delete or transfer it first."
        )
    previous = plugin.owner
    plugin.members.filter(developer=user).delete()
    plugin.testers.filter(developer=user).delete()
    plugin.owner = user
    plugin.save(update_fields=["owner", "updated_at"])
    # Verified domain ownership belongs to a developer (PRODUCT.md section 9): the previous
    # owner's hold on the plugin's domain goes with the plugin, so the new owner can submit it.
    claim_transfer(domain=plugin.domain, from_developer=previous, to_developer=user)
    PluginMember.objects.create(plugin=plugin, developer=previous, added_by=user)
    check_team_limit(plugin, adding=0)
    _close(invitation, InvitationState.ACCEPTED)
    # An invitation to join, addressed to the new owner, has no point any more.
    plugin.invitations.filter(
        state=InvitationState.PENDING, kind=InvitationKind.CO_DEVELOPER, email=invitation.email
    ).update(state=InvitationState.CANCELLED, answered_at=timezone.now())
    event = record(
        plugin,
        TeamAction.TRANSFERRED,
        actor=user,
        subject=invitation.email,
        from_value=previous.email,
        to_value=user.email,
    )
    tell(
        [previous, *co_developers(plugin)],
        notices.OwnershipTransferred,
        event,
        plugin,
        in_thread=True,
        previous_owner_email=previous.email,
    )
    # The store shows, and searches, the developer's name.
    _update_search_vector(plugin.pk)
    store_listing_changed()
    return plugin


@transaction.atomic
def invitation_decline(*, invitation_id: int, user: User) -> PluginInvitation:
    """The invited developer says no; the owner hears of it."""
    plugin, invitation = _locked_invitation(invitation_id)
    _answerable(invitation, user)
    _close(invitation, InvitationState.DECLINED)
    event = record(plugin, TeamAction.INVITATION_DECLINED, actor=user, subject=invitation.email)
    transfer = invitation.kind == InvitationKind.TRANSFER
    tell(
        [plugin.owner], notices.InvitationDeclined, event, plugin, in_thread=True, transfer=transfer
    )
    return invitation


@transaction.atomic
def invitation_cancel(*, plugin_id: int, invitation_id: int, by: User) -> PluginInvitation:
    """The owner takes back an invitation or a transfer offer still waiting for its answer."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_manage_people(by, plugin):
        raise ApplicationError("Only the owner can cancel invitations.")
    invitation = (
        PluginInvitation.objects.select_for_update().filter(pk=invitation_id, plugin=plugin).first()
    )
    if invitation is None:
        raise ApplicationError(NOT_FOUND)
    _expire_stale(plugin)
    invitation.refresh_from_db()
    if invitation.state != InvitationState.PENDING:
        raise ApplicationError(
            f"This invitation was already {invitation.get_state_display().lower()}."
        )
    _close(invitation, InvitationState.CANCELLED)
    event = record(plugin, TeamAction.INVITATION_CANCELLED, actor=by, subject=invitation.email)
    tell(
        [_account_for(invitation.email)],
        notices.InvitationCancelled,
        event,
        plugin,
        in_thread=False,
    )
    return invitation


@transaction.atomic
def co_developer_remove(*, plugin_id: int, by: User, member_id: int) -> bool:
    """The owner removes a co-developer; whether this plugin had that member to remove."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_manage_people(by, plugin):
        raise ApplicationError("Only the owner can remove co-developers.")
    member = plugin.members.select_related("developer").filter(pk=member_id).first()
    if member is None:
        return False
    member.delete()
    event = record(plugin, TeamAction.MEMBER_REMOVED, actor=by, subject=member.developer.email)
    tell([member.developer], notices.CoDeveloperRemoved, event, plugin, in_thread=False)
    return True


@transaction.atomic
def co_developer_leave(*, plugin_id: int, user: User) -> None:
    """A co-developer leaves the plugin; the owner hears of it."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_leave(user, plugin):
        raise ApplicationError("You are not a co-developer of this plugin.")
    plugin.members.filter(developer=user).delete()
    event = record(plugin, TeamAction.MEMBER_LEFT, actor=user, subject=user.email)
    tell([plugin.owner], notices.CoDeveloperLeft, event, plugin, in_thread=True)
