import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.reviewers import REVIEWERS_GROUP
from reviews import services
from reviews.models import AUTO_CRITERIA, CannedReason, Criterion, Submission, SubmissionState
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, submit


def _raw_submission(plugin, **kwargs) -> Submission:
    """A row written straight to the database, bypassing the services on purpose."""
    return Submission.objects.create(
        plugin=plugin,
        version=plugin.latest_version,
        submitted_by=plugin.owner,
        due_at=timezone.now(),
        **kwargs,
    )


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_submission_for_a_plugin():
    plugin = register(DeveloperFactory())
    _raw_submission(plugin)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_submission(plugin)


@pytest.mark.django_db
def test_closed_submissions_do_not_count_against_the_one_open_rule():
    plugin = register(DeveloperFactory())
    Submission.objects.bulk_create(
        [
            Submission(
                plugin=plugin,
                version=plugin.latest_version,
                submitted_by=plugin.owner,
                due_at=timezone.now(),
                state=state,
            )
            for state in (SubmissionState.REJECTED, SubmissionState.WITHDRAWN)
        ]
    )
    _raw_submission(plugin)
    assert Submission.objects.filter(plugin=plugin).count() == 3


@pytest.mark.django_db
def test_the_state_cannot_be_assigned_by_hand():
    submission = _raw_submission(register(DeveloperFactory()))
    with pytest.raises(AttributeError):
        submission.state = SubmissionState.APPROVED
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED


def test_the_criteria_are_c1_to_c11_with_the_machine_checked_ones_marked():
    assert Criterion.values == [f"C{n}" for n in range(1, 12)]
    assert {c.value for c in Criterion if c.auto} == AUTO_CRITERIA
    assert "GPT" in Criterion.C9.label


@pytest.mark.django_db
def test_reviewers_hold_the_review_permissions():
    codenames = set(
        Group.objects.get(name=REVIEWERS_GROUP)
        .permissions.filter(content_type__app_label="reviews")
        .values_list("codename", flat=True)
    )
    assert {"review_submission", "view_submission", "change_cannedreason"} <= codenames
    assert "change_submission" not in codenames


@pytest.mark.django_db
def test_reviewers_start_with_canned_reasons_for_the_common_rejections():
    assert {"C3", "C6", "C7", "C9", "C11"} <= set(
        CannedReason.objects.values_list("criterion", flat=True)
    )


def _transitions(user, submission: Submission) -> dict[str, str]:
    """The transitions this user may take now (name -> label), as the admin's buttons see them.

    reject_for_ban, answer and expire have no permission of their own: only their services
    take them (reviews.moderation.plugin_ban after asking can_ban; reviews.changes when the
    developer answers or the deadline passes), and the admin never offers them.
    """
    return {
        t.name: t.custom.get("label", "")
        for t in submission.get_available_user_state_transitions(user)
        if t.name not in ("reject_for_ban", "answer", "expire")
    }


@pytest.mark.django_db
def test_reviewers_may_claim_then_only_the_claimer_may_release_approve_or_reject():
    developer = DeveloperFactory()
    reviewer, other = make_reviewer(), make_reviewer()
    submission = submit(register(developer))
    assert list(_transitions(reviewer, submission)) == ["claim"]
    assert list(_transitions(developer, submission)) == ["withdraw"]
    claim(submission, reviewer)
    submission.refresh_from_db()
    assert sorted(_transitions(reviewer, submission)) == [
        "approve",
        "reject",
        "release",
        "request_changes",
    ]
    assert list(_transitions(other, submission)) == []
    assert list(_transitions(developer, submission)) == ["withdraw"]
    assert _transitions(reviewer, submission)["approve"] == "Approve"
    assert _transitions(reviewer, submission)["request_changes"] == "Request changes"


@pytest.mark.django_db
def test_while_changes_are_requested_only_the_developer_may_act():
    developer = DeveloperFactory()
    reviewer, other = make_reviewer(), make_reviewer()
    submission = submit(register(developer))
    claim(submission, reviewer)
    services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Which cities?"
    )
    submission.refresh_from_db()
    assert _transitions(reviewer, submission) == {}
    assert _transitions(other, submission) == {}
    assert list(_transitions(developer, submission)) == ["withdraw"]
    # The developer's answer and the deadline are services' only, never admin buttons.
    assert {
        t.name: t.custom.get("admin")
        for t in submission.get_all_state_transitions()
        if t.name in ("answer", "expire")
    } == {"answer": False, "expire": False}


@pytest.mark.django_db
def test_staff_outside_reviewers_and_strangers_may_take_no_transition():
    submission = submit(register(DeveloperFactory()))
    assert _transitions(UserFactory(is_staff=True), submission) == {}
    assert _transitions(DeveloperFactory(), submission) == {}
