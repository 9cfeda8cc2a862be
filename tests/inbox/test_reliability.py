"""Fault tests: a real worker is killed, or the Redis it uses is stopped, and still every
notification becomes exactly one message.

Each test starts its own `redis-server` on a free port and its own worker (as
tests/core/test_celery_worker.py does), so stopping them never disturbs the machine's shared
Redis. The beat sweep is called from the test (what beat does every 30 s; its schedule is
pinned in test_delivery.py) so the test need not wait for beat's clock.
"""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count

from inbox import tasks
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification
from inbox.services import notification_intent_create, notifications_redeliver
from tests.core.test_celery_worker import _start_worker, _stop_worker
from tests.factories import DeveloperFactory
from tests.inbox.test_broker_outage import _free_port, broker_at
from tests.inbox.test_delivery import sample_notice
from tests.services import require_services

WAIT_SECONDS = 60


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


def _redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if require_services():
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return binary


def _redis_start(server: RedisServer, folder: Path) -> None:
    log = (folder / f"redis-{server.port}.log").open("ab")
    server.process = subprocess.Popen(  # noqa: S603
        [
            _redis_server_binary(),
            *("--port", str(server.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(folder)),
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), _socket_to(server.port) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return
        time.sleep(0.05)
    pytest.fail(f"redis-server on {server.port} did not start")


def _socket_to(port: int):
    return socket.create_connection(("127.0.0.1", port), timeout=1)


def _redis_stop(server: RedisServer) -> None:
    if server.process is not None and server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(port=_free_port())
    _redis_start(server, tmp_path)
    yield server
    _redis_stop(server)


def _route_deliveries_to(monkeypatch, queue: str) -> None:
    """Send notification_deliver_task to this worker's queue (the options Celery caches)."""
    task = tasks.notification_deliver_task._get_current_object()
    monkeypatch.setattr(task, "_exec_options", {**task._get_exec_options(), "queue": queue})


def _write_intents(count: int) -> list[int]:
    recipients = DeveloperFactory.create_batch(3)
    ids = []
    for n in range(count):
        with transaction.atomic():
            ids.append(
                notification_intent_create(
                    recipient=recipients[n % len(recipients)],
                    notice=sample_notice(NotificationKind.APPROVED, n=n),
                    thread_plugin_id=None,
                ).pk
            )
    return ids


def _undelivered(ids) -> int:
    return Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).count()


def _wait_until_delivered(ids, worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while _undelivered(ids):
        if worker.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{_undelivered(ids)} still undelivered:\n{worker.output()}")
        time.sleep(0.2)


def _assert_exactly_one_message_each(ids) -> None:
    assert Message.objects.filter(notification__in=ids).count() == len(ids)
    assert not Message.objects.values("notification").annotate(n=Count("id")).filter(n__gt=1)


def _kill_worker(worker) -> None:
    """SIGKILL the worker's whole process group: no warm shutdown, no acknowledgement."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_delivery_leaves_each_message_exactly_once_after_a_restart(
    tmp_path, settings, monkeypatch, own_redis
):
    intents = 60
    first = _start_worker(tmp_path, {"REDIS_URL": own_redis.url})
    try:
        with broker_at(own_redis.url, settings):
            _route_deliveries_to(monkeypatch, first.queue)
            ids = _write_intents(intents)
            # Kill it while it works through the queue (some delivered, some not).
            deadline = time.monotonic() + WAIT_SECONDS
            while _undelivered(ids) > intents - 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            _kill_worker(first)
    finally:
        _stop_worker(first)
    left = _undelivered(ids)
    assert 0 < left < intents, "the kill did not land mid-stream; nothing was tested"

    second = _start_worker(tmp_path, {"REDIS_URL": own_redis.url})
    try:
        with broker_at(own_redis.url, settings):
            _route_deliveries_to(monkeypatch, second.queue)
            # Beat's sweep: what the dead worker held or never took is sent again.
            assert notifications_redeliver(older_than=datetime.timedelta(0)) >= left
            _wait_until_delivered(ids, second)
    finally:
        assert _stop_worker(second) == 0, second.output()
    _assert_exactly_one_message_each(ids)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_approvals_answer_fast_and_arrive_exactly_once_when_it_is_back(
    tmp_path, settings, monkeypatch, own_redis
):
    from reviews.models import Submission
    from tests.factories import make_reviewer
    from tests.pluginstore.helpers import register
    from tests.reviews.helpers import approve, claim, submit

    approvals = 50
    reviewer = make_reviewer()
    worker = _start_worker(tmp_path, {"REDIS_URL": own_redis.url})
    try:
        with broker_at(own_redis.url, settings):
            _route_deliveries_to(monkeypatch, worker.queue)
            # Queued and claimed while Redis is up.
            submissions = []
            for _ in range(approvals):
                submission = submit(register(DeveloperFactory()))
                submissions.append(claim(submission, reviewer))
            _redis_stop(own_redis)
            timings = []
            for submission in submissions:
                started = time.monotonic()
                approve(submission, reviewer)
                timings.append(time.monotonic() - started)
            assert max(timings) < 2, timings  # the budget per approval
            assert Submission.objects.filter(state="approved").count() == approvals
            ids = list(
                Notification.objects.filter(kind=NotificationKind.APPROVED).values_list(
                    "pk", flat=True
                )
            )
            assert len(ids) == approvals
            assert _undelivered(ids) == approvals

            _redis_start(own_redis, tmp_path)
            notifications_redeliver(older_than=datetime.timedelta(0))
            _wait_until_delivered(ids, worker)
    finally:
        exit_code = _stop_worker(worker)
    _assert_exactly_one_message_each(ids)
    assert exit_code == 0, worker.output()
