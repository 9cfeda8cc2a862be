"""Reads for a plugin's team and life (PRODUCT.md section 13): who works on which plugin, the
team's size against the developer limit, invitations, the audit; each one query."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from pluginstore.choices import InvitationState
from pluginstore.models import (
    Plugin,
    PluginEvent,
    PluginInvitation,
    PluginMember,
    PluginStatusChange,
)


def worked_on_by(user: User) -> Q:
    """The plugins this developer works on: owns, or develops with the owner."""
    return Q(owner=user) | Q(
        Exists(PluginMember.objects.filter(plugin=OuterRef("pk"), developer=user))
    )


def team_size(plugin: Plugin) -> int:
    """Developers who may use the plugin while it is unverified: the owner, the co-developers
    and the testers (UNVERIFIED_DEVELOPER_LIMIT caps it). One query."""
    counts = Plugin.objects.filter(pk=plugin.pk).aggregate(
        members=Count("members", distinct=True), testers=Count("testers", distinct=True)
    )
    return 1 + counts["members"] + counts["testers"]


def has_status_history(plugin_id: int) -> bool:
    """Whether the plugin was ever approved or banned (its registration row aside)."""
    return PluginStatusChange.objects.filter(plugin_id=plugin_id).exclude(from_status="").exists()


def plugin_co_developers(plugin: Plugin) -> QuerySet[PluginMember]:
    return plugin.members.select_related("developer").only(
        "id",
        "created_at",
        "plugin_id",
        "developer__id",
        "developer__email",
        "developer__display_name",
    )


def pending_invitations(plugin: Plugin) -> QuerySet[PluginInvitation]:
    """The plugin's invitations still waiting for an answer, newest first."""
    return plugin.invitations.filter(
        state=InvitationState.PENDING, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-id")


def invitations_for(user: User) -> QuerySet[PluginInvitation]:
    """Invitations waiting for this account's answer (addressed to its email)."""
    if not user.is_authenticated or not user.email:
        return PluginInvitation.objects.none()
    return (
        PluginInvitation.objects.filter(
            email=user.email.lower(), state=InvitationState.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("plugin", "invited_by")
        .only(
            "id",
            "kind",
            "email",
            "state",
            "created_at",
            "expires_at",
            "plugin__id",
            "plugin__name",
            "plugin__domain",
            "plugin__status",
            "invited_by__id",
            "invited_by__email",
            "invited_by__display_name",
        )
        .order_by("-created_at", "-id")
    )


def plugin_events(plugin: Plugin, limit: int = 20) -> QuerySet[PluginEvent]:
    """The newest team and lifecycle audit rows of a plugin, with who did it."""
    return plugin.events.select_related("actor").order_by("-created_at", "-id")[:limit]


def co_developers_of(plugin_id: int, recipient) -> list[User]:
    """The co-developers of the plugin when `recipient` owns it, else nobody (one query):
    inbox copies to them what goes to the owner's thread of the plugin."""
    return list(
        User.objects.filter(
            plugin_memberships__plugin_id=plugin_id,
            plugin_memberships__plugin__owner_id=recipient.pk,
        ).order_by("pk")
    )
