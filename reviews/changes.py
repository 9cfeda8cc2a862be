"""Requests for changes (PRODUCT.md section 3): the developer's answer, the reminder, the deadline.

A reviewer asks with reviews.services.submission_request_changes. The developer answers by a
reply in the plugin's thread (inbox.signals.owner_replied) or by a refresh that stores a new
version passing the checks (pluginstore.signals.version_stored); reviews.receivers hands both
to developer_replied and version_stored here, inside the sender's transaction. Either answer
puts the submission back to submitted with its submitted_at kept, so it takes its old place
in the queue, and tells the reviewer who asked. An answer counts until the deadline task has
rejected the submission; after that a reply is only a reply.

Beat runs changes_requested_deadlines: a reminder CHANGES_REMINDER_DAYS before the deadline,
and at the deadline a rejection with the request's note, the system as the audit's actor.

Exactly once: every step locks the plugin, then the submission (the order of reviews.services),
and re-reads the state under the lock; the reminder also sets changes_reminded_at; and every
notice has an event key (per request, or per submission for the rejection) that makes a
repeat a no-op. So a task run twice, or racing a reply, tells each thing once.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inbox import kinds
from inbox.models import Message
from pluginstore.models import Plugin, PluginStatus, PluginVersion
from pluginstore.permissions import can_reply
from reviews import reviewer_notices, risk, selectors
from reviews.models import Submission, SubmissionState
from reviews.services import DECISION_FIELDS, lock_plugin, notify_developer, record_event

ANSWERED_BY_REPLY = "Answered by a reply in the plugin's thread."


def _latest_submission(plugin: Plugin) -> Submission | None:
    """What a developer's reply or new version is about: the plugin's newest submission that
    was not withdrawn (an open one is always the newest), locked."""
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("version")
        .filter(plugin=plugin)
        .exclude(state=SubmissionState.WITHDRAWN)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if submission is not None:
        submission.plugin = plugin
    return submission


def _answer(submission: Submission, *, by: User | None, version: PluginVersion | None) -> None:
    """Back to the queue in its old place; audited, and the owner told where it stands. A new
    version brings its own risk flags (the queue shows the version under review's)."""
    from_state = submission.state
    submission.answer(version)
    fields = ["state", "claimed_by", "version"]
    if version is not None:
        submission.risk_flags = risk.risk_flags(plugin=submission.plugin, version=version)
        fields.append("risk_flags")
    submission.save(update_fields=fields)
    reason = f"Answered with version {version.number}." if version else ANSWERED_BY_REPLY
    record_event(submission, by, from_state, reason)
    notify_developer(
        submission,
        kinds.ChangesAnswered,
        request_number=submission.changes_requests,
        new_version=version is not None,
        queue_position=selectors.queue_position(submission),
    )


# The developer's answer (reviews.receivers) -----------------------------------------------


@transaction.atomic
def developer_replied(*, plugin_id: int, message: Message, author: User) -> Submission | None:
    """The owner replied in their plugin's thread: it answers a request for changes, and the
    reviewers hear of it (every reviewer, if it appeals a ban). Returns the submission it was
    about, if any."""
    plugin = lock_plugin(plugin_id)
    # A co-developer's reply answers reviewers too (PRODUCT.md section 13); a ban's appeal
    # is the owner's alone (reviews.moderation.ban_appeals lists the owner's replies).
    if plugin is None or not (plugin.owner_id == author.pk or can_reply(author, plugin)):
        return None
    if plugin.status == PluginStatus.BANNED:
        if plugin.owner_id == author.pk:
            reviewer_notices.tell_of_appeal(plugin, message, author=author)
        return None
    submission = _latest_submission(plugin)
    if submission is None:
        return None
    answered = submission.state == SubmissionState.CHANGES_REQUESTED
    if answered:
        _answer(submission, by=author, version=None)
    reviewer_notices.tell_of_reply(submission, message, author=author, answered=answered)
    return submission


@transaction.atomic
def version_stored(*, version: PluginVersion, by: User | None) -> Submission | None:
    """A refresh stored a new version: if it passes the checks it answers a request for
    changes, replacing the version under review; the reviewers hear of it either way."""
    plugin = lock_plugin(version.plugin_id)
    if plugin is None:
        return None
    submission = _latest_submission(plugin)
    if submission is None:
        return None
    answered = submission.state == SubmissionState.CHANGES_REQUESTED and version.is_submittable
    if answered:
        _answer(submission, by=by, version=version)
    reviewer_notices.tell_of_version(submission, version, by=by, answered=answered)
    return submission


# The deadline (beat) ------------------------------------------------------------------------


def _lock_waiting(submission_id: int) -> Submission | None:
    """The submission, locked after its plugin, if it still waits for an answer."""
    plugin_id = (
        Submission.objects.filter(pk=submission_id).values_list("plugin_id", flat=True).first()
    )
    if plugin_id is None or lock_plugin(plugin_id) is None:
        return None
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plugin__owner", "version")
        .filter(pk=submission_id, state=SubmissionState.CHANGES_REQUESTED)
        .first()
    )


@transaction.atomic
def changes_requested_remind(*, submission_id: int, now: datetime.datetime) -> bool:
    """Remind the developer once that the answer is due soon; True if reminded now."""
    submission = _lock_waiting(submission_id)
    reminder_from = now + datetime.timedelta(days=settings.CHANGES_REMINDER_DAYS)
    if (
        submission is None
        or submission.changes_reminded_at is not None
        or not (now < submission.changes_due_at <= reminder_from)
    ):
        return False
    submission.changes_reminded_at = now
    submission.save(update_fields=["changes_reminded_at"])
    notify_developer(
        submission,
        kinds.ChangesReminder,
        request_number=submission.changes_requests,
        note=submission.changes_note,
        due_at=submission.changes_due_at,
    )
    return True


@transaction.atomic
def changes_requested_expire(*, submission_id: int, now: datetime.datetime) -> bool:
    """No answer by the deadline: reject with the request's note, the system as the actor;
    True if rejected now."""
    submission = _lock_waiting(submission_id)
    if submission is None or submission.changes_due_at > now:
        return False
    from_state = submission.state
    submission.expire()
    submission.save(update_fields=DECISION_FIELDS)
    due = f"{submission.changes_due_at:%Y-%m-%d %H:%M} UTC"
    reason = f"No answer by the deadline ({due}).\n\n{submission.changes_note}"
    record_event(submission, None, from_state, reason)
    notify_developer(
        submission,
        kinds.ChangesExpired,
        note=submission.changes_note,
        due_at=submission.changes_due_at,
    )
    return True


def changes_requested_deadlines(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Beat: remind each developer whose answer is due within CHANGES_REMINDER_DAYS, and reject
    each submission whose deadline passed; (reminded, rejected). Each in its own transaction,
    so one failure holds up no other, and a second run finds nothing left to do."""
    now = now or timezone.now()
    waiting = Submission.objects.filter(state=SubmissionState.CHANGES_REQUESTED)
    reminder_from = now + datetime.timedelta(days=settings.CHANGES_REMINDER_DAYS)
    due_soon = waiting.filter(
        changes_reminded_at__isnull=True, changes_due_at__gt=now, changes_due_at__lte=reminder_from
    ).values_list("pk", flat=True)
    overdue = waiting.filter(changes_due_at__lte=now).values_list("pk", flat=True)
    reminded = sum(changes_requested_remind(submission_id=pk, now=now) for pk in list(due_soon))
    rejected = sum(changes_requested_expire(submission_id=pk, now=now) for pk in list(overdue))
    return reminded, rejected
