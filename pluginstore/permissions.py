"""Who may do what with a plugin: PRODUCT.md sections 1, 2 and 13, named once and asked
everywhere (the web pages, the API, the bot and the admin).

| status            | view the store page                | install / use                   |
|-------------------|------------------------------------|---------------------------------|
| unverified        | developers, testers, reviewers     | developers and testers          |
| approved          | everyone                           | Plus users and developers       |
| approved unlisted | developers, installers, reviewers  | past installers and developers  |
| banned            | developers, installers, reviewers  | nobody                          |

"Developers" are the owner and the co-developers (PluginMember). Co-developers work on the
plugin (refresh, category, submit, reply, withdraw); only the owner manages people (testers,
co-developers, invitations), transfers, unlists, relists and deletes it.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import prefetch_related_objects

from accounts.models import User
from accounts.permissions import is_reviewer
from pluginstore.choices import PluginStatus


class PluginLike(Protocol):
    """What the rules read from a pluginstore.models.Plugin. They import no model of this app:
    the Plugin's ban transitions ask can_ban for their permission."""

    owner_id: int
    status: str
    listed: bool
    unavailable_since: Any  # a datetime, or None
    testers: Any  # the plugin's TesterInvitation manager
    members: Any  # the plugin's PluginMember manager (its co-developers)


def can_ban(user: User, plugin: PluginLike | None = None) -> bool:
    """Reviewers with the ban permission ban, reinstate and answer appeals; never on a plugin
    of their own. Without a plugin: whether they may moderate at all."""
    allowed = is_reviewer(user) and user.has_perm("pluginstore.ban_plugin")
    return allowed and (plugin is None or plugin.owner_id != user.pk)


def is_owner(user: User, plugin: PluginLike) -> bool:
    return user.is_authenticated and plugin.owner_id == user.pk


def is_co_developer(user: User, plugin: PluginLike) -> bool:
    """A co-developer of the plugin. Reads the members prefetched with the plugin
    (prefetch_related("members")), else prefetches them: one query per plugin object, however
    many rules a page asks about it."""
    if not user.is_authenticated:
        return False
    prefetch_related_objects([plugin], "members")
    return any(member.developer_id == user.pk for member in plugin.members.all())


def is_member(user: User, plugin: PluginLike) -> bool:
    """One of the plugin's developers: its owner or a co-developer."""
    return is_owner(user, plugin) or is_co_developer(user, plugin)


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
    """The owner or a co-developer, while a developer, works on the plugin: its developer
    pages, refresh, category, submissions (submit, reply, withdraw)."""
    return can_register_plugins(user) and is_member(user, plugin)


def can_submit(user: User, plugin: PluginLike) -> bool:
    """Who may submit it for review (reviews.permissions.submission_blocker says when)."""
    return can_manage(user, plugin)


def can_reply(user: User, plugin: PluginLike) -> bool:
    """Whose reply in the plugin's thread answers reviewers (a request for changes)."""
    return can_manage(user, plugin)


def can_manage_people(user: User, plugin: PluginLike) -> bool:
    """Only the owner, while a developer, invites and removes testers and co-developers."""
    return can_register_plugins(user) and is_owner(user, plugin)


def can_invite_co_developers(user: User, plugin: PluginLike) -> bool:
    """A banned plugin gains no developers."""
    return can_manage_people(user, plugin) and plugin.status != PluginStatus.BANNED


def can_leave(user: User, plugin: PluginLike) -> bool:
    """A co-developer may leave at any time, developer access or not."""
    return is_co_developer(user, plugin)


def can_transfer(user: User, plugin: PluginLike) -> bool:
    """The owner offers the plugin to another developer; a banned one stays with its owner."""
    return can_manage_people(user, plugin) and plugin.status != PluginStatus.BANNED


def can_unlist(user: User, plugin: PluginLike) -> bool:
    """The owner takes an approved, listed plugin out of the store and search."""
    return (
        can_manage_people(user, plugin) and plugin.status == PluginStatus.APPROVED and plugin.listed
    )


def can_relist(user: User, plugin: PluginLike) -> bool:
    """The owner lists an unlisted approved plugin again, with no review: its live version is
    the one that was approved."""
    return (
        can_manage_people(user, plugin)
        and plugin.status == PluginStatus.APPROVED
        and not plugin.listed
    )


def can_delete(user: User, plugin: PluginLike, *, has_status_history: bool) -> bool:
    """The owner deletes a plugin that was never approved nor banned: its status never changed
    (has_status_history: pluginstore.team_selectors.has_status_history says whether it did)."""
    return (
        can_manage_people(user, plugin)
        and plugin.status == PluginStatus.UNVERIFIED
        and not has_status_history
    )


def can_refresh(user: User, plugin: PluginLike) -> bool:
    """A banned plugin stays frozen as it was banned."""
    return can_manage(user, plugin) and plugin.status != PluginStatus.BANNED


def can_invite_testers(user: User, plugin: PluginLike) -> bool:
    """Testers matter only while the plugin is unverified."""
    return can_manage_people(user, plugin) and plugin.status == PluginStatus.UNVERIFIED


def can_view(
    user: User, plugin: PluginLike, *, tester_ids=None, has_installed: bool = False
) -> bool:
    """Who can open the plugin's store page."""
    if plugin.status == PluginStatus.APPROVED and plugin.listed:
        return True
    if is_reviewer(user) or is_member(user, plugin):
        return True
    if plugin.status == PluginStatus.UNVERIFIED:
        return is_tester(user, plugin, tester_ids)
    # Banned: only to show past installers that it was removed. Unlisted: their install
    # keeps working.
    return has_installed


@dataclass(frozen=True)
class InstallVerdict:
    allowed: bool
    # "sign_in" | "upgrade" | "banned" | "not_tester" | "not_developer" | "unlisted"
    reason: str = ""
    message: str = ""


PLUGIN_UNAVAILABLE = (
    "This plugin is unavailable: its server has not answered the store's daily checks for a "
    "week. It can be installed again as soon as it answers."
)


def install_verdict(
    user: User, plugin: PluginLike, *, tester_ids=None, has_installed: bool = False
) -> InstallVerdict:
    """Whether this user may install (and use) this plugin now, and if not, why (the one install
    rule: the store page, the installed list and installation_create all show the reason).
    has_installed: the user already has it (an unlisted plugin keeps working for them)."""
    if plugin.status == PluginStatus.BANNED:
        return InstallVerdict(False, "banned", "This plugin was banned and can no longer be used.")
    if not user.is_authenticated:
        return InstallVerdict(False, "sign_in", "Sign in to install plugins.")
    if not user.is_plus:
        return InstallVerdict(False, "upgrade", "Upgrade to Plus to install plugins.")
    if plugin.status == PluginStatus.APPROVED:
        if plugin.unavailable_since is not None and not has_installed:
            # Unreachable for days (PRODUCT.md section 10, the watch): no new installs.
            return InstallVerdict(False, "unavailable", PLUGIN_UNAVAILABLE)
        if plugin.listed or has_installed or is_member(user, plugin):
            return InstallVerdict(True)
        return InstallVerdict(
            False,
            "unlisted",
            "Its developer took this plugin out of the store; only existing installs keep working.",
        )
    # Unverified: only its developer and the developers invited to test it.
    if not user.is_developer:
        return InstallVerdict(
            False, "not_developer", "This plugin is still in development and not yet approved."
        )
    if is_member(user, plugin) or is_tester(user, plugin, tester_ids):
        return InstallVerdict(True)
    return InstallVerdict(
        False, "not_tester", "Only developers invited to test this plugin can install it."
    )
