import datetime

import pytest
from django.db import IntegrityError, transaction

from inbox import kinds
from inbox.kinds import NotificationKind
from inbox.models import Notification
from inbox.services import notification_intent_create
from tests.factories import DeveloperFactory
from tests.inbox.test_delivery import sample_notice


@pytest.mark.django_db
def test_an_intent_is_recorded_undelivered_with_its_context():
    developer = DeveloperFactory()
    due = datetime.datetime(2026, 1, 8, tzinfo=datetime.UTC)
    with transaction.atomic():
        notification = notification_intent_create(
            recipient=developer,
            notice=kinds.SubmissionReceived(
                plugin_id=5,
                plugin_name="Weather",
                submission_id=1,
                version_number=2,
                queue_position=3,
                due_at=due,
                expected_at=None,
            ),
            thread_plugin_id=None,
        )
    notification.refresh_from_db()
    assert notification.recipient == developer
    assert notification.kind == NotificationKind.SUBMISSION_RECEIVED
    assert notification.event_key == "submission:1:submitted"
    assert notification.delivered_at is None
    assert notification.attempts == 0
    assert notification.context == {
        "plugin_id": 5,
        "plugin_name": "Weather",
        "submission_id": 1,
        "version_number": 2,
        "queue_position": 3,
        "due_at": "2026-01-08T00:00:00Z",
        "expected_at": None,
    }


@pytest.mark.django_db
def test_the_same_event_for_the_same_recipient_is_one_intent():
    developer, other = DeveloperFactory(), DeveloperFactory()
    approved = sample_notice(NotificationKind.APPROVED, n=1)
    with transaction.atomic():
        first = notification_intent_create(
            recipient=developer, notice=approved, thread_plugin_id=None
        )
        again = notification_intent_create(
            recipient=developer, notice=approved, thread_plugin_id=None
        )
        notification_intent_create(recipient=other, notice=approved, thread_plugin_id=None)
    assert first.pk == again.pk
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_intent():
    developer = DeveloperFactory()
    Notification.objects.create(recipient=developer, kind="approved", event_key="e:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=developer, kind="rejected", event_key="e:1")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_intent_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside"):
        notification_intent_create(
            recipient=DeveloperFactory(),
            notice=sample_notice(NotificationKind.APPROVED),
            thread_plugin_id=None,
        )


@pytest.mark.django_db
def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown"), transaction.atomic():
        notification_intent_create(
            recipient=DeveloperFactory(), notice={"kind": "party"}, thread_plugin_id=None
        )
