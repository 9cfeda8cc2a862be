"""What reports does when something happens on a lower floor (connected in ReportsConfig.ready).

A plugin banned and reinstated is approved again: the installs its ban ended stay removed
(reinstatement does not bring them back), and each of those former installers is told once
that it is back and may be installed again. The approval writes its status audit row inside
its own transaction (pluginstore.services.catalogue.plugin_status_record), so this receiver's
notification intents commit with the approval or not at all.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versions
from pluginstore.choices import PluginStatus
from pluginstore.models import PluginStatusChange
from reports import installs
from reports.models import Report

# A user's own reports as plugin pages show them (selectors.latest_report, core/versions.py).
REPORTER_SCOPE = "reporter"


def _page_copies(user_id, plugin_id):
    """What a plugin's page reads of reports: the visitor's latest (core/versions.py)."""
    if user_id is not None:
        yield REPORTER_SCOPE, user_id, f"latest:{plugin_id}"


versions.add_to_group("plugin-page", _page_copies)


def reporters_changed(user_ids) -> None:
    versions.bump(REPORTER_SCOPE, user_ids)


@receiver(post_save, sender=Report, dispatch_uid="reports.report_saved")
@receiver(post_delete, sender=Report, dispatch_uid="reports.report_deleted")
def report_changed(sender, instance: Report, **kwargs) -> None:
    reporters_changed([instance.reporter_id])


@receiver(post_save, sender=PluginStatusChange, dispatch_uid="reports.plugin_back")
def on_status_change(sender, instance: PluginStatusChange, created: bool, **kwargs) -> None:
    if created and instance.to_status == PluginStatus.APPROVED:
        installs.tell_former_installers(instance)
