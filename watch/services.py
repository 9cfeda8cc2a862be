"""Every write of the watch: watches for approved plugins, claims, and what a check found.

A check is three steps so that no lock is held while a plugin's server is asked anything:
`watch_claim` takes one due watch under a lease (SELECT ... FOR UPDATE SKIP LOCKED, so two
workers never take the same plugin), watch.fetching.observe fetches, and `watch_record`
writes the outcome in one transaction with the version it stored, the plugin's availability
and the owner's notices; it refuses a claim whose lease another run has taken since.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.text import clip
from inbox.services import notification_intent_create
from pluginstore.checks import CheckReport, check_plugin
from pluginstore.fetching import FetchedPlugin
from pluginstore.models import Plugin, PluginStatus, PluginVersion
from pluginstore.services.registration import plugin_version_store, version_content_hash
from pluginstore.store_cache import plugin_changed, store_listing_changed
from watch import fetching, notices, schedule
from watch.choices import WatchOutcome
from watch.models import ERROR_MAX_LENGTH, PluginWatch

# What the owner's page and the reviewers read when the check itself broke on our side.
CHECK_FAILED_ON_OUR_SIDE = "The check could not run on our side; it runs again at the next slot."


@dataclass(frozen=True)
class Claim:
    """One due watch, leased to this run until `lease_until`."""

    watch_id: int
    token: uuid.UUID
    slot: datetime.datetime
    plugin_id: int
    manifest_url: str


def watches_create(*, now: datetime.datetime | None = None) -> int:
    """A watch for every approved plugin without one, first due at its slot; how many."""
    now = now or timezone.now()
    missing = Plugin.objects.filter(status=PluginStatus.APPROVED, watch__isnull=True).values_list(
        "pk", flat=True
    )
    watches = []
    for plugin_id in missing.iterator(chunk_size=2000):
        minute = schedule.slot_minute(plugin_id)
        watches.append(
            PluginWatch(
                plugin_id=plugin_id,
                slot_minute=minute,
                due_at=schedule.first_due(minute, now),
                seen_version_id=None,
            )
        )
    PluginWatch.objects.bulk_create(watches, batch_size=2000, ignore_conflicts=True)
    return len(watches)


def due_watches(now: datetime.datetime):
    """Watches whose slot has come, of approved plugins, that no live lease holds."""
    return PluginWatch.objects.filter(due_at__lte=now, plugin__status=PluginStatus.APPROVED).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    )


@transaction.atomic
def watch_claim(*, now: datetime.datetime | None = None) -> Claim | None:
    """Lease the watch that has waited longest, skipping rows another worker holds."""
    now = now or timezone.now()
    watch = (
        due_watches(now)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("plugin")
        .only("id", "due_at", "plugin__id", "plugin__manifest_url")
        .order_by("due_at", "pk")
        .first()
    )
    if watch is None:
        return None
    token = uuid.uuid4()
    PluginWatch.objects.filter(pk=watch.pk).update(
        lease_until=now + datetime.timedelta(seconds=settings.WATCH_LEASE_SECONDS),
        lease_token=token,
    )
    return Claim(watch.pk, token, watch.due_at, watch.plugin_id, watch.plugin.manifest_url)


def seen_for(watch_id: int) -> fetching.Seen | None:
    """The documents and validators of the version the plugin's server last served."""
    row = (
        PluginWatch.objects.filter(pk=watch_id, seen_version__isnull=False)
        .values(
            "seen_version__manifest_text",
            "seen_version__spec_text",
            "spec_url",
            "manifest_etag",
            "manifest_last_modified",
            "spec_etag",
            "spec_last_modified",
        )
        .first()
    )
    if row is None:
        return None
    return fetching.Seen(
        manifest_text=row["seen_version__manifest_text"],
        spec_text=row["seen_version__spec_text"],
        spec_url=row["spec_url"],
        manifest_etag=row["manifest_etag"],
        manifest_last_modified=row["manifest_last_modified"],
        spec_etag=row["spec_etag"],
        spec_last_modified=row["spec_last_modified"],
    )


def watch_check(claim: Claim, *, now: datetime.datetime | None = None) -> PluginWatch | None:
    """Fetch the claimed plugin and record what was found (None: the lease was lost).

    New content is checked here, before any lock is taken: the checker may take seconds.
    """
    observation = fetching.observe(claim.manifest_url, seen_for(claim.watch_id))
    report = None
    if observation.kind == fetching.FETCHED:
        known = set(
            PluginVersion.objects.filter(
                plugin_id=claim.plugin_id, pk__in=_live_and_latest(claim.plugin_id)
            ).values_list("content_hash", flat=True)
        )
        if _hash(observation) not in known:
            report = _report(observation)
    return watch_record(claim=claim, observation=observation, report=report, now=now)


def _live_and_latest(plugin_id: int):
    row = Plugin.objects.filter(pk=plugin_id).values("live_version_id", "latest_version_id")
    return [v for v in (row.first() or {}).values() if v is not None]


@transaction.atomic
def watch_record(
    *,
    claim: Claim,
    observation: fetching.Observation | None,
    report: CheckReport | None = None,
    now: datetime.datetime | None = None,
) -> PluginWatch | None:
    """Write what one check found (None: it broke on our side) and free the slot; `report`
    is the checker's on new content (made here if the caller had none).

    Locks the watch, then the plugin (the order every watch write keeps).
    """
    now = now or timezone.now()
    watch = PluginWatch.objects.select_for_update().filter(pk=claim.watch_id).first()
    if watch is None or watch.lease_token != claim.token:
        return None  # another run took it after our lease ran out, and records it
    plugin = (
        Plugin.objects.select_for_update(of=("self",))
        .select_related("owner", "live_version")
        .defer("live_version__manifest_text", "live_version__spec_text")
        .get(pk=claim.plugin_id)
    )
    if plugin.status == PluginStatus.APPROVED:
        if observation is None:
            watch.last_outcome = WatchOutcome.ERROR
            watch.last_error = CHECK_FAILED_ON_OUR_SIDE
        elif observation.kind == fetching.UNREACHABLE:
            _unreachable(watch, plugin, observation, claim.slot, now)
        else:
            _reachable(watch, plugin, observation, report, now)
        watch.last_checked_at = now
    watch.checked_slot = claim.slot
    watch.due_at = schedule.next_due(claim.slot, now)
    watch.lease_until = watch.lease_token = None
    watch.save()
    return watch


def watch_release(claim: Claim) -> None:
    """Give a claim back unchecked (a run stopping): the next run takes it at once."""
    PluginWatch.objects.filter(pk=claim.watch_id, lease_token=claim.token).update(
        lease_until=None, lease_token=None
    )


# Outcomes -----------------------------------------------------------------------------------


def _plugin_path(plugin: Plugin) -> str:
    return reverse("developer:plugin", kwargs={"plugin_id": plugin.pk})


def _unreachable(
    watch: PluginWatch,
    plugin: Plugin,
    observation: fetching.Observation,
    slot: datetime.datetime,
    now: datetime.datetime,
) -> None:
    watch.last_outcome = WatchOutcome.UNREACHABLE
    watch.last_error = clip(observation.error, ERROR_MAX_LENGTH)
    if watch.unreachable_since is None:
        watch.unreachable_since = slot
    days = (slot - watch.unreachable_since).days
    common = {
        "plugin_id": plugin.pk,
        "plugin_name": plugin.display_name,
        "since": watch.unreachable_since,
        "days": days,
        "error": clip(observation.error, 500),
        "plugin_path": _plugin_path(plugin),
    }
    if days >= settings.WATCH_UNAVAILABLE_DAYS and plugin.unavailable_since is None:
        Plugin.objects.filter(pk=plugin.pk).update(unavailable_since=now)
        plugin.unavailable_since = now
        plugin_changed([plugin.pk])
        watch.told_3_days = True  # this notice says more; the 3-day one would come late
        store_listing_changed()
        _tell(plugin, notices.WatchUnavailable(**common))
    elif days >= settings.WATCH_TELL_UNREACHABLE_DAYS and not watch.told_3_days:
        watch.told_3_days = True
        _tell(
            plugin,
            notices.WatchUnreachable(
                **common, unavailable_after_days=settings.WATCH_UNAVAILABLE_DAYS
            ),
        )


def _reachable(
    watch: PluginWatch,
    plugin: Plugin,
    observation: fetching.Observation,
    report: CheckReport | None,
    now: datetime.datetime,
) -> None:
    if watch.unreachable_since is not None:
        was_unavailable = plugin.unavailable_since is not None
        if was_unavailable:
            Plugin.objects.filter(pk=plugin.pk).update(unavailable_since=None)
            plugin.unavailable_since = None
            plugin_changed([plugin.pk])
            store_listing_changed()
        if watch.told_3_days:
            _tell(
                plugin,
                notices.WatchBack(
                    plugin_id=plugin.pk,
                    plugin_name=plugin.display_name,
                    since=watch.unreachable_since,
                    was_unavailable=was_unavailable,
                    plugin_path=_plugin_path(plugin),
                ),
            )
        watch.unreachable_since = None
        watch.told_3_days = False
    watch.last_ok_at = now
    watch.last_error = ""
    if observation.kind == fetching.FETCHED:
        watch.seen_version = _version_served(plugin, observation, report)
    seen = watch.seen_version
    if seen is None or seen.pk == plugin.live_version_id:
        watch.last_outcome = WatchOutcome.UNCHANGED
        watch.drifted_version = None
    else:
        watch.last_outcome = WatchOutcome.DRIFTED
        watch.drifted_version = seen
    watch.manifest_etag = observation.manifest_etag
    watch.manifest_last_modified = observation.manifest_last_modified
    watch.spec_url = observation.spec_url or ""
    watch.spec_etag = observation.spec_etag
    watch.spec_last_modified = observation.spec_last_modified


def _version_served(
    plugin: Plugin, observation: fetching.Observation, report: CheckReport | None
) -> PluginVersion:
    """The version whose content the server serves: the live one, the latest one, or a new
    one stored now (not live; the owner is told once, keyed by the version)."""
    live = plugin.live_version
    content_hash = _hash(observation)
    if live is not None and live.content_hash == content_hash:
        return live
    latest = PluginVersion.objects.filter(pk=plugin.latest_version_id)
    if report is None and latest.values_list("content_hash", flat=True).first() != content_hash:
        report = _report(observation)  # the latest changed since watch_check looked (rare)
    fetched = FetchedPlugin(
        manifest_url=observation.manifest_url,
        spec_url=observation.spec_url,
        manifest_bytes=observation.manifest_bytes,
        spec_bytes=observation.spec_bytes,
        report=report,  # None only when the latest has this content: nothing is stored
    )
    version, created = plugin_version_store(plugin_id=plugin.pk, fetched=fetched, by=None)
    if created and live is not None:
        _tell(
            plugin,
            notices.WatchDrifted(
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                version_id=version.pk,
                version_number=version.number,
                live_version_number=live.number,
                error_count=version.error_count,
                plugin_path=_plugin_path(plugin),
            ),
        )
    return version


def _hash(observation: fetching.Observation) -> str:
    return version_content_hash(observation.manifest_bytes, observation.spec_bytes)


def _report(observation: fetching.Observation) -> CheckReport:
    return check_plugin(
        observation.manifest_bytes,
        observation.spec_bytes,
        manifest_url=observation.manifest_url,
        local_development=observation.local,
    )


def _tell(plugin: Plugin, notice) -> None:
    notification_intent_create(recipient=plugin.owner, notice=notice, thread_plugin_id=plugin.pk)
