"""Receivers of other apps' changes (connected in PluginstoreConfig.ready)."""

from django.conf import settings
from django.db.models import F
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from pluginstore.models import Installation, Plugin


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="pluginstore.release_installs")
def release_installs_of_deleted_user(sender, instance, **kwargs) -> None:
    """A deleted account's installs go with it (CASCADE): count each plugin down first, in the
    deletion's own transaction, as uninstalling would, so no install count stays raised."""
    # A removed install (its plugin's ban ended it) is no longer counted.
    plugin_ids = Installation.objects.filter(user=instance, removed_at__isnull=True).values(
        "plugin_id"
    )
    Plugin.objects.filter(pk__in=plugin_ids, install_count__gt=0).update(
        install_count=F("install_count") - 1
    )
