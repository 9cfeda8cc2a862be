"""Reads of submissions that are more than a get: queue position, expected date, actions."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from reviews.models import OPEN_STATES, Submission

# The expected date assumes the reviewers keep deciding as many submissions a day as they did
# over the last THROUGHPUT_WINDOW_DAYS, and at least MIN_DECISIONS_PER_DAY.
THROUGHPUT_WINDOW_DAYS = 14
MIN_DECISIONS_PER_DAY = 1.0

# Transitions that other services take on the submission's behalf (banning the plugin):
# never a button.
_SERVICE_ONLY_TRANSITIONS = frozenset({"reject_for_ban"})


def queue_position(submission: Submission) -> int | None:
    """1 for the oldest open submission, counting those in review; None once it is closed."""
    if not submission.is_open:
        return None
    ahead = Submission.objects.filter(state__in=OPEN_STATES).filter(
        Q(submitted_at__lt=submission.submitted_at)
        | Q(submitted_at=submission.submitted_at, pk__lt=submission.pk)
    )
    return ahead.count() + 1


def decisions_per_day() -> float:
    """How many submissions reviewers decided a day, lately (never below the minimum)."""
    since = timezone.now() - datetime.timedelta(days=THROUGHPUT_WINDOW_DAYS)
    decided = Submission.objects.filter(decided_at__gte=since).count()
    return max(decided / THROUGHPUT_WINDOW_DAYS, MIN_DECISIONS_PER_DAY)


def expected_decision_date(
    submission: Submission, *, position: int | None = None, per_day: float | None = None
) -> datetime.datetime | None:
    """When the developer can expect a decision: the due date, or later if the queue is long.

    Estimated as now + position / decisions_per_day(), never earlier than the due date (a
    promise we would rather keep than beat). Pass position and per_day when listing many
    submissions, to spend their queries once. None once the submission is closed.
    """
    if not submission.is_open:
        return None
    position = position if position is not None else queue_position(submission)
    per_day = per_day if per_day is not None else decisions_per_day()
    estimate = timezone.now() + datetime.timedelta(days=position / per_day)
    return max(submission.due_at, estimate)


@dataclass(frozen=True)
class SubmissionAction:
    name: str  # the transition, and the service that takes it (submission_<name>)
    label: str


def available_transitions(user: User, submission: Submission) -> list[SubmissionAction]:
    """The transitions this user may take on this submission now: one button each."""
    return [
        SubmissionAction(t.name, t.custom.get("label", t.name.replace("_", " ").capitalize()))
        for t in submission.get_available_user_state_transitions(user)
        if t.name not in _SERVICE_ONLY_TRANSITIONS
    ]
