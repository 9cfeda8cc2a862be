"""Where the store page's time goes, and what the proposed changes would save (in-process).

    python bench/whatif.py [--reps 200]

Read-only against pluginstore_bench. Times, per request of /store/ and /store/?q=...:
  - the whole view through Django's test client (production settings and middleware);
  - its COUNT query, its page query, and the template render alone;
  - the search with the candidate subquery as it is (it inherits Plugin.Meta.ordering, so it
    is ORDER BY name, id LIMIT 1000) against the same query with the ordering cleared
    (.order_by()), which is the change proposed in RESULTS.md, and with the candidate ids
    also fetched once and counted in Python (proposed change 3).
Nothing in the application is changed: the variant is built here from the same pieces.
Bounded: --reps repetitions and at most 20 s per measurement.
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


def stats(fn, reps: int, limit_s: float = 20.0) -> dict:
    fn()
    times = []
    deadline = time.monotonic() + limit_s
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        if time.monotonic() > deadline:
            break
    times.sort()
    return {
        "n": len(times),
        "p50": round(statistics.median(times), 2),
        "p95": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--terms", nargs="+", default=["weather", "data", "search", "pets"])
    args = parser.parse_args()
    for key, value in bench_environ().items():
        os.environ[key] = value
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.core.paginator import Paginator
    from django.db.models import F
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from pluginstore import selectors
    from pluginstore.models import Category, Plugin

    out = {"plugins": Plugin.objects.filter(status="approved").count()}
    client = Client()

    def view(path):
        return lambda: client.get(path, HTTP_HOST="127.0.0.1")

    out["view /store/"] = stats(view("/store/"), args.reps)
    out["view /bench/ceiling"] = stats(view("/bench/ceiling"), args.reps)
    qs = selectors.store_plugins(selectors.StoreQuery())
    out["store COUNT"] = stats(lambda: qs.count(), args.reps)
    out["store page query"] = stats(lambda: list(qs[:24]), args.reps)

    request = RequestFactory().get("/store/", HTTP_HOST="127.0.0.1")
    request.user = AnonymousUser()
    request.csp_nonce = "bench"
    page = Paginator(qs, 24).get_page(1)
    for p in page.object_list:
        p.is_installed = False
    context = {
        "page": page,
        "query": selectors.StoreQuery(),
        "categories": Category.choices,
        "sorts": [("newest", "Newest"), ("popular", "Most installed"), ("name", "Name")],
        "querystring": "",
    }
    out["store render only"] = stats(
        lambda: render_to_string("pluginstore/store_list.html", context, request), args.reps
    )

    base = (
        Plugin.objects.filter(status="approved", live_version__isnull=False)
        .select_related("owner")
        .only(*selectors.LISTING_FIELDS)
    )

    def search(term: str, clear_order: bool):
        sq = SearchQuery(term, search_type="websearch", config="english")
        cand = base.filter(search_vector=sq)
        if clear_order:
            cand = cand.order_by()
        cand = cand.values("pk")[: selectors.SEARCH_CANDIDATES]
        ranked = (
            base.filter(pk__in=cand)
            .annotate(rank=SearchRank(F("search_vector"), sq))
            .order_by("-rank", "-install_count", "id")
        )

        def run():
            page = Paginator(ranked, 24).get_page(1)
            list(page.object_list)

        return run

    def search_once(term: str):
        """Proposed 2 + 3: unordered candidates, fetched once; their count is len(ids)."""
        sq = SearchQuery(term, search_type="websearch", config="english")

        def run():
            ids = list(
                base.filter(search_vector=sq)
                .order_by()
                .values_list("pk", flat=True)[: selectors.SEARCH_CANDIDATES]
            )
            ranked = (
                base.filter(pk__in=ids)
                .annotate(rank=SearchRank(F("search_vector"), sq))
                .order_by("-rank", "-install_count", "id")
            )
            count = len(ids)
            list(ranked[:24])
            return count

        return run

    for term in args.terms:
        sq = SearchQuery(term, search_type="websearch", config="english")
        out[f"matches {term!r}"] = base.filter(search_vector=sq).count()
        current = selectors.store_plugins(selectors.StoreQuery.from_params({"q": term}))

        def as_is(current=current):
            page = Paginator(current, 24).get_page(1)
            list(page.object_list)

        out[f"search {term!r} as is"] = stats(as_is, args.reps)
        out[f"search {term!r} candidates unordered"] = stats(search(term, True), args.reps)
        out[f"search {term!r} unordered, candidates fetched once"] = stats(
            search_once(term), args.reps
        )
        out[f"view /store/?q={term}"] = stats(view(f"/store/?q={term}"), args.reps // 2)
    for key, value in out.items():
        print(f"{key}: {json.dumps(value)}", flush=True)


if __name__ == "__main__":
    main()
