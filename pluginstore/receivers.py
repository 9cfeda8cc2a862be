"""Receivers of other apps' changes (connected in PluginstoreConfig.ready)."""

from django.conf import settings
from django.db import transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from core import versions
from domains.plugins import ClosedRegistration, register_owned_plugin_lookup
from domains.signals import domain_verified
from pluginstore.install_selectors import INSTALLS_SCOPE
from pluginstore.models import (
    Installation,
    Plugin,
    PluginMember,
    PluginStatus,
    PluginVersion,
    TesterInvitation,
)
from pluginstore.selectors import PLUGIN_SCOPE
from pluginstore.store_cache import plugin_changed, store_listing_changed

# Copies read together (core/versions.py prefetch): the user's installs with their row, a
# plugin's page data and description on its page.
versions.add_to_group("user", lambda user_id: [(INSTALLS_SCOPE, user_id, "rows")])


def _page_copies(user_id, plugin_id):
    yield PLUGIN_SCOPE, plugin_id, "page"
    # Signed in: the page is assembled from the description and the visitor's parts; without
    # a session it comes whole (views_store.store_detail).
    yield PLUGIN_SCOPE, plugin_id, "article" if user_id is not None else "anonymous:"


versions.add_to_group("plugin-page", _page_copies)


@receiver(post_save, sender=Plugin, dispatch_uid="pluginstore.plugin_saved")
@receiver(post_delete, sender=Plugin, dispatch_uid="pluginstore.plugin_deleted")
def plugin_saved(sender, instance: Plugin, **kwargs) -> None:
    """The plugin's detail page copies are stale (store_cache.plugin_changed)."""
    plugin_changed([instance.pk])


@receiver(post_save, sender=PluginVersion, dispatch_uid="pluginstore.version_saved")
@receiver(post_delete, sender=PluginVersion, dispatch_uid="pluginstore.version_deleted")
@receiver(post_save, sender=TesterInvitation, dispatch_uid="pluginstore.tester_saved")
@receiver(post_delete, sender=TesterInvitation, dispatch_uid="pluginstore.tester_deleted")
@receiver(post_save, sender=PluginMember, dispatch_uid="pluginstore.member_saved")
@receiver(post_delete, sender=PluginMember, dispatch_uid="pluginstore.member_deleted")
def plugin_part_saved(sender, instance, **kwargs) -> None:
    """A version, a tester or a co-developer: part of what the plugin's page reads."""
    plugin_changed([instance.plugin_id])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="pluginstore.owner_renamed")
def owner_renamed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    """The store's cards name each plugin's developer: a new name shows on the next request."""
    if created or (update_fields is not None and "display_name" not in update_fields):
        return
    owned = list(Plugin.objects.filter(owner_id=instance.pk).values_list("pk", "status"))
    plugin_changed([pk for pk, _ in owned])
    if any(status == PluginStatus.APPROVED for _, status in owned):
        store_listing_changed()


@receiver(post_save, sender=Installation, dispatch_uid="pluginstore.install_saved")
@receiver(post_delete, sender=Installation, dispatch_uid="pluginstore.install_deleted")
def installs_changed(sender, instance: Installation, **kwargs) -> None:
    """The user's copy of their installs (install_selectors.installed_ids) is stale; a ban's bulk
    update bumps in services.installs.installations_end_for_ban."""
    versions.bump(INSTALLS_SCOPE, [instance.user_id])


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="pluginstore.release_installs")
def release_installs_of_deleted_user(sender, instance, **kwargs) -> None:
    """A deleted account's installs go with it (CASCADE): count each plugin down first, in the
    deletion's own transaction, as uninstalling would, so no install count stays raised."""
    # A removed install (its plugin's ban ended it) is no longer counted.
    plugin_ids = Installation.objects.filter(user=instance, removed_at__isnull=True).values(
        "plugin_id"
    )
    counted = list(
        Plugin.objects.filter(pk__in=plugin_ids, install_count__gt=0).values_list("pk", flat=True)
    )
    Plugin.objects.filter(pk__in=counted).update(install_count=F("install_count") - 1)
    if counted:
        plugin_changed(counted)
        store_listing_changed()


# Domain ownership (the domains app, a floor below): it reads a developer's own plugin through
# this lookup, and asks pluginstore to close other developers' registrations of a domain once
# someone verifies it.


def _owned_plugin(user, plugin_id: int) -> Plugin | None:
    return (
        Plugin.objects.filter(pk=plugin_id, owner_id=user.pk)
        .only("id", "owner", "domain", "status", "name", "slug")
        .first()
    )


register_owned_plugin_lookup(_owned_plugin)


@receiver(domain_verified, dispatch_uid="pluginstore.close_other_registrations")
def close_other_registrations(sender, claim, **kwargs) -> list[ClosedRegistration]:
    """The first developer to verify a domain owns it: other developers' never-approved
    registrations of it are deleted, in the verification's transaction; domains tells their
    owners. Approved or banned ones stay (a reviewer decided on them), and so does one that
    another row protects (a submission's history): none of them can be submitted again, as
    the domain is no longer their owner's to prove."""
    closed = []
    plugins = (
        Plugin.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(domain=claim.domain, status=PluginStatus.UNVERIFIED, approved_at__isnull=True)
        .exclude(owner_id=claim.developer_id)
        .order_by("pk")
    )
    for plugin in plugins:
        record = ClosedRegistration(
            plugin_id=plugin.pk, plugin_name=plugin.display_name, owner=plugin.owner
        )
        try:
            with transaction.atomic():
                plugin.delete()
        except (ProtectedError, RestrictedError):
            continue
        closed.append(record)
    return closed
