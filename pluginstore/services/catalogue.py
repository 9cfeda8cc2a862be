"""The catalogue's own writes: a version goes live, the category, the status audit row."""

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from pluginstore import permissions
from pluginstore.models import Category, Plugin, PluginStatus, PluginStatusChange, PluginVersion
from pluginstore.store_cache import plugin_changed, store_listing_changed


def plugin_status_record(
    plugin: Plugin, *, by: User | None, from_status: str, reason: str
) -> PluginStatusChange:
    """The audit row of a status change (the plugin already holds its new status)."""
    return PluginStatusChange.objects.create(
        plugin=plugin,
        changed_by=by,
        from_status=from_status,
        to_status=plugin.status,
        reason=reason,
    )


def copy_listing_fields(plugin: Plugin, version: PluginVersion) -> None:
    plugin.name = version.name_for_human[:200]
    plugin.description = version.description_for_human[:500]
    logo = version.logo_url
    plugin.logo_url = logo[:500] if logo.startswith(("https://", "http://")) else ""


def _update_search_vector(plugin_id: int) -> None:
    """Weighted full-text document for the store (PostgreSQL only; SQLite searches with LIKE)."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.postgres.search import SearchVector
    from django.db.models import Value

    # UPDATE cannot follow a join, so the developer's name goes in as a value.
    developer = (
        Plugin.objects.filter(pk=plugin_id).values_list("owner__display_name", flat=True).first()
    )
    Plugin.objects.filter(pk=plugin_id).update(
        search_vector=SearchVector("name", weight="A", config="english")
        + SearchVector("description", weight="B", config="english")
        + SearchVector("domain", weight="B", config="simple")
        + SearchVector(Value(developer or ""), weight="C", config="simple")
    )


def plugin_set_category(*, user: User, plugin_id: int, category: str) -> Plugin:
    """The owner picks the store category."""
    plugin = Plugin.objects.get(pk=plugin_id)
    if not permissions.can_manage(user, plugin):
        raise ApplicationError("You can't change this plugin.")
    if category not in Category.values:
        raise ApplicationError("Choose one of the store's categories.")
    plugin.category = category
    plugin.save(update_fields=["category", "updated_at"])
    store_listing_changed()
    return plugin


@transaction.atomic
def plugin_version_make_live(
    *, plugin_id: int, version_id: int, by: User, reason: str = ""
) -> Plugin:
    """An approved version goes live; an unverified plugin becomes Approved.

    Called by the review workflow inside its own transaction; the caller has checked that
    `by` may approve this submission.
    """
    plugin = Plugin.objects.select_for_update().get(pk=plugin_id)
    version = PluginVersion.objects.get(pk=version_id, plugin_id=plugin_id)
    if plugin.status == PluginStatus.BANNED:
        raise ApplicationError("A banned plugin can't be approved; reinstate it first.")
    if version.error_count:
        raise ApplicationError("This version has check errors and can't go live.")
    from_status = plugin.status
    fields = ["live_version", "name", "description", "logo_url", "updated_at"]
    if plugin.status == PluginStatus.UNVERIFIED:
        plugin.approve()
        plugin.approved_at = timezone.now()
        fields += ["status", "approved_at"]
    plugin.live_version = version
    copy_listing_fields(plugin, version)
    plugin.save(update_fields=fields)
    if from_status != plugin.status:
        plugin_status_record(
            plugin,
            by=by,
            from_status=from_status,
            reason=reason or f"Version {version.number} approved",
        )
    _update_search_vector(plugin.pk)
    store_listing_changed()
    return plugin


def rating_score(count: int, total: int) -> float:
    """The store's rank by rating: a Bayesian average that starts at the prior mean and moves
    towards the plugin's own average as ratings come in (RATING_PRIOR_* settings)."""
    if count == 0:
        return 0.0
    weight, mean = settings.RATING_PRIOR_WEIGHT, settings.RATING_PRIOR_MEAN
    return (weight * mean + total) / (weight + count)


def plugin_rating_set(*, plugin: Plugin, count: int, total: int) -> None:
    """Store a plugin's rating aggregates (count, sum of stars, score); the caller holds the
    plugin's row lock and counted its visible ratings in the same transaction."""
    plugin.rating_count, plugin.rating_sum = count, total
    plugin.rating_score = rating_score(count, total)
    Plugin.objects.filter(pk=plugin.pk).update(
        rating_count=count, rating_sum=total, rating_score=plugin.rating_score
    )
    # The cards and the page show the average, and the store sorts by it.
    plugin_changed([plugin.pk])
    store_listing_changed()
