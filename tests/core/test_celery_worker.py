"""Celery for real: a `celery worker` process takes a task from the broker and writes to the
database the tests use, with the reliability settings the project relies on in effect.

The worker is started with PLUGINSTORE_TEST_WORKER=1, which config/settings/test.py reads: the
broker comes from the environment (REDIS_URL, else kombu's filesystem broker), tasks are not
eager, the default queue is one made up for this test (so it never takes another run's tasks on
a shared Redis), and the database is the test database pytest created.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection, Exchange, Queue

from config.celery_app import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import HEARTBEAT_INTERVAL_SECONDS, worker_heartbeat_task
from tests.services import redis_url

WAIT_SECONDS = 30


@dataclass
class RealWorker:
    nodename: str
    queue: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _start_worker(tmp_path: Path, extra_env: dict[str, str], drop_env: tuple = ()) -> RealWorker:
    token = uuid.uuid4().hex[:12]
    queue = f"pluginstore-test-{token}"
    nodename = f"test-{token}@pytest"
    env = {k: v for k, v in os.environ.items() if k not in drop_env}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PLUGINSTORE_TEST_WORKER": "1",
            "PLUGINSTORE_TEST_WORKER_QUEUE": queue,
            # The database pytest created (and will drop), not the one it was made from.
            "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
    )
    log = tmp_path / f"worker-{token}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                *("-m", "celery", "-A", "config", "worker", "-l", "INFO"),
                *("--concurrency", "1", "--hostname", nodename, "--queues", queue),
                # Keep to itself: no chatter with other workers on a shared Redis.
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = RealWorker(nodename=nodename, queue=queue, process=process, log=log)
    deadline = time.monotonic() + WAIT_SECONDS
    while f"{nodename} ready." not in worker.output():
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{worker.output()}")
        if time.monotonic() > deadline:
            _stop_worker(worker)
            pytest.fail(f"the worker was not ready after {WAIT_SECONDS} s:\n{worker.output()}")
        time.sleep(0.2)
    return worker


def _stop_worker(worker: RealWorker) -> int:
    """Warm shutdown (SIGTERM to the main process), then sweep its process group."""
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    return worker.process.wait()


def _send_heartbeat(broker: Connection, queue: str, monkeypatch) -> None:
    """Publish worker_heartbeat_task over `broker`, not run it in-process as unit tests do."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    worker_heartbeat_task.apply_async(connection=broker, queue=queue)


def _wait_for_heartbeat(worker: RealWorker) -> WorkerHeartbeat:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(name=worker.nodename).first()
        if heartbeat is not None:
            return heartbeat
        if worker.process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"no heartbeat from {worker.nodename} in {WAIT_SECONDS} s:\n{worker.output()}")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_task_sent_through_redis(tmp_path, monkeypatch):
    worker = _start_worker(tmp_path, {"REDIS_URL": redis_url()})
    try:
        with Connection(redis_url()) as redis:
            _send_heartbeat(redis, worker.queue, monkeypatch)
            heartbeat = _wait_for_heartbeat(worker)
            assert timezone.now() - heartbeat.seen_at < timedelta(seconds=WAIT_SECONDS + 5)

        # The worker's own configuration, asked over Redis (remote control). A bare client
        # app: the project's app here is wired to the in-memory broker of the unit tests.
        client = Celery("pytest-inspector", broker=redis_url(), set_as_current=False, fixups=[])
        try:
            replies = client.control.inspect(destination=[worker.nodename], timeout=10).conf(
                with_defaults=True
            )
        finally:
            client.close()
        assert replies, f"the worker did not answer `inspect conf`:\n{worker.output()}"
        conf = replies[worker.nodename]
        assert conf["broker_url"].startswith("redis://")
        assert conf["task_always_eager"] is False
        assert conf["task_acks_late"] is True
        assert conf["task_reject_on_worker_lost"] is True
        assert conf["worker_prefetch_multiplier"] == 1
        assert conf["task_time_limit"] and conf["task_soft_time_limit"]
        assert conf["task_soft_time_limit"] < conf["task_time_limit"]
        # A task still running when the visibility timeout passes is handed to another worker.
        assert conf["broker_transport_options"]["visibility_timeout"] > conf["task_time_limit"]
        assert conf["task_serializer"] == "json"
        assert conf["result_serializer"] == "json"
        assert conf["accept_content"] == ["json"]
        assert conf["broker_connection_retry_on_startup"] is True
    finally:
        exit_code = _stop_worker(worker)
        _delete_queue(worker.queue)
    assert exit_code == 0, f"the worker did not stop cleanly:\n{worker.output()}"


def _delete_queue(name: str) -> None:
    """Leave nothing behind on a shared Redis: the queue's list and its binding."""
    with Connection(redis_url()) as redis:
        queue = Queue(name, Exchange(name), routing_key=name)(redis.default_channel)
        queue.declare()  # kombu deletes only the bindings this channel knows of
        queue.delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_task_through_the_filesystem_broker(tmp_path, monkeypatch):
    """Without REDIS_URL (`make run` on a fresh machine) the worker still takes real tasks."""
    broker_dir = tmp_path / "broker"
    worker = _start_worker(
        tmp_path, {"CELERY_BROKER_DIR": str(broker_dir)}, drop_env=("REDIS_URL",)
    )
    try:
        # The worker made the broker's folders itself (config/celery_app.py).
        assert (broker_dir / "queue").is_dir()
        assert (broker_dir / "processed").is_dir()
        folders = {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
        }
        with Connection("filesystem://localhost//", transport_options=folders) as broker:
            _send_heartbeat(broker, worker.queue, monkeypatch)
            _wait_for_heartbeat(worker)
        assert not list((broker_dir / "queue").iterdir()), "the message was not consumed"
    finally:
        exit_code = _stop_worker(worker)
    assert exit_code == 0, f"the worker did not stop cleanly:\n{worker.output()}"


@pytest.mark.django_db
def test_the_heartbeat_task_records_when_a_worker_last_ran_it():
    worker_heartbeat_task.delay()
    worker_heartbeat_task.delay()
    assert WorkerHeartbeat.objects.count() == 1


def test_beat_sends_the_heartbeat_every_interval_and_drops_stale_ones():
    entry = settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]
    assert entry["task"] == worker_heartbeat_task.name
    assert entry["schedule"] == HEARTBEAT_INTERVAL_SECONDS
    assert entry["options"]["expires"] <= HEARTBEAT_INTERVAL_SECONDS


@pytest.mark.django_db
def test_healthz_reports_the_age_of_the_last_worker_heartbeat(admin_client):
    """Staff see the heartbeat (tests/security/test_poison_input_and_preconditions.py: nobody
    else does)."""
    assert admin_client.get("/healthz?worker=1").json()["worker"] == {
        "last_heartbeat": None,
        "age_seconds": None,
        "stale": True,
    }

    WorkerHeartbeat.objects.create(name="w1@host", seen_at=timezone.now() - timedelta(seconds=5))
    worker = admin_client.get("/healthz?worker=1").json()["worker"]
    assert "node" not in worker and "w1@host" not in str(worker)  # no host names
    assert 4 <= worker["age_seconds"] < 60
    assert worker["stale"] is False

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=10))
    assert admin_client.get("/healthz?worker=1").json()["worker"]["stale"] is True


@pytest.mark.django_db
def test_healthz_without_the_worker_flag_only_checks_the_web_process(client):
    assert client.get("/healthz").json() == {"ok": True}
