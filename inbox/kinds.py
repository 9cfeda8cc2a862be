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

Nothing here imports another app: the inbox sits below accounts, pluginstore and reviews.
"""

import dataclasses
import datetime
import functools
import types
import typing
from typing import Any, ClassVar

from django.db import models
from django.utils.dateparse import parse_datetime


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


class ThreadKind(models.TextChoices):
    PLUGIN = "plugin", "Plugin"
    ACCOUNT = "account", "Account notices"


def _matches(value: Any, hint: Any) -> bool:
    """isinstance() for the few annotations notices use: X, X | None, tuple[X, ...]."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if origin is tuple:
        item, _ellipsis = typing.get_args(hint)
        return isinstance(value, tuple) and all(_matches(v, item) for v in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Typed:
    """A frozen record whose constructor checks each field against its annotation."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not _matches(value, hints[field.name]):
                expected = getattr(hints[field.name], "__name__", hints[field.name])
                raise TypeError(
                    f"{type(self).__name__}.{field.name} must be {expected}, "
                    f"not {type(value).__name__} ({value!r:.80})"
                )


N = typing.TypeVar("N", bound=Typed)


@typing.dataclass_transform(frozen_default=True, kw_only_default=True)
def _typed(cls: type[N]) -> type[N]:
    """Make the class a frozen, keyword-only dataclass (a missing or unknown field is a
    TypeError) that checks its fields' types."""
    return dataclasses.dataclass(frozen=True, kw_only=True)(cls)


@_typed
class Notice(Typed):
    """The fields of one notification kind. Each subclass declares one kind."""

    kind: ClassVar[NotificationKind]
    # PLUGIN: the plugin's thread when the recipient owns the plugin (the caller says so by
    # passing thread_plugin_id), else Account notices. ACCOUNT: always Account notices.
    thread: ClassVar[ThreadKind]
    # A str.format() pattern over the fields; override event_key() when one pattern won't do.
    key: ClassVar[str]
    template: ClassVar[str]

    def event_key(self) -> str:
        """What happened, unique per event: one notification per event and recipient."""
        return self.key.format_map(self.fields())

    def fields(self) -> dict[str, Any]:
        """The fields as the notification's context (nested records become dicts)."""
        return dataclasses.asdict(self)

    @classmethod
    def template_context(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """A stored context for the template, its datetime fields back as datetimes."""
        context = dict(stored)
        hints = _hints(cls)
        for field in dataclasses.fields(cls):
            value = context.get(field.name)
            if isinstance(value, str) and _matches(datetime.datetime.min, hints[field.name]):
                context[field.name] = parse_datetime(value) or value
        return context


# Submissions: to the plugin's owner, one per submission and state ----------------------------


@_typed
class FailedCriterion(Typed):
    """One failed review criterion as a rejection lists it: "C9: text (note)"."""

    criterion: str
    text: str
    note: str


@_typed
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


@_typed
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


@_typed
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


@_typed
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


@_typed
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


# Plugin status: to the owner, one per status audit row ---------------------------------------


@_typed
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


@_typed
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


@_typed
class DeveloperAccessGranted(Notice):
    kind = NotificationKind.DEVELOPER_ACCESS_GRANTED
    thread = ThreadKind.ACCOUNT
    key = "developer_access_request:{request_id}:granted"
    template = "inbox/messages/developer_access_granted.txt"

    request_id: int
    note: str


@_typed
class DeveloperAccessDeclined(Notice):
    kind = NotificationKind.DEVELOPER_ACCESS_DECLINED
    thread = ThreadKind.ACCOUNT
    key = "developer_access_request:{request_id}:declined"
    template = "inbox/messages/developer_access_declined.txt"

    request_id: int
    note: str


@_typed
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


@_typed
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


NOTICES: dict[str, type[Notice]] = {
    cls.kind: cls
    for cls in (
        SubmissionReceived,
        ReviewStarted,
        Approved,
        Rejected,
        ReviewerReply,
        Banned,
        Reinstated,
        DeveloperAccessGranted,
        DeveloperAccessDeclined,
        AccountTypeChanged,
        TesterInvited,
    )
}
if set(NOTICES) != set(NotificationKind.values):  # one declaration per kind, no more, no less
    raise RuntimeError(f"Undeclared notification kinds: {set(NotificationKind) ^ set(NOTICES)}")

# Kinds whose notification may carry a thread plugin (see Notice.thread).
PLUGIN_THREAD_KINDS = tuple(k for k, cls in NOTICES.items() if cls.thread == ThreadKind.PLUGIN)


def declaration(kind: str) -> type[Notice]:
    """The notice class declaring this kind; ValueError for a kind nobody declared."""
    try:
        return NOTICES[kind]
    except KeyError:
        raise ValueError(f"Unknown notification kind: {kind!r}") from None
