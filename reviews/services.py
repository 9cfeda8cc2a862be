"""Every write to submissions: one service per transition (STYLE.md example 1).

Each service runs in one transaction: it locks the submission row, checks the named
permission rule, checks the state *after* the lock, calls the transition, saves only the
changed fields, writes the audit row and the notification intents (inbox outbox rows).

Races: on PostgreSQL ``SELECT ... FOR UPDATE`` makes the second of two reviewers wait for the
first to commit and then read the new state, so it gets an ApplicationError ("Another
reviewer already ..."), never a double decision. SQLite ignores FOR UPDATE but lets one
writer in at a time (our settings begin transactions IMMEDIATE), with the same outcome.
Services that touch the plugin too lock the plugin first and the submission second, so two
services never wait for each other in opposite orders (no deadlock between approve and ban).
"""

import datetime
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from accounts.models import User
from core.exceptions import ApplicationError
from inbox import kinds
from inbox.models import Notification
from inbox.services import REPLY_MAX_LENGTH, notification_intent_create
from pluginstore import services as plugin_services
from pluginstore.models import Plugin
from reviews import permissions, risk, selectors
from reviews.models import (
    NOTE_MAX_LENGTH,
    OPEN_STATES,
    Criterion,
    CriterionOutcome,
    CriterionResult,
    Submission,
    SubmissionEvent,
    SubmissionState,
)

DECISION_FIELDS = ["state", "decided_at", "decided_by", "developer_note", "reviewer_private_note"]
CHANGES_REQUEST_FIELDS = [
    "changes_note",
    "changes_requested_by",
    "changes_requested_at",
    "changes_due_at",
    "changes_reminded_at",
    "changes_requests",
]

CriterionResults = dict[str, tuple[str, str] | str]


# Helpers (record_event and notify_developer serve reviews.changes too) ----------------------


def _lock_submission(submission_id: int) -> Submission:
    try:
        return (
            Submission.objects.select_for_update(of=("self",))
            .select_related("plugin__owner", "version")
            .get(pk=submission_id)
        )
    except Submission.DoesNotExist:
        raise ApplicationError("This submission does not exist.") from None


def lock_plugin(plugin_id: int) -> Plugin | None:
    """The plugin row, locked, with its owner; None if it is gone. Lock it before its
    submission (see the module docstring)."""
    return (
        Plugin.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=plugin_id)
        .first()
    )


def _lock_plugin_of(submission_id: int) -> None:
    """Lock the submission's plugin before the submission (see the module docstring)."""
    plugin_id = (
        Submission.objects.filter(pk=submission_id).values_list("plugin_id", flat=True).first()
    )
    if plugin_id is None:
        raise ApplicationError("This submission does not exist.")
    list(Plugin.objects.select_for_update().filter(pk=plugin_id).values_list("pk", flat=True))


def _state_error(submission: Submission, user: User) -> ApplicationError:
    """Why a transition can't run from the submission's current state, in the user's terms."""
    state = submission.state
    if state == SubmissionState.IN_REVIEW and submission.claimed_by_id != user.pk:
        return ApplicationError("Another reviewer already claimed this submission.")
    if state == SubmissionState.IN_REVIEW:
        return ApplicationError("You already claimed this submission.")
    if state == SubmissionState.SUBMITTED:
        return ApplicationError("This submission is waiting in the queue; claim it first.")
    if state == SubmissionState.CHANGES_REQUESTED:
        return ApplicationError(
            "The developer was asked for changes; it comes back to the queue when they answer."
        )
    return ApplicationError(_closed_message(submission))


def _closed_message(submission: Submission) -> str:
    return f"This submission was already {submission.get_state_display().lower()}."


def _check_reviewer(user: User, submission: Submission, transition_method) -> None:
    """A reviewer action: the reviewer rule, then the state (after the lock), then the claim."""
    if not permissions.can_review(user, submission):
        raise ApplicationError("You may not review this submission.")
    if not can_proceed(transition_method):
        raise _state_error(submission, user)
    if not has_transition_perm(transition_method, user):
        raise ApplicationError(
            "Another reviewer claimed this submission; only they can release or decide it."
        )


def _clean_note(text: str, what: str) -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ApplicationError(f"The {what} is too long (at most {NOTE_MAX_LENGTH} characters).")
    return text


def record_event(
    submission: Submission, actor: User | None, from_state: str, reason: str = ""
) -> SubmissionEvent:
    """The submission's audit row for the transition it just took; actor None: the system."""
    return SubmissionEvent.objects.create(
        submission=submission,
        actor=actor,
        by_system=actor is None,
        from_state=from_state,
        to_state=submission.state,
        reason=reason,
    )


def notify_developer(
    submission: Submission, kind: type[kinds.Notice], **fields: object
) -> Notification:
    """Tell the plugin's owner about the submission, in the plugin's thread."""
    return notification_intent_create(
        recipient=submission.plugin.owner,
        notice=kind(
            plugin_id=submission.plugin_id,
            plugin_name=submission.plugin.display_name,
            submission_id=submission.pk,
            version_number=submission.version.number,
            **fields,
        ),
        thread_plugin_id=submission.plugin_id,
    )


def _criterion_results(submission: Submission, results: CriterionResults) -> list[CriterionResult]:
    """One result per criterion C1-C11, validated; not saved yet."""
    unknown = sorted(set(results) - set(Criterion.values))
    if unknown:
        raise ApplicationError(f"Unknown criteria: {', '.join(unknown)}.")
    missing = [c for c in Criterion.values if c not in results]
    if missing:
        raise ApplicationError(
            "Record pass, fail or not applicable for every criterion "
            f"(missing {', '.join(missing)})."
        )
    rows = []
    for criterion in Criterion.values:
        value = results[criterion]
        outcome, note = (value, "") if isinstance(value, str) else value
        if outcome not in CriterionOutcome.values:
            raise ApplicationError(f"{criterion}: choose pass, fail or not applicable.")
        rows.append(
            CriterionResult(
                submission=submission,
                criterion=criterion,
                result=outcome,
                note=_clean_note(note, f"note on {criterion}")[:2000],
            )
        )
    return rows


def _failed(rows: list[CriterionResult]) -> tuple[kinds.FailedCriterion, ...]:
    return tuple(
        kinds.FailedCriterion(criterion=r.criterion, text=Criterion(r.criterion).label, note=r.note)
        for r in rows
        if r.result == CriterionOutcome.FAIL
    )


# Developer --------------------------------------------------------------------------------


@transaction.atomic
def submission_create(*, plugin_id: int, by: User, note_to_reviewer: str = "") -> Submission:
    """Ask for the plugin's latest version to be reviewed; it joins the end of the queue."""
    try:
        plugin = (
            Plugin.objects.select_for_update(of=("self",))
            .select_related("latest_version", "owner")
            .get(pk=plugin_id)
        )
    except Plugin.DoesNotExist:
        raise ApplicationError("This plugin does not exist.") from None
    # Asked again under the plugin's lock: the pages asked before, but the plugin may have
    # changed since (a ban, a new version, a submission filed from another tab).
    open_state = (
        Submission.objects.filter(plugin=plugin, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )
    blocker = permissions.submission_blocker(
        by, plugin, open_state=open_state, rejected_hash=selectors.rejected_content_hash(plugin.pk)
    )
    if blocker is not None:
        raise ApplicationError(blocker.message)
    version = plugin.latest_version
    note_to_reviewer = _clean_note(note_to_reviewer, "note to the reviewer")
    now = timezone.now()
    try:
        # The database constraint is the last word on "one open submission per plugin".
        with transaction.atomic():
            submission = Submission.objects.create(
                plugin=plugin,
                version=version,
                submitted_by=by,
                submitted_at=now,
                due_at=now + datetime.timedelta(days=settings.REVIEW_TARGET_DAYS),
                note_to_reviewer=note_to_reviewer,
                risk_flags=risk.risk_flags(plugin=plugin, version=version),
            )
    except IntegrityError:
        raise ApplicationError(permissions.ALREADY_OPEN) from None
    record_event(submission, by, "", note_to_reviewer)
    position = selectors.queue_position(submission)
    notify_developer(
        submission,
        kinds.SubmissionReceived,
        queue_position=position,
        due_at=submission.due_at,
        expected_at=selectors.expected_decision_date(submission, position=position),
    )
    return submission


@transaction.atomic
def submission_withdraw(*, submission_id: int, by: User, reason: str = "") -> Submission:
    """The developer takes an open submission back; the plugin stays as it is."""
    submission = _lock_submission(submission_id)
    if not permissions.can_withdraw(by, submission):
        raise ApplicationError("Only the plugin's developer can withdraw its submission.")
    if not can_proceed(submission.withdraw):
        raise ApplicationError(_closed_message(submission))
    from_state = submission.state
    submission.withdraw()
    submission.save(update_fields=["state"])
    record_event(submission, by, from_state, _clean_note(reason, "reason"))
    return submission


# Reviewer ---------------------------------------------------------------------------------


@transaction.atomic
def submission_claim(*, submission_id: int, reviewer: User) -> Submission:
    """A reviewer takes the submission; nobody else can decide it until it is released."""
    submission = _lock_submission(submission_id)
    _check_reviewer(reviewer, submission, submission.claim)
    from_state = submission.state
    submission.claim(reviewer)
    submission.save(update_fields=["state", "claimed_by"])
    record_event(submission, reviewer, from_state)
    notify_developer(submission, kinds.ReviewStarted)
    return submission


@transaction.atomic
def submission_release(*, submission_id: int, reviewer: User, reason: str = "") -> Submission:
    """The claiming reviewer puts the submission back in the queue, in its old place."""
    submission = _lock_submission(submission_id)
    _check_reviewer(reviewer, submission, submission.release)
    from_state = submission.state
    submission.release()
    submission.save(update_fields=["state", "claimed_by"])
    record_event(submission, reviewer, from_state, _clean_note(reason, "reason"))
    return submission


@transaction.atomic
def submission_approve(
    *,
    submission_id: int,
    reviewer: User,
    results: CriterionResults,
    developer_note: str = "",
    private_note: str = "",
) -> Submission:
    """Approve: the plugin becomes Approved and the reviewed version goes live."""
    _lock_plugin_of(submission_id)
    submission = _lock_submission(submission_id)
    _check_reviewer(reviewer, submission, submission.approve)
    rows = _criterion_results(submission, results)
    if _failed(rows):
        raise ApplicationError("A failed criterion means rejecting, not approving.")
    developer_note = _clean_note(developer_note, "note to the developer")
    private_note = _clean_note(private_note, "private note")
    from_state = submission.state
    submission.approve(reviewer, developer_note, private_note)
    submission.save(update_fields=DECISION_FIELDS)
    CriterionResult.objects.bulk_create(rows)
    plugin_services.plugin_version_make_live(
        plugin_id=submission.plugin_id,
        version_id=submission.version_id,
        by=reviewer,
        reason=f"Submission {submission.pk} approved",
    )
    record_event(submission, reviewer, from_state, developer_note)
    notify_developer(submission, kinds.Approved, developer_note=developer_note)
    return submission


@transaction.atomic
def submission_reject(
    *,
    submission_id: int,
    reviewer: User,
    results: CriterionResults,
    developer_note: str,
    private_note: str = "",
) -> Submission:
    """Reject citing the failed criteria and a note; the plugin's status stays as it was."""
    submission = _lock_submission(submission_id)
    _check_reviewer(reviewer, submission, submission.reject)
    rows = _criterion_results(submission, results)
    failed = _failed(rows)
    if not failed:
        raise ApplicationError("A rejection must name at least one failed criterion.")
    developer_note = _clean_note(developer_note, "note to the developer")
    if not developer_note:
        raise ApplicationError("Write a note telling the developer what to fix.")
    private_note = _clean_note(private_note, "private note")
    from_state = submission.state
    submission.reject(reviewer, developer_note, private_note)
    submission.save(update_fields=DECISION_FIELDS)
    CriterionResult.objects.bulk_create(rows)
    record_event(submission, reviewer, from_state, developer_note)
    notify_developer(
        submission,
        kinds.Rejected,
        failed_criteria=failed,
        developer_note=developer_note,
    )
    return submission


@transaction.atomic
def submission_request_changes(*, submission_id: int, reviewer: User, note: str) -> Submission:
    """The claiming reviewer asks the developer a question or for a small change.

    The developer has settings.INFO_REQUEST_DAYS to answer, by a reply in the plugin's thread
    or a new version (reviews.changes), which puts the submission back in its old place in
    the queue; no answer by then and beat rejects it with this note. The reviewer keeps the
    claim meanwhile, so the queue shows who is waiting for the answer.
    """
    submission = _lock_submission(submission_id)
    _check_reviewer(reviewer, submission, submission.request_changes)
    note = _clean_note(note, "note to the developer")
    if not note:
        raise ApplicationError("Write a note telling the developer what you need from them.")
    from_state = submission.state
    due_at = timezone.now() + datetime.timedelta(days=settings.INFO_REQUEST_DAYS)
    submission.request_changes(reviewer, note, due_at)
    submission.save(update_fields=["state", *CHANGES_REQUEST_FIELDS])
    record_event(submission, reviewer, from_state, note)
    notify_developer(
        submission,
        kinds.ChangesRequested,
        request_number=submission.changes_requests,
        note=note,
        due_at=due_at,
    )
    return submission


# Bans -------------------------------------------------------------------------------------


def submission_reject_for_ban(*, plugin_id: int, by: User, reason: str) -> Submission | None:
    """Reject the plugin's open submission, if any, with the ban's reason.

    Called by reviews.moderation.plugin_ban inside its transaction, with the plugin locked
    and the ban rule checked; the owner is told of the ban, not of this rejection.
    """
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("plugin__owner", "version")
        .filter(plugin_id=plugin_id, state__in=OPEN_STATES)
        .first()
    )
    if submission is not None:
        from_state = submission.state
        submission.reject_for_ban(by, reason)
        submission.save(update_fields=[*DECISION_FIELDS, "rejected_for_ban"])
        record_event(submission, by, from_state, reason)
    return submission


# Replies ------------------------------------------------------------------------------------


@transaction.atomic
def submission_reply(*, submission_id: int, reviewer: User, body: str) -> Notification:
    """A reviewer answers the developer; it reaches the plugin's Help > Messages thread.

    Writes only the notification intent (kind reviewer_reply, to the plugin's owner); its
    delivery task turns it into a message in the plugin's thread. Each reply is its own event.
    """
    submission = _lock_submission(submission_id)
    if not permissions.can_review(reviewer, submission):
        raise ApplicationError("You may not review this submission.")
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Write your reply first.")
    if len(body) > REPLY_MAX_LENGTH:
        raise ApplicationError(f"A reply can be at most {REPLY_MAX_LENGTH} characters.")
    return notify_developer(
        submission,
        kinds.ReviewerReply,
        reply=body,
        reviewer_name=reviewer.public_name,
        reply_id=uuid.uuid4().hex,
    )
