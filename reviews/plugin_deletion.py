"""What a never-approved plugin's deletion (pluginstore.services.lifecycle.plugin_delete)
means for review work: refused while a submission waits for review; otherwise its closed
submissions (rejected or withdrawn, never approved) go with it, with their events and criteria.
"""

from core.exceptions import ApplicationError
from pluginstore.models import Plugin
from reviews.models import OPEN_STATES, Submission

OPEN_SUBMISSION = (
    "This plugin has a submission waiting for review. Withdraw it first, then delete the plugin."
)


def submissions_delete_for_plugin(plugin: Plugin) -> int:
    """Called under the plugin's lock in the deletion's transaction; how many went."""
    submissions = Submission.objects.filter(plugin=plugin)
    if submissions.filter(state__in=OPEN_STATES).exists():
        raise ApplicationError(OPEN_SUBMISSION)
    deleted, _ = submissions.delete()
    return deleted
