"""Where a page's time goes, in-process: per-request time, SQL queries and time, and a cProfile
of the slowest functions, through Django's test client with the benchmark's production settings.

    python bench/profile_pages.py [--reps 200] [--top 25] [PATH ...]

Read-only against pluginstore_bench (seed it first: bench/seed.py). The default paths are the
ceiling, the store (anonymous), a search, a detail page, and signed in as
user0@bench.example.com ("signed-in:" before a path) the store and the inbox. Bounded: --reps
requests and at most 20 s each.
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
    "signed-in:/store/",
    "signed-in:/help/messages/",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="pstats order, e.g. tottime")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    for key, value in bench_environ().items():
        os.environ.setdefault(key, value)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    if not os.environ.get("BENCH_STATIC_ROOT"):
        # Alone (not from run.py, which runs collectstatic): no manifest to read static names
        # from, so use the plain storage; {% static %} costs about the same.
        from django.test import override_settings

        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()

    anonymous = Client(HTTP_HOST="127.0.0.1")
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(User.objects.get(email="user0@bench.example.com"))
    for entry in args.paths:
        signed = entry.startswith("signed-in:")
        client, path = (signed_in, entry[10:]) if signed else (anonymous, entry)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        # The test client resets connection.queries at each request: count with a wrapper.
        queries: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, queries=queries):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - t0) * 1000, sql))

        with connection.execute_wrapper(timed):
            client.get(path)
        sql_ms = sum(ms for ms, _ in queries)
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
            f"p95 {times[int(0.95 * (len(times) - 1))]:.2f} ms"
            f"{'' if args.no_profile else ' (with the profiler on)'}; one request: "
            f"{len(queries)} queries, {sql_ms:.2f} ms in SQL"
        )
        for ms, sql in queries:
            print(f"   {ms:6.2f} ms  {' '.join(sql.split())[:150]}")
        if profiler:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
            stats.print_stats(args.top)
            print(out.getvalue()[-6000:])


if __name__ == "__main__":
    main()
