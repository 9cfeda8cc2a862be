"""Approval -> inbox latency: how long after an approval commits its Help > Messages message
exists (issue 5 part 5). Not a test: it prints and writes numbers for a person to read.

    python bench/latency.py                      # = --redis: PostgreSQL + Redis DB 7
    python bench/latency.py --make-run-default   # `make run`'s setup: SQLite + filesystem broker
    python bench/latency.py --approvals 300 --poll-ms 5 --warmup 10

Both modes use `make run`'s settings (config.settings.local) and start one real
`celery -A config worker -l INFO -c 2` (make run's worker command) as a subprocess:

- --redis: PostgreSQL database `pluginstore_latency` (created and migrated here, never any
  other) and the machine's Redis at 127.0.0.1:6379, **DB 7** only (others' tests use /0), as
  broker and cache;
- --make-run-default: no REDIS_URL, so kombu's filesystem broker (folders in a temporary
  directory) and a temporary SQLite file, exactly what `make run` uses on a fresh machine.

Plugins are registered, submitted and claimed through the real services
(tests/pluginstore/helpers.register, reviews.services.submission_create/_claim), and the
script waits until those notifications are delivered, so the worker is idle. Then, one at a
time, each submission is approved with reviews.services.submission_approve, and the script
measures:

- **commit -> visible** (the headline figure): the commit time is taken by a
  `transaction.on_commit` hook registered before the service call (hooks run in order, so it
  runs right after COMMIT returns and before the delivery task is sent); the message is
  "visible" at the start of the first poll (a SELECT of the Message row for that
  notification, which is what /help/messages/ lists, every --poll-ms ms from this process)
  that finds it. The true moment lies between the previous poll and this one, so the
  resolution is the poll interval plus one query (about 5-6 ms by default; each sample's
  bracket is recorded, and its p99 reported);
- **commit -> created_at**: Message.created_at (set by the worker just before it writes the
  row, same host clock) minus the commit time; a lower bound, with no polling error;
- **approve call**: how long submission_approve plus the commit and the broker publish take
  (what the reviewer's request waits for).

Approvals are spaced by a random pause (uniform 0..--gap s) so they do not fall in step with
the filesystem broker's polling. The first --warmup approvals are not counted. Writes
bench/out/latency-<mode>-<time>.json (git-ignored) and prints a summary; the worker is always
stopped, also on errors or Ctrl-C.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
PG_DB = "pluginstore_latency"
REDIS_URL = "redis://127.0.0.1:6379/7"
# Environment that would point the run elsewhere than the mode says.
DROP_ENV = ("REDIS_URL", "DATABASE_URL", "CELERY_BROKER_DIR", "DJANGO_SETTINGS_MODULE")


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def mode_environ(mode: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",  # what `make run` uses
            "DJANGO_READ_DOT_ENV_FILE": "false",  # a developer's .env must not change the mode
            "PYTHONUNBUFFERED": "1",
        }
    )
    if mode == "redis":
        env["REDIS_URL"] = REDIS_URL
        env["DATABASE_URL"] = f"{PG}/{PG_DB}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'latency.sqlite3'}"
        env["CELERY_BROKER_DIR"] = str(workdir / "broker")
    return env


def ensure_pg_database(reset: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if exists and reset:
            conn.execute(f'DROP DATABASE "{PG_DB}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')


class Worker:
    """`make run`'s worker command, in its own process group; stop() always cleans up."""

    def __init__(self, env: dict, logfile: Path, concurrency: int):
        self.env, self.logfile, self.proc = env, logfile, None
        self.nodename = f"latency-{uuid.uuid4().hex[:8]}@bench"
        self.cmd = [
            PY, "-m", "celery", "-A", "config", "worker", "-l", "INFO",
            "-c", str(concurrency), "--hostname", self.nodename,
        ]  # fmt: skip

    def start(self, wait_s: float = 60) -> None:
        with self.logfile.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: S603 (our own argv)
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait_s
        while f"{self.nodename} ready." not in self.logfile.read_text(errors="replace"):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the worker exited; see {self.logfile}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker was not ready after {wait_s} s; see {self.logfile}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # warm shutdown, as make run does
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # its pool children, if any are left
        self.proc.wait()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return round(values[k], 1)


def summarize(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": pct(values, 50),
        "p90_ms": pct(values, 90),
        "p99_ms": pct(values, 99),
        "max_ms": round(max(values), 1),
        "mean_ms": round(statistics.fmean(values), 1),
    }


def prepare(count: int, token: str, wait_s: float):
    """Developers, plugins and claimed submissions, through the real services; then wait
    until every notification so far is delivered, so the worker is idle when timing starts."""
    from inbox.models import Notification
    from reviews import services as review_services
    from tests.factories import DeveloperFactory, make_reviewer
    from tests.pluginstore.helpers import register

    reviewer = make_reviewer(email=f"reviewer-{token}@latency.example.com")
    developers = [DeveloperFactory(email=f"dev{n}-{token}@latency.example.com") for n in range(10)]
    submissions = []
    for i in range(count):
        owner = developers[i % len(developers)]
        plugin = register(owner, domain=f"lat-{token}-{i}.example.com")
        submission = review_services.submission_create(plugin_id=plugin.pk, by=owner)
        review_services.submission_claim(submission_id=submission.pk, reviewer=reviewer)
        submissions.append(submission)
    deadline = time.monotonic() + wait_s
    while (left := Notification.objects.filter(delivered_at__isnull=True).count()) > 0:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{left} notifications still undelivered after {wait_s} s")
        time.sleep(0.2)
    return reviewer, submissions


def approve_and_wait(submission, reviewer, poll_s: float, timeout_s: float) -> dict:
    from django.db import transaction

    from inbox.models import Message, Notification
    from reviews import services as review_services
    from tests.reviews.helpers import results

    stamp: dict[str, float] = {}
    t_call = time.time()
    with transaction.atomic():
        # Registered first, so it runs first after COMMIT: before the task is published.
        transaction.on_commit(lambda: stamp.setdefault("commit", time.time()))
        review_services.submission_approve(
            submission_id=submission.pk, reviewer=reviewer, results=results()
        )
    t_return = time.time()
    notification_id = Notification.objects.get(event_key=f"submission:{submission.pk}:approved").pk
    previous = stamp["commit"]
    while True:
        t_poll = time.time()
        created = (
            Message.objects.filter(notification_id=notification_id)
            .values_list("created_at", flat=True)
            .first()
        )
        if created is not None:
            break
        if t_poll - stamp["commit"] > timeout_s:
            return {"submission": submission.pk, "timed_out": True}
        previous = t_poll
        time.sleep(poll_s)
    return {
        "submission": submission.pk,
        "timed_out": False,
        "visible_ms": (t_poll - stamp["commit"]) * 1000,
        "bracket_ms": (t_poll - previous) * 1000,
        "created_ms": (created.timestamp() - stamp["commit"]) * 1000,
        "approve_call_ms": (t_return - t_call) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--redis", action="store_const", dest="mode", const="redis")
    group.add_argument(
        "--make-run-default", action="store_const", dest="mode", const="make-run-default"
    )
    parser.add_argument("--approvals", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--poll-ms", type=float, default=5.0)
    parser.add_argument("--gap", type=float, default=None, help="max random pause (s)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per approval (s)")
    parser.add_argument("--concurrency", type=int, default=2, help="as make run's default")
    parser.add_argument("--reset", action="store_true", help=f"drop {PG_DB} first (--redis)")
    parser.set_defaults(mode="redis")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="pluginstore-latency-"))
    env = mode_environ(args.mode, workdir)
    os.environ.clear()
    os.environ.update(env)
    if args.mode == "redis":
        ensure_pg_database(args.reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    assert bool(settings.REDIS_URL) == (args.mode == "redis")
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    polling = options.get("polling_interval")
    gap = args.gap if args.gap is not None else (1.0 if args.mode != "redis" else 0.2)
    meta = {
        "mode": args.mode,
        "started": started.isoformat(timespec="seconds"),
        "loadavg_start": loadavg(),
        "cpus": os.cpu_count(),
        "settings": env["DJANGO_SETTINGS_MODULE"],
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "broker": settings.CELERY_BROKER_URL,
        "filesystem_polling_interval_s": polling if args.mode != "redis" else None,
        "worker": "",
        "approvals": args.approvals,
        "warmup": args.warmup,
        "poll_ms": args.poll_ms,
        "gap_s": gap,
    }

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    log(f"{args.mode}: migrating {settings.DATABASES['default']['NAME']} (load {loadavg()})")
    call_command("migrate", verbosity=0, interactive=False)
    worker = Worker(env, OUT / f"latency-worker-{args.mode}.log", args.concurrency)
    meta["worker"] = " ".join(worker.cmd[1:])
    samples: list[dict] = []
    try:
        if args.mode == "redis":
            _purge_redis_queue()
        worker.start()
        log(f"worker ready; preparing {args.warmup + args.approvals} claimed submissions")
        token = uuid.uuid4().hex[:8]
        reviewer, submissions = prepare(args.warmup + args.approvals, token, wait_s=300)
        log(f"measuring {args.approvals} approvals (+{args.warmup} warm-up), load {loadavg()}")
        rng = random.Random(1)
        for i, submission in enumerate(submissions):
            time.sleep(rng.uniform(0, gap))
            sample = approve_and_wait(submission, reviewer, args.poll_ms / 1000, args.timeout)
            sample["warmup"] = i < args.warmup
            samples.append(sample)
            if (i + 1) % 50 == 0:
                log(f"{i + 1} approvals (load {loadavg()})")
    finally:
        worker.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    counted = [s for s in samples if not s["warmup"]]
    ok = [s for s in counted if not s["timed_out"]]
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    meta["loadavg_end"] = loadavg()
    result = {
        "meta": meta,
        "timed_out": len(counted) - len(ok),
        "visible": summarize([s["visible_ms"] for s in ok]),
        "created_at": summarize([s["created_ms"] for s in ok]),
        "poll_bracket": summarize([s["bracket_ms"] for s in ok]),
        "approve_call": summarize([s["approve_call_ms"] for s in ok]),
        "samples": samples,
    }
    path = OUT / f"latency-{args.mode}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2))
    print(summary(result))
    log(f"wrote {path.relative_to(ROOT)}")


def _purge_redis_queue() -> None:
    """Empty this benchmark's own queue on Redis DB 7 (left over from an interrupted run)."""
    from config.celery_app import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)


def summary(result: dict) -> str:
    m = result["meta"]
    lines = [
        f"mode {m['mode']} ({m['database']}, broker {m['broker'].split(':')[0]}"
        + (
            f", polling {m['filesystem_polling_interval_s'] or 'kombu default 1.0'} s"
            if m["mode"] != "redis"
            else ""
        )
        + f"), {m['started']} - {m['finished']}, load {m['loadavg_start']} -> {m['loadavg_end']}",
        f"{result['visible']['n']} approvals measured, {result['timed_out']} timed out",
        "",
        "| measure | p50 | p90 | p99 | max | mean |",
        "|---|---|---|---|---|---|",
    ]
    for key, label in [
        ("visible", "commit -> message visible (polled)"),
        ("created_at", "commit -> Message.created_at"),
        ("poll_bracket", "poll bracket (resolution)"),
        ("approve_call", "approve call (service + commit + publish)"),
    ]:
        s = result[key]
        lines.append(
            f"| {label} | {s['p50_ms']} ms | {s['p90_ms']} ms | {s['p99_ms']} ms | "
            f"{s['max_ms']} ms | {s['mean_ms']} ms |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
