"""Two people acting on one submission at the same moment, in real concurrent transactions.

Each thread has its own database connection; a barrier releases them together. Exactly one
wins, the other gets an ApplicationError with a clear message, and nothing else is raised
(no deadlock, no IntegrityError, no 500).
"""

import threading

import pytest
from django.db import connection

from core.exceptions import ApplicationError
from pluginstore.models import Plugin, PluginStatus
from reviews import moderation, services
from reviews.models import CriterionResult, Submission, SubmissionEvent, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, results, submit

TRIALS = 50  # issue 4: 50 two-reviewer trials
# The other races, fewer: each trial also delivers its notifications on commit.
OTHER_TRIALS = 25
WON = "won"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(*actions) -> list:
    """Run the actions at once, one thread each; WON, the ApplicationError message, or the
    unexpected exception, per action."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = WON
        except ApplicationError as error:
            outcomes[index] = error.message
        except Exception as error:  # noqa: BLE001 - the test counts these
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _unexpected(outcomes) -> list:
    return [o for o in outcomes if not isinstance(o, str)]


def test_two_reviewers_claiming_at_once_exactly_one_wins():
    reviewers = make_reviewer(), make_reviewer()
    developer = DeveloperFactory()
    for _ in range(TRIALS):
        submission = submit(register(developer))
        outcomes = _race(
            *(
                lambda r=r, s=submission: services.submission_claim(submission_id=s.pk, reviewer=r)
                for r in reviewers
            )
        )
        assert _unexpected(outcomes) == []
        assert outcomes.count(WON) == 1, outcomes
        loser = next(o for o in outcomes if o != WON)
        assert loser == "Another reviewer already claimed this submission."
        submission.refresh_from_db()
        winner = reviewers[outcomes.index(WON)]
        assert (submission.state, submission.claimed_by) == (SubmissionState.IN_REVIEW, winner)
        assert SubmissionEvent.objects.filter(submission=submission).count() == 2


def test_a_double_submitted_approval_decides_once():
    reviewer = make_reviewer()
    developer = DeveloperFactory()
    for _ in range(OTHER_TRIALS):
        submission = claim(submit(register(developer)), reviewer)

        def approve(submission=submission):
            services.submission_approve(
                submission_id=submission.pk, reviewer=reviewer, results=results()
            )

        outcomes = _race(approve, approve)
        assert _unexpected(outcomes) == []
        assert sorted(outcomes) == sorted([WON, "This submission was already approved."])
        assert CriterionResult.objects.filter(submission=submission).count() == 11
        assert (
            SubmissionEvent.objects.filter(submission=submission, to_state="approved").count() == 1
        )


def test_approving_while_the_developer_withdraws_exactly_one_wins():
    reviewer = make_reviewer()
    developer = DeveloperFactory()
    for _ in range(OTHER_TRIALS):
        submission = claim(submit(register(developer)), reviewer)
        outcomes = _race(
            lambda s=submission: services.submission_approve(
                submission_id=s.pk, reviewer=reviewer, results=results()
            ),
            lambda s=submission: services.submission_withdraw(submission_id=s.pk, by=developer),
        )
        assert _unexpected(outcomes) == []
        assert outcomes.count(WON) == 1, outcomes
        state = Submission.objects.values_list("state", flat=True).get(pk=submission.pk)
        plugin_status = Plugin.objects.values_list("status", flat=True).get(pk=submission.plugin_id)
        if outcomes[0] == WON:
            assert (state, plugin_status) == (SubmissionState.APPROVED, PluginStatus.APPROVED)
            assert outcomes[1] == "This submission was already approved."
        else:
            assert (state, plugin_status) == (SubmissionState.WITHDRAWN, PluginStatus.UNVERIFIED)
            assert outcomes[0] == "This submission was already withdrawn."


def test_approving_while_another_reviewer_bans_never_deadlocks():
    reviewer, banner = make_reviewer(), make_reviewer()
    developer = DeveloperFactory()
    for _ in range(OTHER_TRIALS):
        submission = claim(submit(register(developer)), reviewer)
        outcomes = _race(
            lambda s=submission: services.submission_approve(
                submission_id=s.pk, reviewer=reviewer, results=results()
            ),
            lambda s=submission: moderation.plugin_ban(
                plugin_id=s.plugin_id, by=banner, reason="Malware."
            ),
        )
        assert _unexpected(outcomes) == []
        # The ban always goes through; the approval only if it came first.
        assert outcomes[1] == WON
        state = Submission.objects.values_list("state", flat=True).get(pk=submission.pk)
        if outcomes[0] == WON:
            assert state == SubmissionState.APPROVED
        else:
            assert state == SubmissionState.REJECTED
            assert outcomes[0] == "This submission was already rejected."


def test_a_double_clicked_submit_makes_one_submission():
    developer = DeveloperFactory()
    for _ in range(OTHER_TRIALS):
        plugin = register(developer)

        def create(plugin=plugin):
            services.submission_create(plugin_id=plugin.pk, by=developer)

        outcomes = _race(create, create)
        assert _unexpected(outcomes) == []
        assert sorted(outcomes) == sorted(
            [WON, "This plugin already has a submission waiting for review; withdraw it first."]
        )
        assert Submission.objects.filter(plugin=plugin).count() == 1
