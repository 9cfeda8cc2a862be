import datetime

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError
from inbox.kinds import NotificationKind
from inbox.models import Notification
from pluginstore.models import PluginStatus, PluginStatusChange
from pluginstore.selectors import StoreQuery, store_plugins
from reviews import services
from reviews.models import CriterionResult, Submission, SubmissionEvent, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin, register
from tests.reviews.helpers import (
    approve,
    claim,
    intent,
    intents,
    new_version,
    reject,
    results,
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


# Submitting -------------------------------------------------------------------------------


def test_submitting_queues_the_latest_version_with_a_due_date_and_tells_the_developer(
    plugin, developer
):
    before = timezone.now()
    submission = submit(plugin, note_to_reviewer="Try it with Paris.")
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.version == plugin.latest_version
    assert submission.note_to_reviewer == "Try it with Paris."
    assert submission.due_at - submission.submitted_at == datetime.timedelta(days=7)
    assert submission.submitted_at >= before
    assert _events(submission) == [("", "submitted", developer.pk)]
    assert intents() == {(developer.pk, NotificationKind.SUBMISSION_RECEIVED)}
    received = intent(NotificationKind.SUBMISSION_RECEIVED)
    assert received.event_key == f"submission:{submission.pk}:submitted"
    assert received.context["queue_position"] == 1
    assert received.context["due_at"].startswith(submission.due_at.date().isoformat())
    assert received.context["plugin_name"] == plugin.display_name


def test_the_queue_position_counts_the_open_submissions_ahead():
    first = submit(register(DeveloperFactory()))
    claim(first, make_reviewer())
    submit(register(DeveloperFactory()))
    third = submit(register(DeveloperFactory()))
    assert (
        Notification.objects.get(event_key=f"submission:{third.pk}:submitted").context[
            "queue_position"
        ]
        == 3
    )


def test_a_plugin_with_an_open_submission_cannot_be_submitted_again(plugin):
    submit(plugin)
    with pytest.raises(ApplicationError, match="already has a submission waiting"):
        submit(plugin)
    assert Submission.objects.count() == 1


def test_the_database_constraint_backs_the_one_open_submission_rule(plugin, monkeypatch):
    submit(plugin)
    # As if a concurrent request had passed the check at the same moment.
    monkeypatch.setattr(services, "OPEN_STATES", ())
    with pytest.raises(ApplicationError, match="already has a submission waiting"):
        submit(plugin)
    assert Submission.objects.count() == 1


def test_a_version_with_check_errors_cannot_be_submitted(developer):
    plugin = register(developer, name_for_human="The Best ChatGPT Plugin Ever Made")
    with pytest.raises(ApplicationError, match="check error"):
        submit(plugin)
    assert not Submission.objects.exists()


def test_an_approved_plugin_whose_live_version_is_its_latest_has_nothing_to_submit(developer):
    plugin = make_plugin(developer, status=PluginStatus.APPROVED)
    with pytest.raises(ApplicationError, match="already live"):
        submit(plugin)


def test_a_banned_plugin_cannot_be_submitted(developer):
    plugin = make_plugin(developer, status=PluginStatus.BANNED)
    with pytest.raises(ApplicationError, match="banned"):
        submit(plugin)


def test_only_the_owner_developer_submits(plugin, reviewer):
    for user in (DeveloperFactory(), reviewer):
        with pytest.raises(ApplicationError, match="Only the plugin's developer"):
            services.submission_create(plugin_id=plugin.pk, by=user)
    assert not Submission.objects.exists()
    assert not Notification.objects.exists()


# Claiming and releasing -----------------------------------------------------------------


def test_claiming_puts_the_submission_in_review_and_tells_the_developer(
    plugin, developer, reviewer
):
    submission = claim(submit(plugin), reviewer)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.IN_REVIEW
    assert submission.claimed_by == reviewer
    assert _events(submission)[-1] == ("submitted", "in_review", reviewer.pk)
    assert intents() == {
        (developer.pk, NotificationKind.SUBMISSION_RECEIVED),
        (developer.pk, NotificationKind.REVIEW_STARTED),
    }


def test_a_claimed_submission_cannot_be_claimed_by_another_reviewer(
    plugin, reviewer, other_reviewer
):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="Another reviewer already claimed"):
        claim(submission, other_reviewer)
    submission.refresh_from_db()
    assert submission.claimed_by == reviewer


def test_a_decided_submission_cannot_be_claimed(plugin, reviewer):
    submission = approve(claim(submit(plugin), reviewer), reviewer)
    with pytest.raises(ApplicationError, match="already approved"):
        claim(submission, reviewer)


def test_only_reviewers_claim_and_never_their_own_plugin(
    staff_outsider, reviewer_developer, developer
):
    own = submit(register(reviewer_developer))
    for user, submission in (
        (staff_outsider, own),
        (developer, own),
        (reviewer_developer, own),
    ):
        with pytest.raises(ApplicationError, match="may not review"):
            claim(submission, user)
    assert _state(own) == SubmissionState.SUBMITTED
    assert SubmissionEvent.objects.filter(submission=own).count() == 1


def test_releasing_returns_the_submission_to_its_place_in_the_queue(plugin, reviewer):
    submission = claim(submit(plugin), reviewer)
    before = intents()
    services.submission_release(submission_id=submission.pk, reviewer=reviewer, reason="Away")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.claimed_by is None
    assert SubmissionEvent.objects.filter(submission=submission).last().reason == "Away"
    assert intents() == before
    # Claimed again: the developer already heard that the review started.
    claim(submission, reviewer)
    assert intents() == before


def test_a_submission_in_the_queue_cannot_be_released(plugin, reviewer):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="claim it first"):
        services.submission_release(submission_id=submission.pk, reviewer=reviewer)


def test_only_the_claiming_reviewer_releases(plugin, reviewer, other_reviewer, staff_outsider):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="only they can release or decide"):
        services.submission_release(submission_id=submission.pk, reviewer=other_reviewer)
    with pytest.raises(ApplicationError, match="may not review"):
        services.submission_release(submission_id=submission.pk, reviewer=staff_outsider)
    assert _state(submission) == SubmissionState.IN_REVIEW


# Approving ------------------------------------------------------------------------------


def test_approving_makes_the_plugin_approved_with_the_version_live(plugin, developer, reviewer):
    submission = claim(submit(plugin), reviewer)
    approve(submission, reviewer, developer_note="Nice work.", private_note="Checked by hand.")
    submission.refresh_from_db()
    plugin.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert (submission.decided_by, submission.developer_note) == (reviewer, "Nice work.")
    assert submission.reviewer_private_note == "Checked by hand."
    assert submission.decided_at is not None
    assert plugin.status == PluginStatus.APPROVED
    assert plugin.live_version_id == submission.version_id
    assert CriterionResult.objects.filter(submission=submission, result="pass").count() == 11
    assert _events(submission)[-1] == ("in_review", "approved", reviewer.pk)
    assert PluginStatusChange.objects.filter(plugin=plugin, to_status="approved").exists()
    assert plugin in store_plugins(StoreQuery())
    assert intents() == {
        (developer.pk, NotificationKind.SUBMISSION_RECEIVED),
        (developer.pk, NotificationKind.REVIEW_STARTED),
        (developer.pk, NotificationKind.APPROVED),
    }
    approved = intent(NotificationKind.APPROVED)
    assert approved.context["developer_note"] == "Nice work."
    assert "Checked by hand." not in str(approved.context)


def test_a_submission_must_be_claimed_before_it_is_approved(plugin, reviewer):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="claim it first"):
        approve(submission, reviewer)
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED


def test_only_the_claiming_reviewer_approves(plugin, reviewer, other_reviewer, staff_outsider):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="only they can release or decide"):
        approve(submission, other_reviewer)
    with pytest.raises(ApplicationError, match="may not review"):
        approve(submission, staff_outsider)
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED
    assert not CriterionResult.objects.exists()


def test_approving_needs_every_criterion_and_none_failed(plugin, reviewer):
    submission = claim(submit(plugin), reviewer)
    partial = results()
    del partial["C4"]
    with pytest.raises(ApplicationError, match="missing C4"):
        services.submission_approve(submission_id=submission.pk, reviewer=reviewer, results=partial)
    with pytest.raises(ApplicationError, match="rejecting, not approving"):
        services.submission_approve(
            submission_id=submission.pk, reviewer=reviewer, results=results(C2="Logo")
        )
    assert _state(submission) == SubmissionState.IN_REVIEW


def test_a_newer_version_is_reviewed_while_the_approved_one_stays_live(
    developer, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = make_plugin(developer, status=PluginStatus.APPROVED)
    v1 = plugin.live_version
    v2 = new_version(
        plugin,
        monkeypatch,
        django_capture_on_commit_callbacks,
        description_for_human="Weather forecasts for every European city.",
    )
    submission = claim(submit(plugin), reviewer)
    assert submission.version == v2
    plugin.refresh_from_db()
    assert (plugin.status, plugin.live_version) == (PluginStatus.APPROVED, v1)
    assert plugin in store_plugins(StoreQuery())

    approve(submission, reviewer)
    plugin.refresh_from_db()
    assert (plugin.status, plugin.live_version) == (PluginStatus.APPROVED, v2)
    assert plugin.description == "Weather forecasts for every European city."


# Rejecting ------------------------------------------------------------------------------


def test_rejecting_cites_the_failed_criteria_and_leaves_the_plugin_as_it_was(
    plugin, developer, reviewer
):
    submission = claim(submit(plugin), reviewer)
    reject(
        submission,
        reviewer,
        results=results(C9='"GPT" in the name.', C7="No final full stop."),
        developer_note="Rename it and fix the description.",
        private_note="Third time this month.",
    )
    submission.refresh_from_db()
    plugin.refresh_from_db()
    assert submission.state == SubmissionState.REJECTED
    assert submission.developer_note == "Rename it and fix the description."
    assert submission.reviewer_private_note == "Third time this month."
    assert plugin.status == PluginStatus.UNVERIFIED
    assert plugin.live_version is None
    failed = set(
        CriterionResult.objects.filter(submission=submission, result="fail").values_list(
            "criterion", "note"
        )
    )
    assert failed == {("C9", '"GPT" in the name.'), ("C7", "No final full stop.")}
    assert _events(submission)[-1] == ("in_review", "rejected", reviewer.pk)
    assert intents() == {
        (developer.pk, NotificationKind.SUBMISSION_RECEIVED),
        (developer.pk, NotificationKind.REVIEW_STARTED),
        (developer.pk, NotificationKind.REJECTED),
    }
    rejected = intent(NotificationKind.REJECTED)
    assert [c["criterion"] for c in rejected.context["failed_criteria"]] == ["C7", "C9"]
    assert rejected.context["developer_note"] == "Rename it and fix the description."
    assert "Third time" not in str(rejected.context)


def test_rejecting_a_newer_version_keeps_the_approved_one_live(
    developer, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = make_plugin(developer, status=PluginStatus.APPROVED)
    v1 = plugin.live_version
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Weather")
    reject(claim(submit(plugin), reviewer), reviewer)
    plugin.refresh_from_db()
    assert (plugin.status, plugin.live_version) == (PluginStatus.APPROVED, v1)


def test_rejecting_requires_a_failed_criterion(plugin, reviewer):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="at least one failed criterion"):
        reject(submission, reviewer, results=results())
    assert _state(submission) == SubmissionState.IN_REVIEW


def test_rejecting_requires_a_note_for_the_developer(plugin, reviewer):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="note telling the developer"):
        reject(submission, reviewer, developer_note="   ", private_note="Private only.")
    assert _state(submission) == SubmissionState.IN_REVIEW
    assert not CriterionResult.objects.exists()


def test_a_submission_must_be_claimed_before_it_is_rejected(plugin, reviewer):
    submission = submit(plugin)
    with pytest.raises(ApplicationError, match="claim it first"):
        reject(submission, reviewer)


def test_only_the_claiming_reviewer_rejects(plugin, reviewer, other_reviewer, developer):
    submission = claim(submit(plugin), reviewer)
    with pytest.raises(ApplicationError, match="only they can release or decide"):
        reject(submission, other_reviewer)
    with pytest.raises(ApplicationError, match="may not review"):
        reject(submission, developer)
    assert _state(submission) == SubmissionState.IN_REVIEW


# Withdrawing ----------------------------------------------------------------------------


@pytest.mark.parametrize("claimed", [False, True])
def test_the_developer_withdraws_an_open_submission(plugin, developer, reviewer, claimed):
    submission = submit(plugin)
    if claimed:
        claim(submission, reviewer)
    before = intents()
    services.submission_withdraw(submission_id=submission.pk, by=developer, reason="Oops")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN
    assert _events(submission)[-1][1:] == ("withdrawn", developer.pk)
    assert intents() == before
    # The plugin may be submitted again at once.
    assert submit(plugin).state == SubmissionState.SUBMITTED


def test_a_closed_submission_cannot_be_withdrawn(plugin, developer):
    submission = submit(plugin)
    services.submission_withdraw(submission_id=submission.pk, by=developer)
    with pytest.raises(ApplicationError, match="already withdrawn"):
        services.submission_withdraw(submission_id=submission.pk, by=developer)


def test_only_the_owner_withdraws(plugin, reviewer):
    submission = submit(plugin)
    for user in (DeveloperFactory(), reviewer):
        with pytest.raises(ApplicationError, match="Only the plugin's developer"):
            services.submission_withdraw(submission_id=submission.pk, by=user)
    assert _state(submission) == SubmissionState.SUBMITTED
