"""Reads of installs: which plugins a user has installed or tests, and their installs page.

A user's installs are read as a copy kept until they change (INSTALLS_SCOPE, core/versions.py;
bumped by pluginstore.receivers on every save or deletion of an install, and by a ban's bulk
update): the store marks its cards and the plugin pages their install box from it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import User
from core import versions
from pluginstore.models import Installation, TesterInvitation
from pluginstore.selectors import LISTING_FIELDS

INSTALLS_SCOPE = "installs"


def installed_plugin_ids(user: User, plugin_ids) -> set[int]:
    """Which of these plugins the user has installed and in use (one query): an install a ban
    ended (removed_at) is not."""
    if not user.is_authenticated:
        return set()
    return set(
        Installation.objects.filter(
            user=user, plugin_id__in=list(plugin_ids), removed_at__isnull=True
        ).values_list("plugin_id", flat=True)
    )


def _install_rows(user: User) -> dict[int, tuple]:
    """The user's installs, the ones a ban ended too, as {plugin id: (id, created_at,
    removed_at, removed_reason)}: one query, kept as a copy until they change
    (INSTALLS_SCOPE, pluginstore.receivers)."""

    def query() -> dict[int, tuple]:
        rows = Installation.objects.filter(user=user).values_list(
            "plugin_id", "id", "created_at", "removed_at", "removed_reason"
        )
        return {plugin_id: rest for plugin_id, *rest in rows}

    return versions.copy(INSTALLS_SCOPE, user.pk, "rows", query)


def installed_ids(user: User) -> frozenset[int]:
    """Every plugin the user has installed and in use: the store marks its cards "Installed"."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(pk for pk, row in _install_rows(user).items() if row[2] is None)


@dataclass(frozen=True)
class InstallRecord:
    """What the pages read of an install (the Installation row's fields)."""

    id: int
    user_id: int
    plugin_id: int
    created_at: datetime
    removed_at: datetime | None
    removed_reason: str


def installation_of(user: User, plugin_id: int) -> InstallRecord | None:
    """The user's install of this plugin, in use or ended by a ban, or None."""
    if not user.is_authenticated:
        return None
    row = _install_rows(user).get(plugin_id)
    if row is None:
        return None
    pk, created_at, removed_at, removed_reason = row
    return InstallRecord(pk, user.pk, plugin_id, created_at, removed_at, removed_reason)


def testing_plugin_ids(user: User, plugin_ids) -> set[int]:
    """Which of these plugins the user was invited to test (one query)."""
    return set(
        TesterInvitation.objects.filter(developer=user, plugin_id__in=list(plugin_ids)).values_list(
            "plugin_id", flat=True
        )
    )


def user_installations(user: User) -> QuerySet[Installation]:
    """The user's installs, the ones a ban ended included (shown as removed, with the reason)."""
    return (
        Installation.objects.filter(user=user)
        .select_related("plugin", "plugin__owner")
        .only(
            *("plugin__" + f for f in LISTING_FIELDS if not f.startswith("owner")),
            "plugin__owner__email",
            "plugin__owner__display_name",
            "user_id",
            "created_at",
            "removed_at",
            "removed_reason",
        )
        .order_by("-created_at", "-id")
    )
