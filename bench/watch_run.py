"""Benchmark of the watch's daily run (PRODUCT.md section 10, issue 12 item 2).

    .venv/bin/python bench/watch_run.py                      # 10,000 plugins, 8 lanes
    .venv/bin/python bench/watch_run.py --plugins 2000 --lanes 4 --sample 500

A throwaway database `pluginstore_bench_watch` (dropped and created each time; no other
database is touched) gets N approved plugins `w<i>.example.com`, each with a live version whose
documents are exactly what the plugin server serves; 1% of them serve a changed manifest
(drift). One plugin server, in a process of its own, answers for every host over HTTPS
(bench/watch_server.py: a *.example.com certificate from a throwaway CA, ETag / Last-Modified
and 304s) and counts the connections open at once. The watch runs as in production: the safe
fetcher (its DNS and connect seams point at the server, nothing else changes: TLS with SNI and
hostname checks, caps, deadlines), claims with FOR UPDATE SKIP LOCKED, lanes as advisory locks.

Every plugin is made due at once, so a run shows the job's capacity, not the day's pace:
1. cold: the first check of every plugin (200s, content compared with the live version);
2. warm: the next day's check (conditional requests, 304s);
3. hostile: the warm check of --sample plugins, first alone, then with --hostile plugins that
   drip a byte every half second (held to the fetcher's 15 s deadline) or answer after 10 s;
   p50/p95 of the ordinary plugins' check time with and without them.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "pluginstore_bench_watch"
PG = "postgres://postgres@127.0.0.1:5432"
DAY = datetime.timedelta(days=1)


def documents(i: int, drifted: bool = False) -> dict[str, bytes]:
    domain = f"w{i}.example.com"
    manifest = {
        "schema_version": "v1",
        "name_for_human": f"Watched {i}",
        "name_for_model": f"watched_{i}",
        "description_for_human": "A plugin the watch benchmark re-fetches."
        + (" Changed after approval." if drifted else ""),
        "description_for_model": "Answer questions about the benchmark when the user asks.",
        "auth": {"type": "none"},
        "api": {"type": "openapi", "url": f"https://{domain}/openapi.json"},
        "logo_url": f"https://{domain}/logo.png",
        "contact_email": f"support@{domain}",
        "legal_info_url": f"https://{domain}/legal",
    }
    paths = {
        f"/items/{n}": {
            "get": {
                "operationId": f"getItem{n}",
                "summary": f"Item {n} of the benchmark's catalogue.",
                "responses": {"200": {"description": "The item."}},
            }
        }
        for n in range(20)
    }
    spec = {"openapi": "3.0.3", "info": {"title": f"Watched {i}", "version": "1.0"}}
    spec["paths"] = paths
    return {
        "/.well-known/ai-plugin.json": json.dumps(manifest, indent=2).encode(),
        "/openapi.json": json.dumps(spec, indent=2).encode(),
    }


# The plugin server's process ------------------------------------------------------------------


def serve(tls: dict, count: int, conn) -> None:
    from bench.watch_server import Host, PluginServer

    server = PluginServer(tls)
    for i in range(count):
        server.hosts[f"w{i}.example.com"] = Host(documents=documents(i, drifted=i % 100 == 7))
    conn.send(server.port)
    while True:
        command, arg = conn.recv()
        if command == "stats":
            conn.send({"peak": server.peak, "requests": len(server.requests)})
            server.reset_counts()
        elif command == "hostile":
            for i, mode in arg:
                host = server.hosts[f"w{i}.example.com"]
                host.mode, host.delay = mode, 10.0
        elif command == "stop":
            server.close()
            return


# The database -------------------------------------------------------------------------------


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def seed(count: int, now: datetime.datetime) -> None:
    from django.db import connection

    from accounts.models import User
    from pluginstore.services.registration import version_content_hash

    owner = User.objects.create_user(email="watch-bench@example.com", password=None)
    with connection.cursor() as cur:
        with cur.copy(
            "COPY pluginstore_plugin (created_at, updated_at, owner_id, slug, domain, "
            "manifest_url, category, status, name, description, logo_url, install_count, "
            "approved_at, listed, rating_count, rating_sum, rating_score) FROM STDIN"
        ) as cp:
            for i in range(count):
                domain = f"w{i}.example.com"
                cp.write_row(
                    (
                        now,
                        now,
                        owner.pk,
                        f"w{i}",
                        domain,
                        f"https://{domain}/.well-known/ai-plugin.json",
                        "retrieval",
                        "approved",
                        f"Watched {i}",
                        "",
                        "",
                        0,
                        now,
                        True,
                        0,
                        0,
                        0.0,
                    )
                )
        ids = dict(cur.execute("SELECT slug, id FROM pluginstore_plugin").fetchall())
        with cur.copy(
            "COPY pluginstore_pluginversion (plugin_id, number, manifest_url, spec_url, "
            "manifest_text, spec_text, manifest, spec, content_hash, findings, error_count, "
            "warning_count, fetched_at) FROM STDIN"
        ) as cp:
            for i in range(count):
                docs = documents(i)
                manifest, spec = docs["/.well-known/ai-plugin.json"], docs["/openapi.json"]
                domain = f"w{i}.example.com"
                cp.write_row(
                    (
                        ids[f"w{i}"],
                        1,
                        f"https://{domain}/.well-known/ai-plugin.json",
                        f"https://{domain}/openapi.json",
                        manifest.decode(),
                        spec.decode(),
                        manifest.decode(),
                        spec.decode(),
                        version_content_hash(manifest, spec),
                        "[]",
                        0,
                        0,
                        now,
                    )
                )
        cur.execute(
            "UPDATE pluginstore_plugin p SET live_version_id = v.id, latest_version_id = v.id "
            "FROM pluginstore_pluginversion v WHERE v.plugin_id = p.id"
        )
        cur.execute("VACUUM ANALYZE pluginstore_plugin")
        cur.execute("VACUUM ANALYZE pluginstore_pluginversion")


# Runs ----------------------------------------------------------------------------------------


def make_due(now: datetime.datetime, ids=None) -> None:
    """Every plugin (or those of `ids`) due now; the others not before the run is over."""
    from watch.models import PluginWatch

    watches = PluginWatch.objects.all()
    if ids is not None:
        chosen = watches.filter(plugin__slug__in=[f"w{i}" for i in ids])
        watches.exclude(pk__in=chosen.values("pk")).update(due_at=now + 10 * DAY)
        watches = chosen
    watches.update(due_at=now - datetime.timedelta(minutes=1), lease_until=None)


def one_run(name: str, now: datetime.datetime, lanes: int, server, ids=None, exclude=()) -> dict:
    from watch.runner import watch_run

    make_due(now, ids)
    server.send(("stats", None))
    server.recv()  # resets the server's counts
    load_before = os.getloadavg()
    started = time.monotonic()
    stats = watch_run(now=lambda: now, concurrency=lanes, seconds=3600)
    elapsed = time.monotonic() - started
    server.send(("stats", None))
    counts = server.recv()
    from pluginstore.models import Plugin

    left_out = set(
        Plugin.objects.filter(slug__in=[f"w{i}" for i in exclude]).values_list("pk", flat=True)
    )
    durations = sorted(s for pk, s in stats.by_plugin.items() if pk not in left_out)
    hostile = [s for pk, s in stats.by_plugin.items() if pk in left_out]
    ordinary_done = max(t for pk, t in stats.done_at.items() if pk not in left_out)
    result = {
        "run": name,
        "checked": stats.checked,
        "seconds": round(elapsed, 1),
        "per_minute": round(stats.checked / elapsed * 60),
        "peak_connections": counts["peak"],
        "requests": counts["requests"],
        "p50_ms": round(statistics.median(durations) * 1000, 1) if durations else None,
        "p95_ms": round(durations[int(len(durations) * 0.95)] * 1000, 1) if durations else None,
        "max_s": round(durations[-1], 1) if durations else None,
        "hostile_max_s": round(max(hostile), 1) if hostile else None,
        "ordinary_done_s": round(ordinary_done - started, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plugins", type=int, default=10_000)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--sample", type=int, default=1000, help="plugins in the hostile runs")
    parser.add_argument("--hostile", type=int, default=4, help="slow/dripping plugins added")
    args = parser.parse_args()

    from bench.watch_server import make_tls, route_fetcher

    tls = make_tls(Path(tempfile.mkdtemp(prefix="watch-bench-tls-")))
    parent, child = multiprocessing.Pipe()
    server_process = multiprocessing.Process(
        target=serve, args=(tls, args.plugins, child), daemon=True
    )
    server_process.start()
    port = parent.recv()

    fresh_database()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    class Routed:  # the server process, as route_fetcher sees it
        hosts = {f"w{i}.example.com" for i in range(args.plugins)}

    Routed.tls, Routed.port = tls, port
    route_fetcher(Routed)

    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    t0 = time.monotonic()
    seed(args.plugins, now)
    from watch.services import watches_create

    watches_create(now=now)
    print(f"seeded {args.plugins} plugins in {time.monotonic() - t0:.0f}s", flush=True)
    results = [one_run("cold", now, args.lanes, parent)]
    now += DAY
    results.append(one_run("warm (304)", now, args.lanes, parent))
    sample = range(args.hostile, args.hostile + args.sample)
    now += DAY
    results.append(one_run("sample alone", now, args.lanes, parent, ids=sample))
    hostile = [(i, "drip" if i % 2 else "slow") for i in range(args.hostile)]
    parent.send(("hostile", hostile))
    now += DAY
    results.append(
        one_run(
            "sample + hostile",
            now,
            args.lanes,
            parent,
            ids=[*sample, *range(args.hostile)],
            exclude=range(args.hostile),
        )
    )
    from watch.models import PluginWatch

    outcomes = dict(
        PluginWatch.objects.values_list("last_outcome").annotate(n=django.db.models.Count("id"))
    )
    print(json.dumps({"outcomes": outcomes, "cpus": os.cpu_count()}), flush=True)
    parent.send(("stop", None))
    server_process.join(5)


if __name__ == "__main__":
    main()
