"""Requests for changes (PRODUCT.md section 3): in_review -> changes_requested with a note and a
deadline; the developer's reply or new version puts the submission back in its old queue
place; a reminder before the deadline; no answer -> rejected by beat, the system as the actor."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from core.exceptions import ApplicationError
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, Thread
from inbox.services import thread_reply_create
from reviews import changes, risk, selectors, services
from reviews.models import SYSTEM_ACTOR, Submission, SubmissionEvent, SubmissionState
from reviews.moderation import plugin_ban
from reviews.tasks import changes_requested_deadlines_task
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, new_version, reject, submit

pytestmark = pytest.mark.django_db

NOTE = "Which cities does it cover? Say so in description_for_human."


def request_changes(submission, reviewer, note=NOTE) -> Submission:
    return services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note=note
    )


def _fresh(submission) -> Submission:
    return Submission.objects.select_related("version").get(pk=submission.pk)


def _events(submission) -> list[tuple[str, str, int | None]]:
    return list(
        SubmissionEvent.objects.filter(submission=submission).values_list(
            "from_state", "to_state", "actor_id"
        )
    )


def _kinds(recipient) -> list[str]:
    return list(
        Notification.objects.filter(recipient=recipient)
        .order_by("id")
        .values_list("kind", flat=True)
    )


@pytest.fixture
def asked(plugin, reviewer, django_capture_on_commit_callbacks):
    """A submission whose reviewer asked for changes, every message delivered (so the owner
    has the plugin's thread to answer in)."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
        request_changes(submission, reviewer)
    return _fresh(submission)


def _reply(submission, body="Only European capitals; the description says so now.") -> Message:
    owner = submission.plugin.owner
    thread = Thread.objects.get(owner=owner, plugin=submission.plugin)
    return thread_reply_create(thread_id=thread.pk, author=owner, body=body)


class Clock:
    """timezone.now() moved on by the test (the services and the task read it)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def at(self, when: datetime.datetime) -> None:
        self.now = when


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


# Requesting changes -------------------------------------------------------------------------


def test_the_claiming_reviewer_asks_for_changes_with_a_note_and_a_deadline(
    plugin, developer, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        request_changes(submission, reviewer, note=f"  {NOTE}  ")

    submission = _fresh(submission)
    assert submission.state == SubmissionState.CHANGES_REQUESTED
    assert submission.changes_note == NOTE
    assert submission.changes_requested_by == reviewer
    # The reviewer keeps the claim: the queue shows who waits for the answer.
    assert submission.claimed_by == reviewer
    assert settings.INFO_REQUEST_DAYS == 14
    deadline = submission.changes_due_at - before
    assert datetime.timedelta(days=14) <= deadline < datetime.timedelta(days=14, minutes=1)
    assert _events(submission)[-1] == ("in_review", "changes_requested", reviewer.pk)
    assert SubmissionEvent.objects.filter(submission=submission).last().reason == NOTE
    # Open, but not with the reviewers: no queue position, not overdue, still one per plugin.
    assert submission.is_open and not submission.is_with_reviewers
    assert selectors.queue_position(submission) is None
    # The owner reads it in the plugin's thread, with the note and the deadline.
    notice = Notification.objects.get(kind=NotificationKind.CHANGES_REQUESTED)
    assert notice.recipient == developer and notice.thread_plugin_id == plugin.pk
    assert notice.event_key == f"submission:{submission.pk}:changes-requested:1"
    message = Message.objects.get(notification=notice)
    assert message.thread.owner == developer and message.thread.plugin_id == plugin.pk
    assert NOTE in message.body
    assert f"{submission.changes_due_at:%-d %B %Y}" in message.body
    assert "reply in this thread" in message.body


def test_a_request_for_changes_needs_a_note(plugin, reviewer):
    submission = submit(plugin)
    claim(submission, reviewer)
    with pytest.raises(ApplicationError, match="Write a note"):
        request_changes(submission, reviewer, note="   ")
    assert _fresh(submission).state == SubmissionState.IN_REVIEW
    assert not Notification.objects.filter(kind=NotificationKind.CHANGES_REQUESTED).exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("queued", "claim it first"),
        ("asked", "asked for changes"),
        ("rejected", "already rejected"),
    ],
)
def test_changes_can_be_requested_only_in_review(plugin, reviewer, setup, message):
    submission = submit(plugin)
    if setup != "queued":
        claim(submission, reviewer)
    if setup == "asked":
        request_changes(submission, reviewer)
    if setup == "rejected":
        reject(submission, reviewer)
    state = _fresh(submission).state
    events = _events(submission)

    with pytest.raises(ApplicationError, match=message):
        request_changes(submission, reviewer, note="Another question.")

    assert _fresh(submission).state == state
    assert _events(submission) == events


def test_only_the_claiming_reviewer_asks_for_changes(
    plugin, reviewer, other_reviewer, staff_outsider, reviewer_developer
):
    submission = submit(plugin)
    claim(submission, reviewer)
    with pytest.raises(ApplicationError, match="only they can"):
        request_changes(submission, other_reviewer)
    with pytest.raises(ApplicationError, match="may not review"):
        request_changes(submission, staff_outsider)
    with pytest.raises(ApplicationError, match="may not review"):
        request_changes(submission, plugin.owner)
    assert _fresh(submission).state == SubmissionState.IN_REVIEW
    assert not Notification.objects.filter(kind=NotificationKind.CHANGES_REQUESTED).exists()


def test_nobody_asks_for_changes_on_their_own_plugin(reviewer_developer, other_reviewer):
    plugin = register(reviewer_developer)
    submission = submit(plugin)
    claim(submission, other_reviewer)
    with pytest.raises(ApplicationError, match="may not review"):
        request_changes(submission, reviewer_developer)


def test_an_open_request_keeps_the_plugin_from_a_second_submission(asked):
    with pytest.raises(ApplicationError, match="already has a submission"):
        submit(asked.plugin)


def test_the_developer_may_withdraw_while_asked(asked):
    services.submission_withdraw(submission_id=asked.pk, by=asked.plugin.owner)
    assert _fresh(asked).state == SubmissionState.WITHDRAWN


def test_a_ban_rejects_a_submission_waiting_for_changes(asked, other_reviewer):
    plugin_ban(plugin_id=asked.plugin_id, by=other_reviewer, reason="Sends spam.")
    submission = _fresh(asked)
    assert submission.state == SubmissionState.REJECTED
    assert submission.developer_note == "Sends spam."
    # Nothing is left for the deadline task.
    assert changes.changes_requested_deadlines(now=asked.changes_due_at) == (0, 0)


# The answer: a reply ---------------------------------------------------------------------


def _three_in_the_queue(reviewer, capture):
    """Three submissions, oldest first; the reviewer asks the developer of the oldest."""
    with capture(execute=True):
        plugins = [register(DeveloperFactory()) for _ in range(3)]
        first, second, third = (submit(p) for p in plugins)
        claim(first, reviewer)
        request_changes(first, reviewer)
    return _fresh(first), second, third


def test_a_reply_puts_it_back_in_its_old_place_in_the_queue(
    reviewer, django_capture_on_commit_callbacks
):
    first, second, third = _three_in_the_queue(reviewer, django_capture_on_commit_callbacks)
    submitted_at = first.submitted_at
    # While the developer is asked, the others move up.
    assert [selectors.queue_position(s) for s in (first, second, third)] == [None, 1, 2]

    with django_capture_on_commit_callbacks(execute=True):
        reply = _reply(first)

    first = _fresh(first)
    assert first.state == SubmissionState.SUBMITTED
    assert first.submitted_at == submitted_at
    assert first.claimed_by is None
    assert [selectors.queue_position(s) for s in (first, second, third)] == [1, 2, 3]
    owner = first.plugin.owner
    assert _events(first)[-1] == ("changes_requested", "submitted", owner.pk)
    # The owner reads where it stands; the reviewer who asked reads the reply.
    answered = Message.objects.get(kind=NotificationKind.CHANGES_ANSWERED)
    assert answered.thread.owner == owner and "position 1" in answered.body
    told = Notification.objects.get(kind=NotificationKind.DEVELOPER_REPLIED)
    assert told.recipient == reviewer and told.thread_plugin_id is None
    assert told.context["answered"] is True and told.context["message_id"] == reply.pk
    assert reply.body in Message.objects.get(notification=told).body


def test_a_second_reply_does_not_move_it_again(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _reply(asked)
        _reply(asked, body="One more thing: Oslo is covered too.")
    answers = [e for e in _events(asked) if e[0] == "changes_requested"]
    assert len(answers) == 1
    assert Notification.objects.filter(kind=NotificationKind.CHANGES_ANSWERED).count() == 1
    assert _fresh(asked).state == SubmissionState.SUBMITTED


def test_a_reply_after_the_reminder_still_answers(asked, clock, django_capture_on_commit_callbacks):
    clock.at(asked.changes_due_at - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
        _reply(asked)
    assert Notification.objects.filter(kind=NotificationKind.CHANGES_REMINDER).count() == 1
    assert _fresh(asked).state == SubmissionState.SUBMITTED
    # Past the old deadline nothing happens to it: it is back with the reviewers.
    clock.at(asked.changes_due_at + datetime.timedelta(days=1))
    changes_requested_deadlines_task()
    assert _fresh(asked).state == SubmissionState.SUBMITTED


def test_a_reply_after_the_deadline_rejection_changes_nothing(
    asked, clock, django_capture_on_commit_callbacks
):
    clock.at(asked.changes_due_at + datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
    events = _events(asked)

    with django_capture_on_commit_callbacks(execute=True):
        _reply(asked, body="Sorry, I was away. Here is the answer.")

    submission = _fresh(asked)
    assert submission.state == SubmissionState.REJECTED
    assert _events(asked) == events
    assert not Notification.objects.filter(kind=NotificationKind.CHANGES_ANSWERED).exists()
    with pytest.raises(ApplicationError):
        services.submission_claim(submission_id=asked.pk, reviewer=asked.changes_requested_by)


# The answer: a new version -----------------------------------------------------------------


def test_a_new_version_replaces_the_one_under_review_and_puts_it_back(
    reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    first, second, _third = _three_in_the_queue(reviewer, django_capture_on_commit_callbacks)
    old_version = first.version
    assert risk.WARNINGS not in first.risk_flags

    version = new_version(
        first.plugin,
        monkeypatch,
        django_capture_on_commit_callbacks,
        description_for_human="Weather forecasts for European capitals and Oslo.",
        contact_email="help@elsewhere.example",  # a warning, not an error
    )

    first = _fresh(first)
    assert version.number == old_version.number + 1
    assert first.version == version
    assert first.state == SubmissionState.SUBMITTED
    assert version.warning_count and not version.error_count
    # The queue's risk flags are the new version's.
    assert risk.WARNINGS in first.risk_flags
    assert selectors.queue_position(first) == 1 and selectors.queue_position(second) == 2
    assert _events(first)[-1] == ("changes_requested", "submitted", first.plugin.owner_id)
    assert SubmissionEvent.objects.filter(submission=first).last().reason == (
        f"Answered with version {version.number}."
    )
    told = Notification.objects.get(kind=NotificationKind.DEVELOPER_NEW_VERSION)
    assert told.recipient == reviewer and told.context["answered"] is True
    answered = Message.objects.get(kind=NotificationKind.CHANGES_ANSWERED)
    assert f"Version {version.number} now replaces" in answered.body
    # A second new version changes nothing more: the submission is in the queue again.
    new_version(
        first.plugin,
        monkeypatch,
        django_capture_on_commit_callbacks,
        description_for_human="Weather forecasts for European capitals.",
    )
    assert _fresh(first).version == version
    assert len([e for e in _events(first) if e[0] == "changes_requested"]) == 1


def test_a_new_version_with_check_errors_does_not_answer(
    asked, monkeypatch, django_capture_on_commit_callbacks
):
    version = new_version(
        asked.plugin,
        monkeypatch,
        django_capture_on_commit_callbacks,
        description_for_human="No full stop at the end",
    )
    assert version.error_count
    submission = _fresh(asked)
    assert submission.state == SubmissionState.CHANGES_REQUESTED
    assert submission.version == asked.version
    told = Notification.objects.get(kind=NotificationKind.DEVELOPER_NEW_VERSION)
    assert told.context["answered"] is False and told.context["error_count"] == 1


# The deadline -------------------------------------------------------------------------------


def test_the_deadline_task_reminds_once_three_days_before(
    asked, developer, clock, django_capture_on_commit_callbacks
):
    clock.at(asked.changes_due_at - datetime.timedelta(days=3, minutes=1))
    changes_requested_deadlines_task()
    assert not Notification.objects.filter(kind=NotificationKind.CHANGES_REMINDER).exists()

    clock.at(asked.changes_due_at - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
        changes_requested_deadlines_task()
    clock.at(asked.changes_due_at - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()

    reminders = Message.objects.filter(kind=NotificationKind.CHANGES_REMINDER)
    assert reminders.count() == 1
    assert reminders.get().thread.owner == developer
    assert NOTE in reminders.get().body
    assert _fresh(asked).state == SubmissionState.CHANGES_REQUESTED


def test_no_answer_by_the_deadline_rejects_once_with_the_note_by_the_system(
    asked, developer, clock, django_capture_on_commit_callbacks
):
    clock.at(asked.changes_due_at - datetime.timedelta(seconds=1))
    changes_requested_deadlines_task()
    assert _fresh(asked).state == SubmissionState.CHANGES_REQUESTED

    clock.at(asked.changes_due_at)
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
        changes_requested_deadlines_task()

    submission = _fresh(asked)
    assert submission.state == SubmissionState.REJECTED
    assert submission.developer_note == NOTE
    assert submission.decided_by is None and submission.decided_at == asked.changes_due_at
    rejections = SubmissionEvent.objects.filter(submission=asked, to_state="rejected")
    assert rejections.count() == 1
    event = rejections.get()
    assert event.actor is None and event.by_system and event.actor_label == SYSTEM_ACTOR
    assert event.reason.startswith("No answer by the deadline") and NOTE in event.reason
    # A deadline reached without a reminder (beat was down) still rejects; the developer
    # hears once, of the rejection.
    rejected = Message.objects.filter(kind=NotificationKind.CHANGES_EXPIRED)
    assert rejected.count() == 1
    assert rejected.get().thread.owner == developer and NOTE in rejected.get().body
    assert _kinds(developer).count(NotificationKind.CHANGES_EXPIRED) == 1


def test_the_deadline_task_run_twice_gives_one_reminder_and_one_rejection(
    asked, clock, django_capture_on_commit_callbacks
):
    for when in (
        asked.changes_due_at - datetime.timedelta(days=2),
        asked.changes_due_at + datetime.timedelta(hours=1),
    ):
        clock.at(when)
        with django_capture_on_commit_callbacks(execute=True):
            changes_requested_deadlines_task()
            changes_requested_deadlines_task()
    assert Message.objects.filter(kind=NotificationKind.CHANGES_REMINDER).count() == 1
    assert Message.objects.filter(kind=NotificationKind.CHANGES_EXPIRED).count() == 1
    assert SubmissionEvent.objects.filter(submission=asked, to_state="rejected").count() == 1
    assert changes.changes_requested_deadlines(now=clock.now) == (0, 0)


def test_a_second_request_gets_its_own_deadline_reminder_and_notices(
    asked, reviewer, clock, django_capture_on_commit_callbacks
):
    clock.at(asked.changes_due_at - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
        _reply(asked)
        claim(asked, reviewer)
        request_changes(asked, reviewer, note="And Lisbon?")
    second = _fresh(asked)
    assert second.changes_requests == 2 and second.changes_reminded_at is None
    assert second.changes_due_at > asked.changes_due_at
    clock.at(second.changes_due_at - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        changes_requested_deadlines_task()
    assert Message.objects.filter(kind=NotificationKind.CHANGES_REQUESTED).count() == 2
    assert Message.objects.filter(kind=NotificationKind.CHANGES_REMINDER).count() == 2


def test_beat_sends_the_deadline_task_often_enough(settings):
    from core.queue import task_named

    entry = settings.CELERY_BEAT_SCHEDULE["changes-requested-deadlines"]
    assert task_named(entry["task"]).name == changes_requested_deadlines_task.name
    # A deadline is kept to within a few minutes.
    assert entry["schedule"] <= 600
