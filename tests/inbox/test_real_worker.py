"""Delivery for real: intents committed by this process, sent through the real Redis to a real
`celery worker` subprocess (started as tests/core/test_celery_worker.py does, on a queue of its
own), which writes the messages into the test database.
"""

import time

import pytest
from django.db import transaction
from django.db.models import Count

from inbox import tasks
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification
from inbox.services import notification_deliver, notification_intent_create
from tests.core.test_celery_worker import _delete_queue, _start_worker, _stop_worker
from tests.factories import DeveloperFactory
from tests.inbox.test_broker_outage import broker_at
from tests.inbox.test_delivery import sample_notice
from tests.services import redis_url

# The issue asks for 200; it runs in well under 30 s here (see the commit message).
INTENTS = 200
WAIT_SECONDS = 60


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_turns_each_intent_into_exactly_one_message(tmp_path, settings, monkeypatch):
    recipients = DeveloperFactory.create_batch(5)
    worker = _start_worker(tmp_path, {"REDIS_URL": redis_url()})
    try:
        with broker_at(redis_url(), settings):
            # Route the delivery task to this worker's own queue (the options Celery caches).
            task = tasks.notification_deliver_task._get_current_object()
            options = {**task._get_exec_options(), "queue": worker.queue}
            monkeypatch.setattr(task, "_exec_options", options)
            ids = []
            for n in range(INTENTS):
                with transaction.atomic():  # each commit sends its delivery task
                    notification = notification_intent_create(
                        recipient=recipients[n % len(recipients)],
                        notice=sample_notice(NotificationKind.APPROVED, n=n),
                        thread_plugin_id=None,
                    )
                ids.append(notification.pk)
            # Every task a second time, as the beat sweep would after a lost acknowledgement,
            # and this process delivering every third one itself, racing the worker.
            for notification_id in ids:
                tasks.notification_deliver_task.delay(notification_id)
            for notification_id in ids[::3]:
                notification_deliver(notification_id=notification_id)

        deadline = time.monotonic() + WAIT_SECONDS
        while (
            Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).exists()
            or Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists()
        ):
            if worker.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"not all delivered in {WAIT_SECONDS} s:\n{worker.output()}")
            time.sleep(0.2)
    finally:
        exit_code = _stop_worker(worker)
        _delete_queue(worker.queue)

    assert Message.objects.count() == INTENTS
    assert set(Message.objects.values_list("notification_id", flat=True)) == set(ids)
    assert not Message.objects.values("notification").annotate(n=Count("id")).filter(n__gt=1)
    assert "succeeded" in worker.output()
    assert exit_code == 0, f"the worker did not stop cleanly:\n{worker.output()}"
