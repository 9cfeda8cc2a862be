"""Installs that follow the plugin's life (PRODUCT.md section 2, issue 13 item 3): what the
installers hear. The installs themselves change in pluginstore.services (a ban ends them,
installing again starts afresh); reviews.moderation and reports.receivers call these inside
the transaction of the ban or of the new approval.
"""

from collections.abc import Iterable

from accounts.models import User
from inbox.services import notification_intent_create
from pluginstore.models import Installation, Plugin, PluginStatusChange
from reports import notices


def tell_installs_removed(
    plugin: Plugin, users: Iterable[User], *, change: PluginStatusChange, reason: str
) -> None:
    """The ban ended these users' installs: each hears it once (keyed by the ban's audit row)."""
    for user in users:
        notification_intent_create(
            recipient=user,
            notice=notices.InstallRemoved(
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                status_change_id=change.pk,
                reason=reason,
            ),
            thread_plugin_id=None,
        )


def tell_former_installers(change: PluginStatusChange) -> int:
    """The plugin is approved again: everyone whose install a ban removed (and who kept it in
    their list) hears once that it is back and may be installed again; how many."""
    removed = (
        Installation.objects.filter(plugin_id=change.plugin_id, removed_at__isnull=False)
        .select_related("user", "plugin")
        .order_by("pk")
    )
    count = 0
    for installation in removed:
        plugin = installation.plugin
        notification_intent_create(
            recipient=installation.user,
            notice=notices.PluginBack(
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                plugin_slug=plugin.slug,
                status_change_id=change.pk,
            ),
            thread_plugin_id=None,
        )
        count += 1
    return count
