"""Runs of the watch: a run interrupted half-way neither skips nor doubles a plugin, the
concurrency cap holds across overlapping runs, and a slow server does not stall the others."""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from django.db import connection

from tests.watch.conftest import MANIFEST_PATH, T0, watch_of
from watch import services
from watch.choices import WatchOutcome
from watch.models import PluginWatch
from watch.runner import watch_run

LEASE = datetime.timedelta(seconds=300)


def manifest_fetches(server, plugin) -> int:
    return sum(1 for r in server.requests if r.host == plugin.domain and r.path == MANIFEST_PATH)


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_claim_whose_worker_died_is_taken_again_once_its_lease_runs_out(
    approved, plugin_server, clock, settings
):
    plugin = approved("orphan")
    services.watches_create(now=T0)
    slot = PluginWatch.objects.get(plugin=plugin).due_at
    now = slot + datetime.timedelta(minutes=1)
    dead = services.watch_claim(now=now)  # a worker claims it, then is killed
    assert dead is not None and dead.slot == slot

    # Within the lease nobody takes it, so it is not checked twice.
    assert services.watch_claim(now=now + LEASE - datetime.timedelta(seconds=1)) is None
    # Once the lease ran out, the next run checks it: the day is not skipped.
    clock.now = now + LEASE
    stats = watch_run(now=clock, threaded=False)
    assert stats.checked == 1
    watch = watch_of(plugin)
    assert (watch.checked_slot, watch.last_outcome) == (slot, WatchOutcome.UNCHANGED)
    assert watch.due_at == slot + datetime.timedelta(days=1)
    assert manifest_fetches(plugin_server, plugin) == 1
    # The dead worker's late answer, if it ever came, is refused: its lease was taken.
    assert services.watch_record(claim=dead, observation=None, now=clock()) is None
    assert watch_of(plugin).last_outcome == WatchOutcome.UNCHANGED
    # And the same day's slot is not checked again.
    assert watch_run(now=clock, threaded=False).checked == 0


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_check_late_by_more_than_a_day_is_that_days_check_not_a_backlog(
    approved, plugin_server, clock
):
    plugin = approved("late")
    services.watches_create(now=T0)
    slot = PluginWatch.objects.get(plugin=plugin).due_at
    clock.now += datetime.timedelta(days=3)  # the workers were down for three days
    assert watch_run(now=clock, threaded=False).checked == 1
    assert watch_run(now=clock, threaded=False).checked == 0
    watch = watch_of(plugin)
    assert watch.due_at > clock.now
    assert (watch.due_at - slot) % datetime.timedelta(days=1) == datetime.timedelta(0)


def _slow_hosts(approved, plugin_server, count: int, delay: float, prefix: str):
    plugins = [approved(f"{prefix}{n}") for n in range(count)]
    for plugin in plugins:
        host = plugin_server.hosts[plugin.domain]
        host.mode, host.delay = "slow", delay
    return plugins


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_the_concurrency_cap_holds_across_two_overlapping_runs(approved, plugin_server, clock):
    import threading

    plugins = _slow_hosts(approved, plugin_server, 12, 0.3, "capped")
    services.watches_create(now=T0)
    plugin_server.reset_counts()
    results = []

    def one_run() -> None:
        try:
            results.append(watch_run(now=clock, concurrency=3, seconds=60))
        finally:
            connection.close()

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert plugin_server.peak <= 3
    assert plugin_server.peak >= 2  # it did run checks side by side
    assert sum(r.lanes for r in results) <= 3
    assert sum(r.checked for r in results) == 12
    assert [manifest_fetches(plugin_server, p) for p in plugins] == [1] * 12
    assert set(PluginWatch.objects.values_list("last_outcome", flat=True)) == {"unchanged"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_a_slow_server_does_not_stall_the_others(approved, plugin_server, clock):
    [slow] = _slow_hosts(approved, plugin_server, 1, 2.5, "tarpit")
    fast = [approved(f"quick{n}") for n in range(10)]
    services.watches_create(now=T0)
    # The slow plugin's slot comes first, so it is claimed first and holds one lane.
    PluginWatch.objects.filter(plugin=slow).update(due_at=T0)
    plugin_server.reset_counts()
    stats = watch_run(now=clock, concurrency=2, seconds=60)
    assert stats.checked == 11
    slow_done = max(r.finished for r in plugin_server.requests if r.host == slow.domain)
    fast_done = max(r.finished for r in plugin_server.requests if r.host != slow.domain)
    assert fast_done < slow_done  # all ten were checked on the other lane meanwhile
    assert sorted(stats.durations)[len(stats.durations) // 2] < 1.0
    assert {watch_of(p).last_outcome for p in fast} == {WatchOutcome.UNCHANGED}


_KILLED_WORKER = textwrap.dedent(
    """
    import os, sys, datetime
    sys.path.insert(0, os.getcwd())
    import django
    django.setup()
    from bench.watch_server import route_fetcher

    class Routed:  # the test's server, seen from this process
        tls = {"ca": open(os.environ["WATCH_CA"]).read()}
        port = int(os.environ["WATCH_PORT"])
        hosts = {os.environ["WATCH_HOST"]: None}

    route_fetcher(Routed)
    from watch.runner import watch_run
    now = datetime.datetime.fromisoformat(os.environ["WATCH_NOW"])
    watch_run(now=lambda: now, concurrency=1, seconds=60)
    """
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_a_worker_killed_mid_check_neither_skips_nor_doubles_the_plugin(
    approved, plugin_server, clock, tmp_path
):
    """A real process claims the plugin and is killed (SIGKILL) while the server keeps it
    waiting: its lane is free at once, its plugin is taken again when the lease runs out and
    checked exactly once."""
    [plugin] = _slow_hosts(approved, plugin_server, 1, 30.0, "killed")
    services.watches_create(now=T0)
    slot = PluginWatch.objects.get(plugin=plugin).due_at
    ca = tmp_path / "ca.pem"
    ca.write_text(plugin_server.tls["ca"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PLUGINSTORE_TEST_WORKER": "1",
        "PLUGINSTORE_TEST_WORKER_QUEUE": "watch-killed-worker",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "WATCH_CA": str(ca),
        "WATCH_PORT": str(plugin_server.port),
        "WATCH_HOST": plugin.domain,
        "WATCH_NOW": clock().isoformat(),
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _KILLED_WORKER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while plugin_server.active == 0:  # the worker's request is at the server, waiting
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "the worker never reached the server"
            time.sleep(0.05)
        watch = PluginWatch.objects.get(plugin=plugin)
        assert watch.lease_token is not None and watch.checked_slot is None
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        worker.stdout.close()

    killed_at = time.monotonic()
    plugin_server.hosts[plugin.domain].mode = "ok"
    # Its lease still holds: a run now leaves the plugin alone (no second check of the slot).
    assert watch_run(now=clock, concurrency=1, seconds=5).checked == 0
    clock.now += LEASE
    stats = watch_run(now=clock, concurrency=1, seconds=5)
    assert (stats.checked, stats.lanes) == (1, 1)  # the killed worker's lane was free
    watch = watch_of(plugin)
    assert (watch.checked_slot, watch.last_outcome) == (slot, WatchOutcome.UNCHANGED)
    assert watch_run(now=clock, concurrency=1, seconds=5).checked == 0
    since_kill = [r for r in plugin_server.requests if r.started > killed_at]
    assert [(r.path, r.status) for r in since_kill if r.path == MANIFEST_PATH] == [
        (MANIFEST_PATH, 200)
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_the_beat_task_runs_the_due_checks(approved, plugin_server, settings):
    from django.utils import timezone

    from config.celery_app import app
    from watch.tasks import watch_run_task

    beat = settings.CELERY_BEAT_SCHEDULE["watch-run"]
    assert beat["task"] == "watch.tasks.watch_run_task" in app.tasks
    plugin = approved("beat")
    services.watches_create(now=timezone.now())
    PluginWatch.objects.filter(plugin=plugin).update(due_at=timezone.now())
    assert watch_run_task() == {"checked": 1, "lost": 0, "failed": 0}
    assert watch_of(plugin).last_outcome == WatchOutcome.UNCHANGED
