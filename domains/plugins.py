"""How domains reads a plugin, which lives on a higher floor (pluginstore).

Domains never imports pluginstore: pages and services here take a plugin as an argument, typed
by PluginLike, and the one lookup the domain page needs (the request user's own plugin by id)
is registered by pluginstore at start-up (pluginstore.receivers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from accounts.models import User


class PluginLike(Protocol):
    """What domains reads from a pluginstore.models.Plugin."""

    pk: int
    owner_id: int
    domain: str
    status: str
    display_name: str


@dataclass(frozen=True)
class ClosedRegistration:
    """A registration another developer's verification closed (a domain_verified receiver's
    answer): its owner is told."""

    plugin_id: int
    plugin_name: str
    owner: User


OwnedPluginLookup = Callable[[User, int], PluginLike | None]
_owned_plugin: OwnedPluginLookup | None = None


def register_owned_plugin_lookup(lookup: OwnedPluginLookup) -> None:
    """Pluginstore says how to load a user's own plugin by id (None if it is not theirs)."""
    global _owned_plugin
    _owned_plugin = lookup


def owned_plugin(user: User, plugin_id: int) -> PluginLike | None:
    """The user's own plugin with this id, or None (another user's plugin, or none)."""
    if _owned_plugin is None:
        raise RuntimeError("pluginstore has not registered its plugin lookup")
    return _owned_plugin(user, plugin_id)
