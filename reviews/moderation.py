"""Moderation: banning a plugin, lifting a ban, answering an appeal (PRODUCT.md sections 2, 3, 7).

Review work, so it lives here: a ban also rejects the plugin's open submission, and the owner
hears of every decision in the plugin's thread. The plugin admin's buttons, the demo and the
tests all call these three services; nothing else moves a plugin into or out of Banned.

Lock order as in reviews.services: the plugin first, then its open submission.
"""

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery

from accounts.models import User
from core.exceptions import ApplicationError
from inbox import kinds
from inbox.models import Message
from inbox.services import notification_intent_create
from pluginstore.models import Plugin, PluginStatus, PluginStatusChange
from pluginstore.permissions import can_ban
from pluginstore.services import plugin_status_record
from pluginstore.services.installs import installations_end_for_ban
from pluginstore.store_cache import store_listing_changed
from reports import installs as report_installs
from reports import services as report_services
from reviews import services
from reviews.permissions import APPEAL_HINT


def _lock_plugin(plugin_id: int) -> Plugin:
    plugin = services.lock_plugin(plugin_id)
    if plugin is None:
        raise ApplicationError("This plugin does not exist.")
    return plugin


def _reason(reason: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(missing)
    return reason


def _notify_owner(
    plugin: Plugin, change: PluginStatusChange, kind: type[kinds.Notice], **fields: object
) -> None:
    """Tell the owner of a status decision in the plugin's thread, keyed by its audit row: one
    message per decision."""
    notification_intent_create(
        recipient=plugin.owner,
        notice=kind(
            plugin_id=plugin.pk,
            plugin_name=plugin.display_name,
            status_change_id=change.pk,
            **fields,
        ),
        thread_plugin_id=plugin.pk,
    )


@transaction.atomic
def plugin_ban(*, plugin_id: int, by: User, reason: str) -> Plugin:
    """Ban a plugin: nobody may use it, installs show as removed, the store drops it, its open
    submission is rejected with the reason, and the owner is told how to appeal.

    The owner hears once, of the ban, not separately of the rejection it caused.
    """
    if not can_ban(by):
        raise ApplicationError("You are not allowed to ban plugins.")
    reason = _reason(reason, "Give the reason for the ban; the developer will see it.")
    plugin = _lock_plugin(plugin_id)
    if not can_ban(by, plugin):
        raise ApplicationError("You can't ban your own plugin.")
    if plugin.status == PluginStatus.BANNED:
        raise ApplicationError("This plugin is already banned.")
    from_status = plugin.status
    plugin.ban()
    plugin.save(update_fields=["status", "updated_at"])
    change = plugin_status_record(plugin, by=by, from_status=from_status, reason=reason)
    rejected = services.submission_reject_for_ban(plugin_id=plugin.pk, by=by, reason=reason)
    _notify_owner(
        plugin,
        change,
        kinds.Banned,
        reason=reason,
        appeal=APPEAL_HINT,
        rejected_submission_id=rejected.pk if rejected else None,
    )
    # Its installs end (listed as removed, with the reason) and each installer hears it once;
    # its open reports led to the ban and each reporter hears that once (issue 13).
    ended = installations_end_for_ban(plugin=plugin, reason=reason)
    report_installs.tell_installs_removed(plugin, ended, change=change, reason=reason)
    report_services.reports_resolve_for_ban(plugin=plugin, by=by, reason=reason)
    store_listing_changed()
    return plugin


@transaction.atomic
def plugin_reinstate(*, plugin_id: int, by: User, reason: str) -> Plugin:
    """Lift a ban after an appeal: the plugin is Unverified again and must be re-approved.

    The installs its ban ended stay removed; their users hear once, when it is approved again,
    that they may install it again (reports.receivers).
    """
    if not can_ban(by):
        raise ApplicationError("You are not allowed to reinstate plugins.")
    reason = _reason(reason, "Give the reason for reinstating; the developer will see it.")
    plugin = _lock_plugin(plugin_id)
    if plugin.status != PluginStatus.BANNED:
        raise ApplicationError("Only a banned plugin can be reinstated.")
    plugin.reinstate()
    # It has to be approved again before the store serves any version of it.
    plugin.live_version = None
    plugin.approved_at = None
    plugin.save(update_fields=["status", "live_version", "approved_at", "updated_at"])
    change = plugin_status_record(plugin, by=by, from_status=PluginStatus.BANNED, reason=reason)
    _notify_owner(plugin, change, kinds.Reinstated, reason=reason)
    store_listing_changed()
    return plugin


@transaction.atomic
def plugin_keep_ban(*, plugin_id: int, by: User, reason: str) -> Plugin:
    """Refuse an appeal: the plugin stays banned and the owner reads why in its thread.

    The banned → banned audit row records the answer, and ban_appeals counts only what the
    owner wrote after it.
    """
    if not can_ban(by):
        raise ApplicationError("You are not allowed to answer ban appeals.")
    reason = _reason(reason, "Give the reason the ban stays; the developer will see it.")
    plugin = _lock_plugin(plugin_id)
    if plugin.status != PluginStatus.BANNED:
        raise ApplicationError("This plugin is not banned any more.")
    plugin.keep_ban()
    change = plugin_status_record(plugin, by=by, from_status=PluginStatus.BANNED, reason=reason)
    reply = (
        "A reviewer looked at your appeal again and the ban stays. This is the answer to your "
        "appeal: there is one appeal per ban, so later messages here stay in the thread but "
        f"don't reopen it.\n\n{reason}"
    )
    _notify_owner(plugin, change, kinds.ReviewerReply, reply=reply, reviewer_name=by.public_name)
    return plugin


# Reads --------------------------------------------------------------------------------------


def ban_appeals() -> QuerySet[Message]:
    """Ban appeals: what owners wrote in a banned plugin's thread since its latest ban, until
    a reviewer answers with "Keep the ban" (a banned → banned change). One appeal per ban
    (PRODUCT.md section 3): replies after that answer stay in the thread but are not listed;
    a new ban (after a reinstatement) opens a new appeal.

    Newest first, one query (the time is a subquery). Reinstate and Keep the ban are on the
    plugin's admin page; both go back to the thread.
    """
    latest_ban = PluginStatusChange.objects.filter(
        plugin_id=OuterRef("thread__plugin_id"), to_status=PluginStatus.BANNED
    ).order_by("-created_at", "-id")
    return (
        Message.objects.filter(
            thread__plugin__status=PluginStatus.BANNED,
            thread__owner_id=F("thread__plugin__owner_id"),
            author_id=F("thread__plugin__owner_id"),
        )
        .annotate(
            banned_at=Subquery(latest_ban.values("created_at")[:1]),
            banned_from=Subquery(latest_ban.values("from_status")[:1]),
        )
        .filter(created_at__gt=F("banned_at"))
        .exclude(banned_from=PluginStatus.BANNED)
        .select_related("author", "thread__plugin")
        .order_by("-created_at", "-id")
    )


def plugin_status_history(plugin_id: int) -> QuerySet[PluginStatusChange]:
    """Every status change of a plugin, newest first, with who made it."""
    return PluginStatusChange.objects.filter(plugin_id=plugin_id).select_related("changed_by")
