"""Receivers of other apps' changes (connected in RatingsConfig.ready)."""

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from core import versions
from pluginstore.selectors import PLUGIN_SCOPE
from pluginstore.signals import plugin_installed
from pluginstore.store_cache import plugin_changed
from ratings import services
from ratings.models import EverInstalled, Rating
from ratings.selectors import RATER_SCOPE


@receiver(plugin_installed, dispatch_uid="ratings.record_install")
def remember_install(sender, user, plugin, **kwargs) -> None:
    """Installing gives the right to rate, and uninstalling does not take it back."""
    services.record_install(user=user, plugin=plugin)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="ratings.release_ratings")
def release_ratings_of_deleted_user(sender, instance, **kwargs) -> None:
    """A deleted account's ratings go with it (CASCADE): the plugins' averages follow."""
    services.ratings_release_user(instance)


def _page_copies(user_id, plugin_id):
    """What a plugin's page reads of ratings (core/versions.py prefetch)."""
    if user_id is not None:  # anonymous visitors' pages come whole (pluginstore.receivers)
        yield PLUGIN_SCOPE, plugin_id, "reviews:1"
        yield RATER_SCOPE, user_id, f"plugin:{plugin_id}"


versions.add_to_group("plugin-page", _page_copies)


@receiver(post_save, sender=Rating, dispatch_uid="ratings.rating_saved")
@receiver(post_delete, sender=Rating, dispatch_uid="ratings.rating_deleted")
def rating_changed(sender, instance: Rating, **kwargs) -> None:
    """The plugin's reviews section and the rater's own copy are stale (core/versions.py)."""
    plugin_changed([instance.plugin_id])
    versions.bump(RATER_SCOPE, [instance.user_id])


@receiver(post_save, sender=EverInstalled, dispatch_uid="ratings.ever_installed_saved")
@receiver(post_delete, sender=EverInstalled, dispatch_uid="ratings.ever_installed_deleted")
def ever_installed_changed(sender, instance: EverInstalled, **kwargs) -> None:
    versions.bump(RATER_SCOPE, [instance.user_id])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="ratings.author_renamed")
def author_renamed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    """Reviews name their author and the developer who answered."""
    if created or (update_fields is not None and "display_name" not in update_fields):
        return
    plugin_ids = set(
        Rating.objects.filter(Q(user=instance) | Q(answered_by=instance)).values_list(
            "plugin_id", flat=True
        )
    )
    plugin_changed(plugin_ids)
