"""A plugin's life after registration (PRODUCT.md section 13): the owner unlists an approved
plugin and lists it again, or deletes one that was never approved.

- Unlisted: gone from the store and its search (the store's cache is told); its page stays
  open to its developers, reviewers and those who installed it, whose installs keep working;
  nobody new installs it. Listing it again needs no review: the live version is the one a
  reviewer approved (a newer version is reviewed before it goes live, listed or not).
- Deleted: only a plugin whose status never changed (never approved, never banned), and only
  with no submission waiting for review (withdraw it first). Its closed submissions, versions,
  fetch jobs, testers, co-developers and message threads go with it; the audit row stays.
"""

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from accounts.models import User
from core.exceptions import ApplicationError
from pluginstore import notices, permissions, team_selectors
from pluginstore.choices import TeamAction
from pluginstore.models import Plugin
from pluginstore.services.team import co_developers, lock_plugin, record, tell
from pluginstore.signals import plugin_deleting
from pluginstore.store_cache import store_listing_changed


def _live(plugin: Plugin) -> str:
    number = plugin.live_version.number if plugin.live_version_id else None
    return f"listed (version {number})" if number else "listed"


@transaction.atomic
def plugin_unlist(*, plugin_id: int, by: User) -> Plugin:
    """The owner takes an approved plugin out of the store; installs keep working."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_unlist(by, plugin):
        raise ApplicationError(
            "Only the owner can unlist a plugin, and only an approved, listed one."
        )
    plugin.listed = False
    plugin.save(update_fields=["listed", "updated_at"])
    event = record(
        plugin, TeamAction.UNLISTED, actor=by, from_value=_live(plugin), to_value="unlisted"
    )
    tell(co_developers(plugin), notices.PluginUnlisted, event, plugin, in_thread=True)
    store_listing_changed()
    return plugin


@transaction.atomic
def plugin_relist(*, plugin_id: int, by: User) -> Plugin:
    """The owner lists an unlisted approved plugin again, with no review."""
    plugin = lock_plugin(plugin_id)
    if not permissions.can_relist(by, plugin):
        raise ApplicationError(
            "Only the owner can list a plugin again, and only an approved, unlisted one."
        )
    plugin.listed = True
    plugin.save(update_fields=["listed", "updated_at"])
    event = record(
        plugin, TeamAction.RELISTED, actor=by, from_value="unlisted", to_value=_live(plugin)
    )
    tell(co_developers(plugin), notices.PluginRelisted, event, plugin, in_thread=True)
    store_listing_changed()
    return plugin


@transaction.atomic
def plugin_delete(*, plugin_id: int, by: User, confirmation: str) -> str:
    """The owner deletes a never-approved plugin, confirming by typing its domain; returns
    the deleted plugin's name.

    Sends pluginstore.signals.plugin_deleting under the lock: reviews refuses while a
    submission is open and removes the closed ones (they would otherwise protect the plugin).
    """
    plugin = lock_plugin(plugin_id)
    history = team_selectors.has_status_history(plugin.pk)
    if not permissions.can_delete(by, plugin, has_status_history=history):
        raise ApplicationError(
            "Only the owner can delete a plugin, and only one that was never approved or "
            "banned. An approved plugin can be unlisted instead."
        )
    if (confirmation or "").strip().lower() != plugin.domain.lower():
        raise ApplicationError(f"Type {plugin.domain} to confirm the deletion.")
    name = plugin.display_name
    members = co_developers(plugin)
    event = record(
        plugin, TeamAction.DELETED, actor=by, from_value=plugin.domain, to_value="deleted"
    )
    tell(members, notices.PluginDeleted, event, plugin, in_thread=False)
    plugin_deleting.send(sender=Plugin, plugin=plugin, by=by)
    try:
        with transaction.atomic():
            plugin.delete()
    except (ProtectedError, RestrictedError):
        raise ApplicationError(
            "This plugin is still referred to by other records, so it can't be deleted."
        ) from None
    return name
