"""Who may report a plugin and who handles reports (PRODUCT.md section 11). The rules take
objects and compare against the choices; they import no model of this app."""

from accounts.permissions import is_reviewer
from pluginstore.choices import PluginStatus
from pluginstore.permissions import PluginLike, is_owner


def can_report(user, plugin: PluginLike) -> bool:
    """Any signed-in user may report an approved plugin, except its owner."""
    return bool(
        user.is_authenticated
        and user.is_active
        and plugin.status == PluginStatus.APPROVED
        and not is_owner(user, plugin)
    )


def can_handle_reports(user, plugin: PluginLike | None = None) -> bool:
    """Reviewers read and dismiss reports; never on a plugin of their own. Without a plugin:
    whether they may see the reports list at all."""
    return is_reviewer(user) and (plugin is None or not is_owner(user, plugin))
