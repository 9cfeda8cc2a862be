"""A request for changes raced on PostgreSQL, in real concurrent transactions: the developer's
reply against the deadline's rejection, and two deadline runs at once (two beats, or a task
delivered twice). Exactly one outcome each time, told once, and no error."""

import pytest

from inbox.kinds import NotificationKind
from inbox.models import Notification, Thread
from inbox.services import thread_reply_create
from reviews import changes, services
from reviews.models import Submission, SubmissionEvent, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, submit
from tests.reviews.test_concurrency import WON, _race, _unexpected

TRIALS = 15

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _asked(developer, reviewer) -> Submission:
    """A submission waiting for its developer's answer (autocommit: its messages, and so the
    owner's thread, are delivered at once)."""
    submission = claim(submit(register(developer)), reviewer)
    return services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Which cities?"
    )


def _told(submission, kind) -> int:
    return Notification.objects.filter(
        kind=kind, context__submission_id=submission.pk, recipient=submission.plugin.owner
    ).count()


def test_a_reply_racing_the_deadline_either_answers_or_comes_too_late():
    developer, reviewer = DeveloperFactory(), make_reviewer()
    answered = rejected = 0
    for _ in range(TRIALS):
        submission = _asked(developer, reviewer)
        thread = Thread.objects.get(owner=developer, plugin=submission.plugin)
        outcomes = _race(
            lambda t=thread: thread_reply_create(thread_id=t.pk, author=developer, body="All."),
            lambda s=submission: changes.changes_requested_expire(
                submission_id=s.pk, now=s.changes_due_at
            ),
        )
        assert _unexpected(outcomes) == []
        assert outcomes == [WON, WON]
        state = Submission.objects.values_list("state", flat=True).get(pk=submission.pk)
        after = list(
            SubmissionEvent.objects.filter(
                submission=submission, from_state=SubmissionState.CHANGES_REQUESTED
            ).values_list("to_state", flat=True)
        )
        # One way out of changes_requested, and the developer hears of that one only.
        assert after == [state]
        if state == SubmissionState.SUBMITTED:
            answered += 1
            assert _told(submission, NotificationKind.CHANGES_ANSWERED) == 1
            assert _told(submission, NotificationKind.CHANGES_EXPIRED) == 0
        else:
            rejected += 1
            assert state == SubmissionState.REJECTED
            assert _told(submission, NotificationKind.CHANGES_EXPIRED) == 1
            assert _told(submission, NotificationKind.CHANGES_ANSWERED) == 0
    assert answered + rejected == TRIALS


def test_two_deadline_runs_at_once_reject_once():
    developer, reviewer = DeveloperFactory(), make_reviewer()
    for _ in range(TRIALS):
        submission = _asked(developer, reviewer)
        outcomes = _race(
            *(
                lambda s=submission: changes.changes_requested_deadlines(now=s.changes_due_at)
                for _ in range(2)
            )
        )
        assert _unexpected(outcomes) == []
        assert (
            SubmissionEvent.objects.filter(submission=submission, to_state="rejected").count() == 1
        )
        assert _told(submission, NotificationKind.CHANGES_EXPIRED) == 1
