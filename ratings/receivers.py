"""Receivers of other apps' changes (connected in RatingsConfig.ready)."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from pluginstore.signals import plugin_installed
from ratings import services


@receiver(plugin_installed, dispatch_uid="ratings.record_install")
def remember_install(sender, user, plugin, **kwargs) -> None:
    """Installing gives the right to rate, and uninstalling does not take it back."""
    services.record_install(user=user, plugin=plugin)


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="ratings.release_ratings")
def release_ratings_of_deleted_user(sender, instance, **kwargs) -> None:
    """A deleted account's ratings go with it (CASCADE): the plugins' averages follow."""
    services.ratings_release_user(instance)
