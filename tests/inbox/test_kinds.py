"""The notification kinds declared in inbox/kinds.py, and the checks made when an intent is
written with one."""

import dataclasses
import datetime
import importlib

import pytest
from django.apps import apps
from django.db import transaction
from django.template.loader import get_template

from inbox import kinds
from inbox.kinds import NotificationKind
from inbox.models import Notification, ThreadKind
from inbox.services import notification_intent_create
from tests.factories import DeveloperFactory
from tests.inbox.test_delivery import sample_notice
from tests.pluginstore.helpers import register

# Every kind's event key as the services have always written it (the outbox's uniqueness).
EVENT_KEYS = {
    NotificationKind.SUBMISSION_RECEIVED: "submission:7:submitted",
    NotificationKind.REVIEW_STARTED: "submission:7:in_review",
    NotificationKind.APPROVED: "submission:7:approved",
    NotificationKind.REJECTED: "submission:7:rejected",
    NotificationKind.BANNED: "plugin:1:banned:7",
    NotificationKind.REINSTATED: "plugin:1:reinstated:7",
    NotificationKind.DEVELOPER_ACCESS_GRANTED: "developer_access_request:7:granted",
    NotificationKind.DEVELOPER_ACCESS_DECLINED: "developer_access_request:7:declined",
    NotificationKind.TESTER_INVITED: "tester_invitation:7",
    NotificationKind.REVIEWER_REPLY: "submission:7:reply:r7",
    NotificationKind.ACCOUNT_TYPE_CHANGED: "account_type_change:7",
    NotificationKind.CHANGES_REQUESTED: "submission:7:changes-requested:1",
    NotificationKind.CHANGES_REMINDER: "submission:7:changes-reminder:1",
    # Keyed as a rejection is: one rejection message per submission, whichever way it came.
    NotificationKind.CHANGES_EXPIRED: "submission:7:rejected",
    NotificationKind.CHANGES_ANSWERED: "submission:7:answered:1",
    NotificationKind.DEVELOPER_REPLIED: "message:7:replied",
    NotificationKind.DEVELOPER_NEW_VERSION: "version:7:stored",
    NotificationKind.BAN_APPEALED: "plugin:1:appeal:7",
    # Once per "Keep the ban" (its status change), however many replies follow it.
    NotificationKind.APPEAL_ANSWERED: "plugin:1:appeal-answered:7",
}
ACCOUNT_KINDS = {
    NotificationKind.DEVELOPER_ACCESS_GRANTED,
    NotificationKind.DEVELOPER_ACCESS_DECLINED,
    NotificationKind.TESTER_INVITED,
    NotificationKind.ACCOUNT_TYPE_CHANGED,
    # Reviewers' notices: they don't own the plugin, and its thread is the owner's.
    NotificationKind.DEVELOPER_REPLIED,
    NotificationKind.DEVELOPER_NEW_VERSION,
    NotificationKind.BAN_APPEALED,
}


@pytest.mark.parametrize("kind", NotificationKind.values)
def test_every_kind_is_declared_once_with_its_key_thread_and_template(kind):
    notice = kinds.declaration(kind)
    assert notice.kind == kind
    assert notice.template == f"inbox/messages/{kind}.txt"
    get_template(notice.template)
    expected_thread = ThreadKind.ACCOUNT if kind in ACCOUNT_KINDS else ThreadKind.PLUGIN
    assert notice.thread == expected_thread
    assert sample_notice(kind).event_key() == EVENT_KEYS[kind]


def test_a_kept_ban_is_a_reviewer_reply_keyed_by_its_status_change():
    reply = kinds.ReviewerReply(
        plugin_id=4, plugin_name="Weather", reviewer_name="Grace", reply="No.", status_change_id=9
    )
    assert reply.event_key() == "plugin:4:ban-kept:9"
    with pytest.raises(TypeError, match="either"):
        kinds.ReviewerReply(plugin_id=4, plugin_name="Weather", reviewer_name="G", reply="No.")


def test_an_undeclared_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        kinds.declaration("party")


def _fields(kind=NotificationKind.APPROVED, **changes) -> dict:
    return {**dataclasses.asdict(sample_notice(kind)), **changes}


def test_a_missing_field_is_refused():
    fields = _fields()
    del fields["developer_note"]
    with pytest.raises(TypeError, match="developer_note"):
        kinds.Approved(**fields)


def test_an_extra_field_is_refused():
    with pytest.raises(TypeError, match="reviewer_name"):
        kinds.Approved(**_fields(reviewer_name="Grace"))


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        (NotificationKind.APPROVED, "plugin_id", "12"),
        (NotificationKind.APPROVED, "submission_id", True),
        (NotificationKind.APPROVED, "developer_note", None),
        (NotificationKind.SUBMISSION_RECEIVED, "due_at", "2026-01-08"),
        (NotificationKind.SUBMISSION_RECEIVED, "queue_position", 2.5),
        (NotificationKind.REJECTED, "failed_criteria", [{"criterion": "C4"}]),
        (NotificationKind.REJECTED, "failed_criteria", ({"criterion": "C4"},)),
        (NotificationKind.BANNED, "rejected_submission_id", "none"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(kind, field, value):
    fields = _fields(kind)
    fields[field] = value
    # asdict() flattened the nested criteria; put the real ones back unless under test.
    if kind == NotificationKind.REJECTED and field != "failed_criteria":
        fields["failed_criteria"] = sample_notice(kind).failed_criteria
    with pytest.raises(TypeError, match=field):
        kinds.declaration(kind)(**fields)


def test_none_is_a_value_only_where_declared():
    received = _fields(NotificationKind.SUBMISSION_RECEIVED, queue_position=None, expected_at=None)
    assert kinds.SubmissionReceived(**received).queue_position is None


@pytest.mark.django_db
def test_an_intent_of_an_undeclared_kind_is_refused():
    # Shaped like a notice but not one: declaring a kind means subclassing Notice (which
    # registers it, inbox.notices.REGISTRY).
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Party:
        kind = "party"
        thread = ThreadKind.ACCOUNT
        key = "party:{n}"
        template = "inbox/messages/party.txt"
        n: int

        def event_key(self) -> str:
            return self.key.format(n=self.n)

    # A copy of a declared kind under another class is no declaration either.
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Lookalike(kinds.Approved):
        pass

    developer = DeveloperFactory()
    for notice in (Party(n=1), Lookalike(**_fields()), _fields()):
        with pytest.raises(ValueError, match="Unknown notification kind"), transaction.atomic():
            notification_intent_create(recipient=developer, notice=notice, thread_plugin_id=None)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_an_account_notice_cannot_be_sent_to_a_plugin_thread():
    developer = DeveloperFactory()
    plugin = register(developer)
    invited = sample_notice(NotificationKind.TESTER_INVITED, plugin)
    with pytest.raises(ValueError, match="Account notices"), transaction.atomic():
        notification_intent_create(recipient=developer, notice=invited, thread_plugin_id=plugin.pk)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_plugin_notice_goes_only_to_its_own_plugins_thread():
    developer = DeveloperFactory()
    plugin, other = register(developer), register(developer)
    approved = sample_notice(NotificationKind.APPROVED, plugin)
    with pytest.raises(ValueError, match="about plugin"), transaction.atomic():
        notification_intent_create(recipient=developer, notice=approved, thread_plugin_id=other.pk)
    with transaction.atomic():
        notification = notification_intent_create(
            recipient=developer, notice=approved, thread_plugin_id=plugin.pk
        )
    assert notification.thread_plugin == plugin


@pytest.mark.django_db
def test_dates_are_stored_as_the_json_encoder_writes_them_and_read_back_as_datetimes():
    due = datetime.datetime(2026, 1, 8, 12, 30, 5, 123456, tzinfo=datetime.UTC)
    notice = dataclasses.replace(sample_notice(NotificationKind.SUBMISSION_RECEIVED), due_at=due)
    with transaction.atomic():
        notification = notification_intent_create(
            recipient=DeveloperFactory(), notice=notice, thread_plugin_id=None
        )
    notification.refresh_from_db()
    assert notification.context["due_at"] == "2026-01-08T12:30:05.123Z"
    context = kinds.SubmissionReceived.template_context(notification.context)
    assert context["due_at"] == due.replace(microsecond=123000)
    assert context["expected_at"] == datetime.datetime(2026, 1, 12, 12, tzinfo=datetime.UTC)


# The data migration that named the thread of the notifications written before -------------


def _fill_thread_plugin() -> None:
    migration = importlib.import_module("inbox.migrations.0004_fill_notification_thread_plugin")
    migration.fill_thread_plugin(apps, None)


@pytest.mark.django_db
def test_the_migration_names_the_thread_delivery_chose_for_older_notifications():
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = register(owner)
    gone = register(owner)
    gone_id = gone.pk
    gone.delete()

    def old(recipient, kind, n, **context):
        return Notification.objects.create(
            recipient=recipient, kind=kind, event_key=f"old:{n}", context=context
        )

    in_thread = [
        old(owner, NotificationKind.APPROVED, 1, plugin_id=plugin.pk),
        old(owner, NotificationKind.BANNED, 2, plugin_id=plugin.pk),
        old(owner, NotificationKind.REVIEWER_REPLY, 3, plugin_id=str(plugin.pk)),
    ]
    in_account_notices = [
        old(tester, NotificationKind.APPROVED, 4, plugin_id=plugin.pk),  # not the owner
        old(tester, NotificationKind.TESTER_INVITED, 5, plugin_id=plugin.pk),  # account kind
        old(owner, NotificationKind.REVIEW_STARTED, 6, plugin_name="Weather"),  # no plugin
        old(owner, NotificationKind.REJECTED, 7, plugin_id=gone_id),  # plugin deleted
        old(owner, NotificationKind.ACCOUNT_TYPE_CHANGED, 8),
    ]

    _fill_thread_plugin()
    _fill_thread_plugin()  # running it again changes nothing

    for notification in in_thread:
        notification.refresh_from_db()
        assert notification.thread_plugin_id == plugin.pk
    for notification in in_account_notices:
        notification.refresh_from_db()
        assert notification.thread_plugin_id is None


def test_a_kind_declared_twice_is_refused_and_the_first_declaration_stays():
    from inbox.notices import REGISTRY, Notice, ThreadKind

    first = REGISTRY[NotificationKind.APPROVED]
    with pytest.raises(RuntimeError, match="declared twice"):

        class Impostor(Notice):
            kind = NotificationKind.APPROVED
            thread = ThreadKind.PLUGIN
            key = "x"
            template = "x"

    assert REGISTRY[NotificationKind.APPROVED] is first
