"""Every notification kind, declared once: its value and label, its fields and their types, its
event key, the thread it belongs in and its template (README: "A notification").

A service that has news for someone builds the kind's notice, for example
``Approved(plugin_id=..., plugin_name=..., submission_id=..., version_number=..., ...)``, and
hands it to ``inbox.services.notification_intent_create`` with the thread it goes in. A missing
or unknown field or a value of the wrong type is a TypeError when the notice is built; a kind
nobody declared, or a thread the kind does not go to, a ValueError when the intent is written.
Either way in the service that made the change, not in a template on a worker later. The
notice is stored as the notification's context (dates as ISO text, as DjangoJSONEncoder writes
them) and read back by its template on delivery; delivery reads the stored dict, not the
notice, so rows written before a field was added still render.

The record a kind is declared as (Notice, with its type checks, and the registry of kinds) is
in inbox.notices. This module declares the kinds of the first apps; any app may declare its own
kinds in its `notices` module (``class DomainVerified(Notice): kind = "domain_verified"``),
which InboxConfig.ready imports, so a new kind needs no change here and no migration. Nothing
here imports another app: the inbox sits below every app that tells people things.
"""

import datetime

from django.db import models

from inbox.notices import REGISTRY, Notice, ThreadKind, Typed, typed


class NotificationKind(models.TextChoices):
    SUBMISSION_RECEIVED = "submission_received", "Submission received"
    REVIEW_STARTED = "review_started", "Review started"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    BANNED = "banned", "Banned"
    REINSTATED = "reinstated", "Reinstated"
    DEVELOPER_ACCESS_GRANTED = "developer_access_granted", "Developer access granted"
    DEVELOPER_ACCESS_DECLINED = "developer_access_declined", "Developer access declined"
    TESTER_INVITED = "tester_invited", "Invited as a tester"
    REVIEWER_REPLY = "reviewer_reply", "Reply from a reviewer"
    ACCOUNT_TYPE_CHANGED = "account_type_changed", "Account type changed"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    CHANGES_REMINDER = "changes_reminder", "Changes requested: reminder"
    CHANGES_EXPIRED = "changes_expired", "Changes requested: no answer in time"
    CHANGES_ANSWERED = "changes_answered", "Back in the review queue"
    DEVELOPER_REPLIED = "developer_replied", "A developer replied"
    DEVELOPER_NEW_VERSION = "developer_new_version", "A developer fetched a new version"
    BAN_APPEALED = "ban_appealed", "Ban appeal"
    APPEAL_ANSWERED = "appeal_answered", "Appeal already answered"


# Submissions: to the plugin's owner, one per submission and state ----------------------------


@typed
class FailedCriterion(Typed):
    """One failed review criterion as a rejection lists it: "C9: text (note)"."""

    criterion: str
    text: str
    note: str


@typed
class SubmissionReceived(Notice):
    kind = NotificationKind.SUBMISSION_RECEIVED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:submitted"
    template = "inbox/messages/submission_received.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    queue_position: int | None
    due_at: datetime.datetime
    expected_at: datetime.datetime | None


@typed
class ReviewStarted(Notice):
    kind = NotificationKind.REVIEW_STARTED
    thread = ThreadKind.PLUGIN
    # One per submission: a re-claim after a release says nothing new.
    key = "submission:{submission_id}:in_review"
    template = "inbox/messages/review_started.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int


@typed
class Approved(Notice):
    kind = NotificationKind.APPROVED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:approved"
    template = "inbox/messages/approved.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    developer_note: str


@typed
class Rejected(Notice):
    kind = NotificationKind.REJECTED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:rejected"
    template = "inbox/messages/rejected.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    failed_criteria: tuple[FailedCriterion, ...]
    developer_note: str


@typed
class ReviewerReply(Notice):
    """A reviewer's answer: a reply on a submission (submission_id, version_number and a fresh
    reply_id, since the reply has no row of its own), or an appeal answered with "Keep the
    ban" (status_change_id, the plugin's status audit row)."""

    kind = NotificationKind.REVIEWER_REPLY
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/reviewer_reply.txt"

    plugin_id: int
    plugin_name: str
    reviewer_name: str
    reply: str
    submission_id: int | None = None
    version_number: int | None = None
    reply_id: str = ""
    status_change_id: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        on_submission = self.submission_id is not None and bool(self.reply_id)
        if on_submission == (self.status_change_id is not None):
            raise TypeError(
                "ReviewerReply needs either submission_id and reply_id, or status_change_id"
            )

    def event_key(self) -> str:
        if self.status_change_id is not None:
            return f"plugin:{self.plugin_id}:ban-kept:{self.status_change_id}"
        return f"submission:{self.submission_id}:reply:{self.reply_id}"


# Requests for changes: to the owner, one of each per request (request_number counts them) ----


@typed
class ChangesRequested(Notice):
    kind = NotificationKind.CHANGES_REQUESTED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:changes-requested:{request_number}"
    template = "inbox/messages/changes_requested.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    request_number: int
    note: str
    due_at: datetime.datetime


@typed
class ChangesReminder(Notice):
    kind = NotificationKind.CHANGES_REMINDER
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:changes-reminder:{request_number}"
    template = "inbox/messages/changes_reminder.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    request_number: int
    note: str
    due_at: datetime.datetime


@typed
class ChangesExpired(Notice):
    """No answer by the deadline: the submission is rejected. Keyed as Rejected is, so a
    submission's rejection is told once whichever way it came."""

    kind = NotificationKind.CHANGES_EXPIRED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:rejected"
    template = "inbox/messages/changes_expired.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    note: str
    due_at: datetime.datetime


@typed
class ChangesAnswered(Notice):
    """The developer's reply or new version put the submission back in the queue."""

    kind = NotificationKind.CHANGES_ANSWERED
    thread = ThreadKind.PLUGIN
    key = "submission:{submission_id}:answered:{request_number}"
    template = "inbox/messages/changes_answered.txt"

    plugin_id: int
    plugin_name: str
    submission_id: int
    version_number: int
    request_number: int
    new_version: bool
    queue_position: int | None


# Plugin status: to the owner, one per status audit row ---------------------------------------


@typed
class Banned(Notice):
    kind = NotificationKind.BANNED
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:banned:{status_change_id}"
    template = "inbox/messages/banned.txt"

    plugin_id: int
    plugin_name: str
    status_change_id: int
    reason: str
    appeal: str
    rejected_submission_id: int | None


@typed
class Reinstated(Notice):
    kind = NotificationKind.REINSTATED
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:reinstated:{status_change_id}"
    template = "inbox/messages/reinstated.txt"

    plugin_id: int
    plugin_name: str
    status_change_id: int
    reason: str


# Account notices ---------------------------------------------------------------------------


@typed
class DeveloperAccessGranted(Notice):
    kind = NotificationKind.DEVELOPER_ACCESS_GRANTED
    thread = ThreadKind.ACCOUNT
    key = "developer_access_request:{request_id}:granted"
    template = "inbox/messages/developer_access_granted.txt"

    request_id: int
    note: str


@typed
class DeveloperAccessDeclined(Notice):
    kind = NotificationKind.DEVELOPER_ACCESS_DECLINED
    thread = ThreadKind.ACCOUNT
    key = "developer_access_request:{request_id}:declined"
    template = "inbox/messages/developer_access_declined.txt"

    request_id: int
    note: str


@typed
class AccountTypeChanged(Notice):
    kind = NotificationKind.ACCOUNT_TYPE_CHANGED
    thread = ThreadKind.ACCOUNT
    key = "account_type_change:{account_type_change_id}"
    template = "inbox/messages/account_type_changed.txt"

    account_type_change_id: int
    from_type: str
    from_type_label: str
    to_type: str
    to_type_label: str
    reason: str


@typed
class TesterInvited(Notice):
    """About a plugin, but the tester does not own it: always Account notices."""

    kind = NotificationKind.TESTER_INVITED
    thread = ThreadKind.ACCOUNT
    key = "tester_invitation:{invitation_id}"
    template = "inbox/messages/tester_invited.txt"

    invitation_id: int
    plugin_id: int
    plugin_name: str
    plugin_slug: str
    invited_by: str


# To reviewers, in their Account notices (they don't own the plugin; its thread is the owner's) --


@typed
class DeveloperReplied(Notice):
    """The owner replied in their plugin's thread, about a submission this reviewer claimed,
    decided or asked changes on. `answered`: the reply put it back in the queue."""

    kind = NotificationKind.DEVELOPER_REPLIED
    thread = ThreadKind.ACCOUNT
    key = "message:{message_id}:replied"
    template = "inbox/messages/developer_replied.txt"

    plugin_id: int
    plugin_name: str
    developer_name: str
    message_id: int
    reply: str
    submission_id: int
    version_number: int
    answered: bool
    review_path: str


@typed
class DeveloperNewVersion(Notice):
    """A new version of a plugin whose submission this reviewer claimed, decided or asked
    changes on. `answered`: it replaced the version under review and put it back in the queue."""

    kind = NotificationKind.DEVELOPER_NEW_VERSION
    thread = ThreadKind.ACCOUNT
    key = "version:{version_id}:stored"
    template = "inbox/messages/developer_new_version.txt"

    plugin_id: int
    plugin_name: str
    developer_name: str
    version_id: int
    version_number: int
    error_count: int
    submission_id: int
    answered: bool
    review_path: str


@typed
class BanAppealed(Notice):
    """The owner's first reply since the plugin's ban (or the last "Keep the ban"): to every
    reviewer, keyed by that status change, so later replies add nothing."""

    kind = NotificationKind.BAN_APPEALED
    thread = ThreadKind.ACCOUNT
    key = "plugin:{plugin_id}:appeal:{status_change_id}"
    template = "inbox/messages/ban_appealed.txt"

    plugin_id: int
    plugin_name: str
    developer_name: str
    status_change_id: int
    appeal: str
    review_path: str


@typed
class AppealAnswered(Notice):
    """One appeal per ban (PRODUCT.md section 3): the owner wrote in the banned plugin's thread
    after a reviewer answered the appeal with "Keep the ban". The reply stays in the thread but
    reaches no reviewer; the owner hears so once per answer (keyed by its status change)."""

    kind = NotificationKind.APPEAL_ANSWERED
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:appeal-answered:{status_change_id}"
    template = "inbox/messages/appeal_answered.txt"

    plugin_id: int
    plugin_name: str
    status_change_id: int


# Every declared kind, these and the ones other apps declare in their `notices` modules.
NOTICES = REGISTRY
if missing := set(NotificationKind.values) - set(NOTICES):
    raise RuntimeError(f"Undeclared notification kinds: {missing}")


def label(kind: str) -> str:
    """What the admin and the inbox call this kind (the kind itself if nobody declares it)."""
    cls = NOTICES.get(kind)
    return cls.label if cls is not None else kind


def declaration(kind: str) -> type[Notice]:
    """The notice class declaring this kind; ValueError for a kind nobody declared."""
    try:
        return NOTICES[kind]
    except KeyError:
        raise ValueError(f"Unknown notification kind: {kind!r}") from None
