"""A run of the daily watch: lanes of workers that claim due plugins one at a time.

The concurrency cap holds across every worker process: a lane is a PostgreSQL session advisory
lock (pg_try_advisory_lock on WATCH_LANE_LOCK and the lane's number), so however many runs
overlap, at most WATCH_CONCURRENCY checks are in flight. A lock dies with its connection, so a
killed worker frees its lane at once; its claimed plugin waits for its lease to run out.
A slow or hostile plugin server holds one lane for at most the fetcher's deadline per document
while the other lanes go on.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from watch import services

logger = logging.getLogger(__name__)

# The advisory lock's first key: "watch" in ASCII, so no other lock of ours shares it.
WATCH_LANE_LOCK = 0x7761746368 & 0x7FFFFFFF


@dataclass
class RunStats:
    checked: int = 0
    lost: int = 0  # leases another run had taken meanwhile
    failed: int = 0  # checks that broke on our side
    lanes: int = 0
    durations: list[float] = field(default_factory=list)
    by_plugin: dict[int, float] = field(default_factory=dict)  # plugin id -> seconds
    done_at: dict[int, float] = field(default_factory=dict)  # plugin id -> time.monotonic()
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, *, checked=0, lost=0, failed=0, seconds=None, plugin_id=None) -> None:
        with self._lock:
            self.checked += checked
            self.lost += lost
            self.failed += failed
            if seconds is not None:
                self.durations.append(seconds)
                self.by_plugin[plugin_id] = seconds
                self.done_at[plugin_id] = time.monotonic()


def _take_lane(lanes: int) -> int | None:
    """Hold the first free lane on this thread's connection; None if all are taken."""
    if connection.vendor != "postgresql":
        return 0  # SQLite: one process, no advisory locks
    with connection.cursor() as cursor:
        for lane in range(lanes):
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [WATCH_LANE_LOCK, lane])
            if cursor.fetchone()[0]:
                return lane
    return None


def _free_lane(lane: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [WATCH_LANE_LOCK, lane])


def run_lane(
    *,
    stats: RunStats,
    until: float,
    lanes: int,
    now: Callable[[], datetime.datetime],
) -> None:
    """Hold a lane and check due plugins until none is due or the run's time is up."""
    lane = _take_lane(lanes)
    if lane is None:
        return
    with stats._lock:
        stats.lanes += 1
    try:
        while time.monotonic() < until:
            claim = services.watch_claim(now=now())
            if claim is None:
                return
            started = time.monotonic()
            try:
                recorded = services.watch_check(claim, now=now())
            except Exception:
                logger.exception("watch: checking plugin %s failed", claim.plugin_id)
                recorded = services.watch_record(claim=claim, observation=None, now=now())
                stats.add(failed=1)
            stats.add(
                checked=1 if recorded is not None else 0,
                lost=1 if recorded is None else 0,
                seconds=time.monotonic() - started,
                plugin_id=claim.plugin_id,
            )
    finally:
        _free_lane(lane)


def watch_run(
    *,
    seconds: float | None = None,
    concurrency: int | None = None,
    now: Callable[[], datetime.datetime] | None = None,
    threaded: bool = True,
) -> RunStats:
    """Create the missing watches, then check due plugins on up to `concurrency` lanes for at
    most `seconds` (a check under way finishes). `now` is the clock (tests move it);
    `threaded=False` runs one lane in this thread (tests inside a transaction)."""
    seconds = settings.WATCH_RUN_SECONDS if seconds is None else seconds
    concurrency = settings.WATCH_CONCURRENCY if concurrency is None else concurrency
    clock = now or timezone.now
    services.watches_create(now=clock())
    stats = RunStats()
    until = time.monotonic() + seconds
    if not threaded:
        run_lane(stats=stats, until=until, lanes=concurrency, now=clock)
        return stats

    def lane() -> None:
        try:
            run_lane(stats=stats, until=until, lanes=concurrency, now=clock)
        finally:
            close_old_connections()
            connection.close()  # frees the lane's advisory lock with the session

    threads = [
        threading.Thread(target=lane, name=f"watch-lane-{n}", daemon=True)
        for n in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats
