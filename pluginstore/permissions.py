"""Who may do what with a plugin: PRODUCT.md sections 1 and 2, named once and asked everywhere.

| status     | view the store page              | install / use                              |
|------------|----------------------------------|--------------------------------------------|
| unverified | owner, invited testers, reviewers | owner and invited testers (developers only) |
| approved   | everyone                          | Plus users and developers                   |
| banned     | owner, past installers, reviewers | nobody                                      |
"""

from dataclasses import dataclass
from typing import Any, Protocol

from accounts.models import User
from accounts.permissions import is_reviewer
from pluginstore.choices import PluginStatus


class PluginLike(Protocol):
    """What the rules read from a pluginstore.models.Plugin. They import no model of this app:
    the Plugin's ban transitions ask can_ban for their permission."""

    owner_id: int
    status: str
    testers: Any  # the plugin's TesterInvitation manager


def can_ban(user: User, plugin: PluginLike | None = None) -> bool:
    """Reviewers with the ban permission ban, reinstate and answer appeals; never on a plugin
    of their own. Without a plugin: whether they may moderate at all."""
    allowed = is_reviewer(user) and user.has_perm("pluginstore.ban_plugin")
    return allowed and (plugin is None or plugin.owner_id != user.pk)


def is_owner(user: User, plugin: PluginLike) -> bool:
    return user.is_authenticated and plugin.owner_id == user.pk


def is_tester(user: User, plugin: PluginLike, tester_ids: frozenset[int] | None = None) -> bool:
    """Invited to test; pass tester_ids when the caller already loaded them."""
    if not user.is_authenticated:
        return False
    if tester_ids is not None:
        return user.pk in tester_ids
    return plugin.testers.filter(developer_id=user.pk).exists()


def can_register_plugins(user: User) -> bool:
    """Only developers register plugins."""
    return user.is_authenticated and user.is_active and user.is_developer


def can_manage(user: User, plugin: PluginLike) -> bool:
    """The owner, while a developer, manages the plugin (refresh, testers, submissions)."""
    return can_register_plugins(user) and is_owner(user, plugin)


def can_refresh(user: User, plugin: PluginLike) -> bool:
    """A banned plugin stays frozen as it was banned."""
    return can_manage(user, plugin) and plugin.status != PluginStatus.BANNED


def can_invite_testers(user: User, plugin: PluginLike) -> bool:
    """Testers matter only while the plugin is unverified."""
    return can_manage(user, plugin) and plugin.status == PluginStatus.UNVERIFIED


def can_view(
    user: User, plugin: PluginLike, *, tester_ids=None, has_installed: bool = False
) -> bool:
    """Who can open the plugin's store page."""
    if plugin.status == PluginStatus.APPROVED:
        return True
    if is_reviewer(user) or is_owner(user, plugin):
        return True
    if plugin.status == PluginStatus.UNVERIFIED:
        return is_tester(user, plugin, tester_ids)
    return has_installed  # banned: only to show past installers that it was removed


@dataclass(frozen=True)
class InstallVerdict:
    allowed: bool
    reason: str = ""  # "sign_in" | "upgrade" | "banned" | "not_tester" | "not_developer"
    message: str = ""


def install_verdict(user: User, plugin: PluginLike, *, tester_ids=None) -> InstallVerdict:
    """Whether this user may install (and use) this plugin now, and if not, why (the one install
    rule: the store page, the installed list and installation_create all show the reason)."""
    if plugin.status == PluginStatus.BANNED:
        return InstallVerdict(False, "banned", "This plugin was banned and can no longer be used.")
    if not user.is_authenticated:
        return InstallVerdict(False, "sign_in", "Sign in to install plugins.")
    if not user.is_plus:
        return InstallVerdict(False, "upgrade", "Upgrade to Plus to install plugins.")
    if plugin.status == PluginStatus.APPROVED:
        return InstallVerdict(True)
    # Unverified: only its developer and the developers invited to test it.
    if not user.is_developer:
        return InstallVerdict(
            False, "not_developer", "This plugin is still in development and not yet approved."
        )
    if is_owner(user, plugin) or is_tester(user, plugin, tester_ids):
        return InstallVerdict(True)
    return InstallVerdict(
        False, "not_tester", "Only developers invited to test this plugin can install it."
    )
