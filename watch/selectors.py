"""Reads of the watch: the developer's "last checked" box, the reviewers' lists and the diff."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from core.diff import DocumentDiff, document_diff, pretty_lines
from pluginstore.models import Plugin, PluginStatus, PluginVersion
from watch.choices import WatchOutcome
from watch.models import PluginWatch

# The diff lines the drifted plugin's admin page shows per document.
DIFF_LINES_SHOWN = 1500


@dataclass(frozen=True)
class WatchSummary:
    """What the developer's plugin page says about the daily check."""

    watched: bool  # approved: checked daily
    watch: PluginWatch | None
    unavailable_since: object

    @property
    def drifted_number(self) -> int | None:
        version = self.watch.drifted_version if self.watch else None
        return version.number if version else None


def plugin_watch_summary(plugin: Plugin) -> WatchSummary:
    """The plugin's watch with the drifted version's number: one query, none for a plugin
    never approved (only approved plugins are watched)."""
    if plugin.live_version_id is None:
        return WatchSummary(watched=False, watch=None, unavailable_since=None)
    watch = (
        PluginWatch.objects.filter(plugin_id=plugin.pk)
        .select_related("drifted_version")
        .only(
            "id",
            "due_at",
            "last_checked_at",
            "last_outcome",
            "last_error",
            "last_ok_at",
            "unreachable_since",
            "drifted_version__number",
            "plugin_id",
        )
        .first()
    )
    return WatchSummary(
        watched=plugin.status == PluginStatus.APPROVED,
        watch=watch,
        unavailable_since=plugin.unavailable_since,
    )


def drifted_watches() -> QuerySet[PluginWatch]:
    """Approved plugins whose live API serves another version than the approved one."""
    return PluginWatch.objects.filter(
        last_outcome=WatchOutcome.DRIFTED,
        drifted_version__isnull=False,
        plugin__status=PluginStatus.APPROVED,
    ).exclude(drifted_version=F("plugin__live_version"))  # approved since the check


def unavailable_watches() -> QuerySet[PluginWatch]:
    """Plugins the store marks unavailable (unreachable WATCH_UNAVAILABLE_DAYS running)."""
    return PluginWatch.objects.filter(plugin__unavailable_since__isnull=False)


def drift_diffs(watch: PluginWatch) -> list[DocumentDiff] | None:
    """The drifted version's manifest and spec against the live one; None if either is gone."""
    ids = [watch.plugin.live_version_id, watch.drifted_version_id]
    if None in ids:
        return None
    versions = {v.pk: v for v in PluginVersion.objects.filter(pk__in=ids)}
    live, drifted = versions.get(ids[0]), versions.get(ids[1])
    if live is None or drifted is None:
        return None
    return [
        document_diff(
            label,
            pretty_lines(old_doc, old_text),
            pretty_lines(new_doc, new_text),
            from_label=f"{label} v{live.number} (approved)",
            to_label=f"{label} v{drifted.number} (served now)",
            limit=DIFF_LINES_SHOWN,
        )
        for label, old_doc, old_text, new_doc, new_text in (
            (
                "manifest",
                live.manifest,
                live.manifest_text,
                drifted.manifest,
                drifted.manifest_text,
            ),
            ("spec", live.spec, live.spec_text, drifted.spec, drifted.spec_text),
        )
    ]
