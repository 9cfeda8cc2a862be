"""What reviews does when something happens on a lower floor, which tells it by a signal it owns
(the lower floor never imports reviews). Connected in ReviewsConfig.ready.

The receivers run inside the sender's transaction (Django sends signals synchronously), on
purpose: the reply or the new version, the submission's return to the queue, its audit row
and the notification intents commit together or not at all. Run after commit instead, a
crash or a lost task between the two would leave a reply that never answered the request,
and the deadline task would then reject a submission its developer did answer. The cost is
that a failing receiver fails the reply or the refresh; they raise nothing on the expected
paths (no submission, nothing to answer), only on real faults.
"""

from django.dispatch import receiver

from inbox.signals import owner_replied
from pluginstore.signals import plugin_deleting, version_stored
from reports.signals import report_filed
from reviews import changes, plugin_deletion, reviewer_notices


@receiver(owner_replied, dispatch_uid="reviews.owner_replied")
def on_owner_replied(sender, *, thread, message, author, **kwargs) -> None:
    changes.developer_replied(plugin_id=thread.plugin_id, message=message, author=author)


@receiver(version_stored, dispatch_uid="reviews.version_stored")
def on_version_stored(sender, *, version, by, **kwargs) -> None:
    changes.version_stored(version=version, by=by)


@receiver(report_filed, dispatch_uid="reviews.report_filed")
def on_report_filed(sender, *, report, open_count, **kwargs) -> None:
    reviewer_notices.tell_of_report(report, open_count=open_count)


@receiver(plugin_deleting, dispatch_uid="reviews.plugin_deleting")
def on_plugin_deleting(sender, *, plugin, **kwargs) -> None:
    # Raises ApplicationError (the owner's refusal) while a submission is open.
    plugin_deletion.submissions_delete_for_plugin(plugin)
