"""Who may prove a plugin's domain (PRODUCT.md section 9), named once. No model of this app."""

from accounts.models import User
from domains.plugins import PluginLike


def is_developer(user: User) -> bool:
    """Domain pages are for active developer accounts."""
    return bool(user.is_authenticated and user.is_active and user.is_developer)


def can_verify_domain(user: User, plugin: PluginLike) -> bool:
    """The plugin's owner, while a developer, proves its domain: the claim is theirs."""
    return is_developer(user) and plugin.owner_id == user.pk
