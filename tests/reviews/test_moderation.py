"""Moderation: ban, reinstate and keep the ban (reviews.moderation)."""

import pytest

from core.exceptions import ApplicationError
from inbox.kinds import NotificationKind
from inbox.models import Notification
from pluginstore.models import PluginStatus
from reviews import moderation
from reviews.models import Submission, SubmissionEvent, SubmissionState
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import ban, make_plugin, register
from tests.reviews.helpers import (
    claim,
    intent,
    intents,
    submit,
)

pytestmark = pytest.mark.django_db


def _events(submission) -> list[tuple[str, str, int]]:
    return list(
        SubmissionEvent.objects.filter(submission=submission).values_list(
            "from_state", "to_state", "actor_id"
        )
    )


def _state(submission) -> str:
    return Submission.objects.values_list("state", flat=True).get(pk=submission.pk)


# The plugin's status and its audit row --------------------------------------------------


def test_banning_records_who_when_from_to_and_why():
    reviewer = make_reviewer()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Scam.")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.BANNED
    audit = plugin.status_changes.first()
    assert (audit.changed_by, audit.from_status, audit.to_status, audit.reason) == (
        reviewer,
        "approved",
        "banned",
        "Scam.",
    )
    assert audit.created_at is not None


def test_banning_needs_a_reason_and_the_ban_permission():
    plugin = make_plugin(DeveloperFactory(), status="approved")
    with pytest.raises(ApplicationError, match="reason"):
        moderation.plugin_ban(plugin_id=plugin.pk, by=make_reviewer(), reason="  ")
    staff = DeveloperFactory(is_staff=True)
    with pytest.raises(ApplicationError, match="not allowed"):
        moderation.plugin_ban(plugin_id=plugin.pk, by=staff, reason="x")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED


def test_banning_a_banned_plugin_is_refused():
    plugin = make_plugin(DeveloperFactory(), status="banned")
    with pytest.raises(ApplicationError, match="already banned"):
        ban(plugin)
    assert plugin.status_changes.filter(to_status="banned").count() == 1


def test_reinstating_makes_the_plugin_unverified_and_unlisted():
    reviewer = make_reviewer()
    plugin = make_plugin(DeveloperFactory(), status="banned")
    moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Appeal accepted.")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED
    assert plugin.live_version is None
    audit = plugin.status_changes.first()
    assert (audit.from_status, audit.to_status, audit.reason) == (
        "banned",
        "unverified",
        "Appeal accepted.",
    )


def test_reinstating_needs_a_banned_plugin_and_the_permission():
    plugin = make_plugin(DeveloperFactory(), status="approved")
    with pytest.raises(ApplicationError, match="Only a banned"):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=make_reviewer(), reason="x")
    banned = make_plugin(DeveloperFactory(), status="banned")
    with pytest.raises(ApplicationError, match="not allowed"):
        moderation.plugin_reinstate(plugin_id=banned.pk, by=PlusUserFactory(), reason="x")


# Banning and reinstating ----------------------------------------------------------------


def test_banning_rejects_the_open_submission_with_the_ban_reason(plugin, developer, reviewer):
    submission = claim(submit(plugin), reviewer)
    moderation.plugin_ban(
        plugin_id=plugin.pk, by=reviewer, reason="Sends user data to third parties."
    )
    plugin.refresh_from_db()
    submission.refresh_from_db()
    assert plugin.status == PluginStatus.BANNED
    assert submission.state == SubmissionState.REJECTED
    assert submission.developer_note == "Sends user data to third parties."
    assert submission.decided_by == reviewer
    assert _events(submission)[-1] == ("in_review", "rejected", reviewer.pk)
    assert intents() == {
        (developer.pk, NotificationKind.SUBMISSION_RECEIVED),
        (developer.pk, NotificationKind.REVIEW_STARTED),
        (developer.pk, NotificationKind.BANNED),
    }
    banned = intent(NotificationKind.BANNED)
    assert banned.context["reason"] == "Sends user data to third parties."
    assert banned.context["rejected_submission_id"] == submission.pk
    assert "appeal" in banned.context["appeal"]


def test_banning_a_plugin_with_nothing_open_just_bans_it(developer, reviewer):
    plugin = make_plugin(developer, status=PluginStatus.APPROVED)
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Malware.")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.BANNED
    assert intents() == {(developer.pk, NotificationKind.BANNED)}


def test_a_banned_plugin_cannot_be_banned_again(developer, reviewer):
    plugin = make_plugin(developer, status=PluginStatus.BANNED)
    told = Notification.objects.count()  # of the first ban
    with pytest.raises(ApplicationError, match="already banned"):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Again.")
    assert Notification.objects.count() == told


def test_only_reviewers_ban_and_the_open_submission_stays(
    plugin, staff_outsider, reviewer_developer
):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="not allowed to ban"):
        moderation.plugin_ban(plugin_id=plugin.pk, by=staff_outsider, reason="X.")
    own = register(reviewer_developer)
    with pytest.raises(ApplicationError, match="your own plugin"):
        moderation.plugin_ban(plugin_id=own.pk, by=reviewer_developer, reason="X.")
    with pytest.raises(ApplicationError, match="reason"):
        moderation.plugin_ban(plugin_id=plugin.pk, by=make_reviewer(), reason=" ")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED
    assert _state(submission) == SubmissionState.SUBMITTED


def test_reinstating_makes_the_plugin_unverified_and_tells_the_owner(developer, reviewer):
    plugin = make_plugin(developer, status=PluginStatus.APPROVED)
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Malware.")
    moderation.plugin_reinstate(
        plugin_id=plugin.pk, by=reviewer, reason="The appeal showed it was a false alarm."
    )
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED
    assert intents() == {
        (developer.pk, NotificationKind.BANNED),
        (developer.pk, NotificationKind.REINSTATED),
    }
    assert intent(NotificationKind.REINSTATED).context["reason"].startswith("The appeal")
    # It must be approved again: the developer can submit it once more.
    assert submit(plugin).state == SubmissionState.SUBMITTED
    # Banned again later: a new event, so a new intent.
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Again.")
    assert Notification.objects.filter(kind=NotificationKind.BANNED).count() == 2
    assert _state(Submission.objects.get(plugin=plugin)) == SubmissionState.REJECTED


def test_only_a_banned_plugin_is_reinstated(plugin, reviewer):
    with pytest.raises(ApplicationError, match="Only a banned plugin"):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="X.")
    assert not Notification.objects.exists()


def test_only_reviewers_reinstate(developer, reviewer, staff_outsider):
    plugin = make_plugin(developer, status=PluginStatus.BANNED)
    for user in (staff_outsider, developer):
        with pytest.raises(ApplicationError, match="not allowed to reinstate"):
            moderation.plugin_reinstate(plugin_id=plugin.pk, by=user, reason="X.")
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.BANNED
