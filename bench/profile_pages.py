"""Where a page's time goes, in-process: per-request time, SQL queries and time, and a cProfile
of the slowest functions, through Django's test client with the benchmark's production settings.

    python bench/profile_pages.py [--reps 200] [--top 25] [PATH ...]

Read-only against pluginstore_bench (seed it first: bench/seed.py). The default paths are the
ceiling, the store (anonymous, first request and repeats), a search, a detail page and the
inbox (signed in as user0@bench.example.com). Bounded: --reps requests and at most 20 s each.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed import bench_environ  # noqa: E402

DEFAULT_PATHS = [
    "/bench/ceiling",
    "/store/",
    "/store/?sort=popular&page=2",
    "/store/?q=weather",
    "/store/bench-5000/",
    "inbox:/help/messages/",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    for key, value in bench_environ().items():
        os.environ.setdefault(key, value)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(User.objects.get(email="user0@bench.example.com"))
    for entry in args.paths:
        client, path = (signed_in, entry[6:]) if entry.startswith("inbox:") else (anonymous, entry)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        times = []
        deadline = time.monotonic() + 20
        profiler = None if args.no_profile else cProfile.Profile()
        for _ in range(args.reps):
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - t0) * 1000)
            if time.monotonic() > deadline:
                break
        times.sort()
        print(
            f"\n== {entry}: {len(times)} requests, p50 {statistics.median(times):.2f} ms, "
            f"p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms (with the profiler on); "
            f"{len(captured.captured_queries)} queries, {sql_ms:.2f} ms of SQL (DEBUG-less "
            "timing, one request)"
        )
        for q in captured.captured_queries:
            print(f"   {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
            stats.print_stats(args.top)
            print(out.getvalue()[-6000:])


if __name__ == "__main__":
    main()
