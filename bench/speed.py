"""Signed-in pages against the ceiling, search over many terms, and memory per worker (issue 15).

    python bench/speed.py                        # pages, then memory over 100,000 requests
    python bench/speed.py --before DIR           # also an older checkout's code, same run
    python bench/speed.py --seconds 5 --memory-requests 20000   # a shorter run

The same gunicorn as bench/run.py (production settings, 3 sync workers, PostgreSQL, the
Redis cache in database 8), against pluginstore_bench at 10,000 plugins (seeded if empty).
For each page: wrk's throughput as a share of the ceiling measured by the same server, then
p50/p95/p99 at 100 req/s (run.py's open-loop client). Searches draw each request's term from
search_terms() (>= 200 words and phrases, bench/rotating.lua), so no single cached answer can
carry them. Then a fresh server serves --memory-requests requests mixed over every page
(signed in) while the RSS of each worker is read from /proc before, along and after.

With --before DIR (an older checkout, e.g. `git archive <commit> | tar -x -C DIR`), the same
pages are measured first with that code, against the same database and cache, so before and
after come from one run. Writes bench/out/speed-<time>.json and .md; stops what it started.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
from seed import bench_environ  # noqa: E402
from vocabulary import ADJECTIVES, DEV_NAMES, FILLER, NOUNS, TOPICS, VERBS  # noqa: E402

MIN_TERMS = 200
PAGES = {
    "ceiling": ["/bench/ceiling"],
    "store, anonymous": ["/store/"],
    "store, signed in": ["/store/"],
    "store page 3, signed in": ["/store/?page=3"],
    "search, anonymous (rotating terms)": None,  # filled with the terms
    "search, signed in (rotating terms)": None,
    "detail, anonymous": ["/store/bench-5000/"],
    "detail, signed in": ["/store/bench-5000/"],
    "Help > Messages": ["/help/messages/"],
}


def search_terms() -> list[str]:
    """At least 200 distinct words and phrases from the seed's vocabulary, some matching many
    plugins (data: 41%), some few, some none (stop words, names nobody uses)."""
    rng = random.Random(15)
    topics = [word for word, _ in TOPICS]
    terms = [*topics, *(w.lower() for w in ADJECTIVES + NOUNS + VERBS), *FILLER, *DEV_NAMES[:10]]
    terms += [f"{rng.choice(VERBS).lower()} {rng.choice(topics)}" for _ in range(60)]
    terms += [f"{rng.choice(ADJECTIVES).lower()} {rng.choice(NOUNS).lower()}" for _ in range(40)]
    terms += ["the", "a", "zebra migration", "quantum knitting"]
    unique = list(dict.fromkeys(terms))
    assert len(unique) >= MIN_TERMS, len(unique)
    rng.shuffle(unique)
    return unique


def search_paths() -> list[str]:
    return ["/store/?q=" + term.replace(" ", "+") for term in search_terms()]


def signed_in(name: str) -> bool:
    return "signed in" in name or name == "Help > Messages"


def wrk_paths(wrk_bin: str, port: int, paths: list[str], seconds: int, cookie: str) -> dict:
    """wrk over these paths, each request's drawn at random (bench/rotating.lua)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    env = dict(os.environ, BENCH_COOKIE=cookie, BENCH_PATHS=f.name, BENCH_DIR=str(BENCH))
    cmd = [
        wrk_bin, f"-t{run.WRK_THREADS}", f"-c{run.WRK_CONNECTIONS}", f"-d{seconds}s",
        "--timeout", "10s", "-s", str(BENCH / "rotating.lua"), f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(f.name)
    for line in out.stdout.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")


def measure(wrk_bin, server, seconds: int, cookie: str, label: str) -> list[dict]:
    rows = []
    for name, paths in PAGES.items():
        paths = paths or search_paths()
        ck = cookie if signed_in(name) else ""
        wrk_paths(wrk_bin, server.port, paths, 3, ck)  # warm-up, discarded
        tp = wrk_paths(wrk_bin, server.port, paths, seconds, ck)
        lat = run.paced(server.port, paths if len(paths) > 1 else paths[0], seconds, ck)
        lat["drain_s"] = run.drain(server.port)
        run.log(
            f"{label} {name}: {tp['rps']} req/s, non2xx={tp['non2xx']}, p99 @100/s "
            f"{lat['p99_ms']} ms (load {run.loadavg()})"
        )
        rows.append(
            {"code": label, "name": name, "paths": len(paths), "throughput": tp, "paced": lat,
             "loadavg": run.loadavg()}
        )  # fmt: skip
    return rows


def worker_rss_kb(arbiter_pid: int) -> dict[int, int]:
    """Resident memory (kB) of each gunicorn worker: the arbiter's children."""
    children = Path(f"/proc/{arbiter_pid}/task/{arbiter_pid}/children").read_text().split()
    rss = {}
    for pid in map(int, children):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1])
    return rss


def memory_paths() -> list[str]:
    """Every page a signed-in visitor asks for, many of each: the cached and the uncached."""
    paths = search_paths()
    paths += [f"/store/?page={n}" for n in range(1, 60)]
    paths += [f"/store/?sort={s}&page={n}" for s in ("popular", "name", "rating") for n in (1, 2)]
    paths += [f"/store/bench-{n}/" for n in range(0, 10_000, 37)]
    paths += ["/help/messages/"] * 20
    return paths


def measure_memory(wrk_bin, server, total: int, cookie: str) -> dict:
    paths = memory_paths()
    samples = [{"requests": 0, "rss_kb": worker_rss_kb(server.proc.pid)}]
    done = errors = 0
    while done < total:
        result = wrk_paths(wrk_bin, server.port, paths, 20, cookie)
        done += result["responses"]
        errors += result["non2xx"] + sum(result[k] for k in result if k.startswith("err_"))
        samples.append({"requests": done, "rss_kb": worker_rss_kb(server.proc.pid)})
        run.log(f"memory: {done} requests, RSS {samples[-1]['rss_kb']} kB")
    return {"paths": len(paths), "errors": errors, "samples": samples}


def summary(results: dict) -> str:
    meta = results["meta"]
    lines = [
        f"# bench/speed.py {meta['started']} (load {meta['loadavg_start']} -> "
        f"{meta['loadavg_end']}, {meta['cpus']} cores)",
        "",
        "| code | page | req/s | x ceiling | errors | p50 @100/s | p95 @100/s | p99 @100/s "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    ceilings = {
        r["code"]: r["throughput"]["rps"] for r in results["pages"] if r["name"] == "ceiling"
    }
    for r in results["pages"]:
        tp, lat = r["throughput"], r["paced"]
        errors = tp["non2xx"] + sum(tp[k] for k in tp if k.startswith("err_"))
        errors += lat["non2xx_or_failed"]
        share = 100 * tp["rps"] / ceilings[r["code"]]
        lines.append(
            f"| {r['code']} | {r['name']} | {tp['rps']:,.0f} | {share:.1f}% | {errors} | "
            f"{lat['p50_ms']} ms | {lat['p95_ms']} ms | {lat['p99_ms']} ms | {r['loadavg']} |"
        )
    memory = results.get("memory")
    if memory:
        lines += ["", f"Memory per worker (RSS, MB), {memory['paths']} paths, signed in, "
                  f"errors {memory['errors']}:", ""]  # fmt: skip
        for s in memory["samples"]:
            mb = ", ".join(f"{kb / 1024:.1f}" for kb in s["rss_kb"].values())
            lines.append(f"- after {s['requests']:,} requests: {mb}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument("--before", type=Path, help="an older checkout to measure first")
    args = parser.parse_args()
    run.OUT.mkdir(exist_ok=True)
    wrk_bin = run.ensure_wrk()
    env = dict(os.environ, **bench_environ())
    started = datetime.now(UTC)
    results: dict = {
        "meta": {
            "started": started.isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "loadavg_start": run.loadavg(),
            "terms": len(search_terms()),
        },
        "pages": [],
    }

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if run.bench_plugin_count(env) != 10_000:
        subprocess.run([run.PY, str(BENCH / "seed.py"), "--plugins", "10000", "--reset"],
                       cwd=run.ROOT, check=True)  # fmt: skip
    static_root = tempfile.mkdtemp(prefix="pluginstore-bench-static-")
    env["BENCH_STATIC_ROOT"] = static_root
    server = None
    try:
        subprocess.run(
            [run.PY, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=run.ROOT, env=env, check=True,
        )  # fmt: skip
        cookie = run.django_session_cookie(env)
        for label, root in (("before", args.before), ("after", run.ROOT)):
            if root is None:
                continue
            run.flush_bench_cache()
            server = run.Server(env, run.free_port(), cwd=root)
            server.start()
            results["pages"] += measure(wrk_bin, server, args.seconds, cookie, label)
            server.stop()
        if args.memory_requests:
            run.flush_bench_cache()
            server = run.Server(env, run.free_port())
            server.start()
            results["memory"] = measure_memory(wrk_bin, server, args.memory_requests, cookie)
            server.stop()
    finally:
        if server:
            server.stop()
        subprocess.run(["rm", "-rf", static_root], check=False)
    results["meta"]["loadavg_end"] = run.loadavg()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (run.OUT / f"speed-{stamp}.json").write_text(json.dumps(results, indent=2))
    text = summary(results)
    (run.OUT / f"speed-{stamp}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
