import datetime

import pytest
from django.db import IntegrityError, transaction

from inbox.models import Notification, NotificationKind
from inbox.services import notification_intent_create
from tests.factories import DeveloperFactory


@pytest.mark.django_db
def test_an_intent_is_recorded_undelivered_with_its_context():
    developer = DeveloperFactory()
    due = datetime.datetime(2026, 1, 8, tzinfo=datetime.UTC)
    with transaction.atomic():
        notification = notification_intent_create(
            recipient=developer,
            kind=NotificationKind.SUBMISSION_RECEIVED,
            event_key="submission:1:submitted",
            context={"plugin_name": "Weather", "queue_position": 3, "due_at": due},
        )
    notification.refresh_from_db()
    assert notification.recipient == developer
    assert notification.delivered_at is None
    assert notification.attempts == 0
    assert notification.context == {
        "plugin_name": "Weather",
        "queue_position": 3,
        "due_at": "2026-01-08T00:00:00Z",
    }


@pytest.mark.django_db
def test_the_same_event_for_the_same_recipient_is_one_intent():
    developer, other = DeveloperFactory(), DeveloperFactory()
    with transaction.atomic():
        first = notification_intent_create(
            recipient=developer, kind="approved", event_key="submission:1:approved", context={}
        )
        again = notification_intent_create(
            recipient=developer, kind="approved", event_key="submission:1:approved", context={}
        )
        notification_intent_create(
            recipient=other, kind="approved", event_key="submission:1:approved", context={}
        )
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
            recipient=DeveloperFactory(), kind="approved", event_key="e:1", context={}
        )


@pytest.mark.django_db
def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown"), transaction.atomic():
        notification_intent_create(
            recipient=DeveloperFactory(), kind="party", event_key="e:1", context={}
        )
