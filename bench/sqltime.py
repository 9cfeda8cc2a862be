"""Time the store's search in-process, exactly as the view runs it, and EXPLAIN ANALYZE it.

    python bench/sqltime.py --reps 200 --terms weather data search [--explain data]

For each term: selectors.store_page(StoreQuery(q=term), 1), the page's rows fetched and
paginator.count read - exactly the queries store_list makes for a search (on PostgreSQL: one
query ranks and counts the candidates, one fetches the page's 24 rows).
Bounded: at most --reps repetitions and --max-seconds per term. Prints one JSON line per term.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed import bench_environ  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=20.0)
    parser.add_argument("--terms", nargs="+", default=["weather", "data", "search"])
    parser.add_argument("--explain", nargs="*", default=[])
    parser.add_argument("--sort", default="", help="newest/popular/name; default relevance")
    args = parser.parse_args()
    for key, value in bench_environ().items():
        os.environ[key] = value

    import django

    django.setup()
    from django.db import connection

    from pluginstore import selectors

    def run_once(term: str):
        query = selectors.StoreQuery.from_params({"q": term, "sort": args.sort})
        t0 = time.perf_counter()
        page = selectors.store_page(query, 1)  # what store_list runs for the page
        rows = list(page.object_list)
        t1 = time.perf_counter()
        count = page.paginator.count
        t2 = time.perf_counter()
        return rows, count, (t1 - t0) * 1000, (t2 - t1) * 1000

    for term in args.terms:
        run_once(term)  # warm the connection and the cache
        totals, pages = [], []
        deadline = time.monotonic() + args.max_seconds
        count = 0
        for _ in range(args.reps):
            t0 = time.perf_counter()
            rows, count, page_ms, _ = run_once(term)
            totals.append((time.perf_counter() - t0) * 1000)
            pages.append(page_ms)
            if time.monotonic() > deadline:
                break
        print(
            "JSON "
            + json.dumps(
                {
                    "term": term,
                    "sort": args.sort or "relevance",
                    "matches_counted": count,
                    "reps": len(totals),
                    "total_p50_ms": round(statistics.median(totals), 2),
                    "total_p95_ms": round(pct(totals, 95), 2),
                    "total_p99_ms": round(pct(totals, 99), 2),
                    "total_max_ms": round(max(totals), 2),
                    "page_query_p95_ms": round(pct(pages, 95), 2),
                }
            ),
            flush=True,
        )

    from django.test.utils import CaptureQueriesContext

    for term in args.explain:
        # EXPLAIN exactly the SQL the page runs (COUNT, then the page), as Django sent it.
        with CaptureQueriesContext(connection) as captured:
            run_once(term)
        for q in captured.captured_queries:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                plan = "\n".join(r[0] for r in cur.fetchall())
            print(f"EXPLAIN {term!r}:\n{q['sql']}\n{plan}\n")


if __name__ == "__main__":
    main()
