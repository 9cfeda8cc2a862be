"""Installs and testers: who uses a plugin."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core import versions
from core.exceptions import ApplicationError
from inbox import kinds
from inbox.services import notification_intent_create
from pluginstore import install_selectors, permissions, team_selectors
from pluginstore.models import Installation, Plugin, TesterInvitation
from pluginstore.signals import plugin_installed
from pluginstore.store_cache import plugin_changed, store_listing_changed


@transaction.atomic
def installation_create(*, user: User, plugin_id: int) -> Installation:
    """Install a plugin for a user allowed to use it; installing twice is harmless."""
    plugin = Plugin.objects.select_for_update().get(pk=plugin_id)
    # An unlisted plugin keeps working for those who have it (installing again is harmless).
    has_installed = Installation.objects.filter(
        user=user, plugin=plugin, removed_at__isnull=True
    ).exists()
    verdict = permissions.install_verdict(user, plugin, has_installed=has_installed)
    if not verdict.allowed:
        raise ApplicationError(verdict.message)
    installation, created = Installation.objects.get_or_create(user=user, plugin=plugin)
    if not created and installation.removed_at is not None:
        # A ban ended it: installing again (after a reinstatement and a new approval) starts
        # it afresh, as a new install that counts again.
        installation.removed_at = None
        installation.removed_reason = ""
        installation.save(update_fields=["removed_at", "removed_reason"])
        created = True
    if created:
        Plugin.objects.filter(pk=plugin.pk).update(install_count=F("install_count") + 1)
        # The cards and the page show the count, and the store sorts by it.
        plugin_changed([plugin.pk])
        store_listing_changed()
    plugin_installed.send(sender=Installation, user=user, plugin=plugin)
    return installation


@transaction.atomic
def installation_delete(*, user: User, plugin_id: int) -> bool:
    """Uninstall; whether there was an install to remove.

    Always allowed for one's own install, whatever became of the plugin or of the access it
    was made with (banned, reinstated as unverified, tester removed, account downgraded): it is
    also how a user clears an install that no longer works from their list.
    """
    plugin = Plugin.objects.select_for_update().get(pk=plugin_id)
    installation = Installation.objects.filter(user=user, plugin=plugin).first()
    if installation is None:
        return False
    installation.delete()
    # A removed install (its plugin's ban ended it) is no longer counted.
    if installation.removed_at is None:
        Plugin.objects.filter(pk=plugin.pk, install_count__gt=0).update(
            install_count=F("install_count") - 1
        )
        plugin_changed([plugin.pk])
        store_listing_changed()
    return True


def installations_end_for_ban(*, plugin: Plugin, reason: str) -> list[User]:
    """A ban ends the plugin's installs (PRODUCT.md section 2): each is kept, listed as removed
    with the reason, and no longer counted; returns the users whose install ended, to be told.

    Called by reviews.moderation.plugin_ban inside its transaction, the plugin locked.
    """
    active = Installation.objects.filter(plugin=plugin, removed_at__isnull=True)
    users = [i.user for i in active.select_related("user").order_by("pk")]
    active.update(removed_at=timezone.now(), removed_reason=reason[:2000])
    versions.bump(install_selectors.INSTALLS_SCOPE, [user.pk for user in users])
    Plugin.objects.filter(pk=plugin.pk).update(install_count=0)
    plugin_changed([plugin.pk])
    plugin.install_count = 0
    return users


# Testers --------------------------------------------------------------------------------


@transaction.atomic
def tester_invite(*, plugin_id: int, by: User, email: str) -> TesterInvitation:
    """Invite a developer to use the unverified plugin (UNVERIFIED_DEVELOPER_LIMIT in all)."""
    plugin = Plugin.objects.select_for_update().get(pk=plugin_id)
    if not permissions.can_invite_testers(by, plugin):
        raise ApplicationError("You can invite testers only to your own unverified plugins.")
    email = (email or "").strip().lower()
    # Case-insensitive, but only ASCII-style case: in SQL, UPPER('alıce') is 'ALICE', and a
    # look-alike account must not receive an invitation meant for someone else.
    matches = [u for u in User.objects.filter(email__iexact=email) if u.email.lower() == email]
    developer = matches[0] if len(matches) == 1 else None
    if developer is None or not developer.is_developer:
        raise ApplicationError(
            "There is no developer account with that email. Testers need developer access."
        )
    if developer.pk == plugin.owner_id:
        raise ApplicationError("You own this plugin; you can always use it.")
    if plugin.testers.filter(developer=developer).exists():
        raise ApplicationError(f"{developer.email} is already a tester.")
    if permissions.is_co_developer(developer, plugin):
        raise ApplicationError(f"{developer.email} is a co-developer; they can already use it.")
    # "Developer access: 100" is 100 in all: the owner and the co-developers count too.
    limit = settings.UNVERIFIED_DEVELOPER_LIMIT
    if team_selectors.team_size(plugin) >= limit:
        members = plugin.members.count()
        others = f", {members} co-developer{'s' if members != 1 else ''} and" if members else " and"
        raise ApplicationError(
            f"An unverified plugin can have at most {limit} developers in all: you{others} "
            f"{limit - 1 - members} testers. Remove a tester, or submit the plugin for review so "
            "everyone with Plus can use it."
        )
    invitation = TesterInvitation.objects.create(plugin=plugin, developer=developer, invited_by=by)
    # The tester does not own the plugin: Account notices, not the plugin's thread.
    notification_intent_create(
        recipient=developer,
        notice=kinds.TesterInvited(
            invitation_id=invitation.pk,
            plugin_id=plugin.pk,
            plugin_name=plugin.display_name,
            plugin_slug=plugin.slug,
            invited_by=by.public_name,
        ),
        thread_plugin_id=None,
    )
    return invitation


@transaction.atomic
def tester_remove(*, plugin_id: int, by: User, invitation_id: int) -> bool:
    """The owner removes a tester; whether this plugin had that invitation to remove.

    The tester's install, if any, stays (listed as unavailable, with the reason): it works
    again if they are invited again or the plugin is approved, and they can remove it.
    """
    plugin = Plugin.objects.select_for_update().get(pk=plugin_id)
    if not permissions.can_manage_people(by, plugin):
        raise ApplicationError("You can't change this plugin's testers.")
    deleted, _ = TesterInvitation.objects.filter(pk=invitation_id, plugin=plugin).delete()
    return bool(deleted)
