"""A broker outage delays notifications and never fails (or hangs) the request that writes one.

These tests publish for real (not eagerly) to a broker that is not there: a closed port, and
a "frozen" one that accepts the connection and never answers. The intent is committed with the
change; the beat sweep delivers it once the broker is back.
"""

import contextlib
import datetime
import logging
import socket
import time

import pytest
from django.urls import reverse

from config.celery_app import app as celery_app
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification
from inbox.services import notifications_redeliver
from pluginstore import models as plugin_models
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register

# The broker's socket timeouts are 2 s (config/settings/base.py); allow for one retry.
REQUEST_BUDGET_SECONDS = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _frozen_server():
    """Accepts TCP connections (in the kernel's backlog) and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@contextlib.contextmanager
def broker_at(url: str, settings):
    """Publish for real to `url` for the duration; the unit tests' eager mode is restored after."""
    with pytest.MonkeyPatch.context() as patch:
        settings.CELERY_BROKER_URL = url
        patch.setitem(celery_app.conf, "task_always_eager", False)
        patch.setitem(celery_app.conf, "broker_url", url)
        # Drop the cached connection and producer pools so the new URL is used.
        patch.setattr(celery_app, "_pool", None)
        patch.setattr(celery_app.amqp, "_producer_pool", None)
        yield


def _invite_tester(client) -> tuple:
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    started = time.monotonic()
    response = client.post(
        reverse("developer:tester_invite", args=[plugin.pk]), {"email": tester.email}
    )
    return response, time.monotonic() - started, tester


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("broker", ["closed port", "frozen"])
def test_a_request_that_writes_an_intent_succeeds_when_the_broker_is_down(
    broker, client, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="core.queue")
    with contextlib.ExitStack() as stack:
        port = _free_port() if broker == "closed port" else stack.enter_context(_frozen_server())
        stack.enter_context(broker_at(f"redis://127.0.0.1:{port}/0", settings))
        response, seconds, tester = _invite_tester(client)

    assert response.status_code == 302
    assert seconds < REQUEST_BUDGET_SECONDS
    assert plugin_models.TesterInvitation.objects.filter(developer=tester).exists()
    notification = Notification.objects.get(recipient=tester)
    assert notification.kind == NotificationKind.TESTER_INVITED
    assert notification.delivered_at is None
    assert "Broker unavailable" in caplog.text

    # The broker is back (the eager in-process one here): the beat sweep delivers it, once.
    Notification.objects.update(created_at=notification.created_at - datetime.timedelta(minutes=1))
    assert notifications_redeliver() == 1
    assert notifications_redeliver() == 0
    assert Message.objects.filter(thread__owner=tester).count() == 1
