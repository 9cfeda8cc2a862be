"""reviews.permissions.submission_blocker: the one answer to "can this plugin be submitted?",
asked by submission_create, the submission bot and the developer's plugin page."""

import datetime

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from pluginstore.models import Plugin, PluginStatus
from reviews import changes, selectors, services
from reviews.bot.selectors import plugin_choices
from reviews.models import OPEN_STATES, Submission
from reviews.moderation import plugin_reinstate
from reviews.permissions import APPEAL_HINT, UNCHANGED_AFTER_REJECTION, submission_blocker
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import ban, make_plugin, register
from tests.reviews.helpers import claim, new_version, reject, submit

pytestmark = pytest.mark.django_db


ERRORS = "The ChatGPT Weather Helper"  # reserved words: a check error


def ask(user, plugin, **kwargs):
    plugin = Plugin.objects.select_related("latest_version").get(pk=plugin.pk)
    open_state = (
        Submission.objects.filter(plugin=plugin, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )
    rejected_hash = selectors.rejected_content_hash(plugin.pk)
    return submission_blocker(
        user, plugin, open_state=open_state, rejected_hash=rejected_hash, **kwargs
    )


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


def test_only_the_plugins_developers_may_submit(plugin):
    # Its owner and co-developers (tests/pluginstore/test_team.py); anyone else is refused.
    blocker = ask(DeveloperFactory(), plugin)
    assert blocker.reason == "not_manager"
    assert blocker.message == "Only the plugin's developers can submit it for review."


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


# "You can resubmit once it is updated" (PRODUCT.md section 3) ------------------------------


def test_a_rejected_version_cannot_go_back_until_it_is_updated(
    developer, plugin, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    reject(claim(submit(plugin), reviewer), reviewer)
    blocker = ask(developer, plugin)
    assert blocker.reason == "unchanged"
    assert blocker.message == UNCHANGED_AFTER_REJECTION
    assert ask(developer, plugin, recheck=True).reason == "unchanged"  # the bot says so too
    with pytest.raises(ApplicationError, match="same as the one that was rejected"):
        submit(plugin)
    assert Submission.objects.filter(plugin=plugin).count() == 1
    new_version(
        plugin, monkeypatch, django_capture_on_commit_callbacks, description_for_human="Fixed."
    )
    assert ask(developer, plugin) is None
    assert submit(plugin).version_id == Plugin.objects.get(pk=plugin.pk).latest_version_id


def test_a_rejection_at_the_changes_requested_deadline_counts_like_a_rejection(
    developer, plugin, reviewer
):
    submission = claim(submit(plugin), reviewer)
    services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Which cities does it cover?"
    )
    submission.refresh_from_db()
    assert changes.changes_requested_expire(
        submission_id=submission.pk, now=submission.changes_due_at + datetime.timedelta(minutes=1)
    )
    assert ask(developer, plugin).reason == "unchanged"


def test_a_ban_rejection_does_not_ask_for_an_update(developer, plugin, reviewer):
    """The ban's verdict was on the plugin, not on the version, and a banned plugin can't be
    submitted anyway; once reinstated, the same version may go to review."""
    submission = submit(plugin)
    ban(plugin, reviewer)
    submission.refresh_from_db()
    assert submission.state == "rejected" and submission.rejected_for_ban
    plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="The appeal explained it.")
    assert ask(developer, plugin) is None
    submit(plugin)


def test_the_plugin_page_and_the_bot_say_why(developer, plugin, reviewer, client):
    reject(claim(submit(plugin), reviewer), reviewer)
    client.force_login(developer)
    page = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert UNCHANGED_AFTER_REJECTION.encode() in page.content
    assert b"Submit for review" not in page.content
    [choice] = plugin_choices(developer)
    assert not choice.pickable
    assert choice.reason == UNCHANGED_AFTER_REJECTION
