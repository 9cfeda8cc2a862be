"""reviews.permissions.submission_blocker: the one answer to "can this plugin be submitted?",
asked by submission_create, the submission bot and the developer's plugin page."""

import pytest

from core.exceptions import ApplicationError
from pluginstore.models import Plugin, PluginStatus
from reviews.models import OPEN_STATES, Submission
from reviews.permissions import APPEAL_HINT, submission_blocker
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import make_plugin, register
from tests.reviews.helpers import submit

pytestmark = pytest.mark.django_db


ERRORS = "The ChatGPT Weather Helper"  # reserved words: a check error


def ask(user, plugin, **kwargs):
    plugin = Plugin.objects.select_related("latest_version").get(pk=plugin.pk)
    open_state = (
        Submission.objects.filter(plugin=plugin, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )
    return submission_blocker(user, plugin, open_state=open_state, **kwargs)


def test_the_owner_may_submit_a_checked_version_with_nothing_open(developer, plugin):
    assert ask(developer, plugin) is None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda owner: make_plugin(owner, status=PluginStatus.BANNED), "banned"),
        (lambda owner: register(owner, name_for_human=ERRORS), "check_errors"),
        (lambda owner: make_plugin(owner, status=PluginStatus.APPROVED), "live"),
        (lambda owner: submit(register(owner)).plugin, "open"),
    ],
)
def test_the_blocker_says_what_submission_create_refuses_with(make, reason):
    owner = DeveloperFactory()
    plugin = make(owner)
    blocker = ask(owner, plugin)
    assert blocker.reason == reason
    with pytest.raises(ApplicationError) as refused:
        submit(plugin)
    assert refused.value.message == blocker.message


def test_only_the_owner_developer_may_submit(plugin):
    blocker = ask(DeveloperFactory(), plugin)
    assert blocker.reason == "not_manager"
    assert blocker.message == "Only the plugin's developer can submit it for review."


def test_a_ban_says_how_to_appeal(developer):
    blocker = ask(developer, make_plugin(developer, status=PluginStatus.BANNED))
    assert blocker.message == f"A banned plugin can't be submitted. {APPEAL_HINT}"


def test_a_recheck_leaves_the_versions_own_checks_to_the_caller(developer):
    """The bot fetches and checks the plugin again, so errors in the stored version don't stop
    it from picking the plugin; a ban, a live latest version or an open submission do."""
    with_errors = register(developer, name_for_human=ERRORS)
    assert ask(developer, with_errors, recheck=True) is None
    banned = make_plugin(developer, status=PluginStatus.BANNED)
    assert ask(developer, banned, recheck=True).reason == "banned"
    live = make_plugin(developer, status=PluginStatus.APPROVED)
    assert ask(developer, live, recheck=True).reason == "live"
    waiting = submit(register(developer)).plugin
    assert ask(developer, waiting, recheck=True).reason == "open"
