"""PluginStore load and speed benchmark (see bench/README.md).

    python bench/run.py                 # full run: 10,000 plugins for pages, 100,000 for search
    python bench/run.py --quick         # short smoke run (5 s per measurement, 10,000 only)

Starts gunicorn (production settings + the ceiling view, bench/settings.py) on 127.0.0.1 and
a free port, measures with wrk (throughput) and a paced open-loop Python client (latency at a
fixed rate), times the search in-process, writes bench/out/ (git-ignored) and stops everything
it started. Only loopback is used; only the database pluginstore_bench is written.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

from seed import BENCH_REDIS_URL, bench_environ  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").is_dir() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
WORKERS = 3  # sync workers on 2 cores; the load generator shares the same 2 cores
WRK_THREADS, WRK_CONNECTIONS = 2, 16
PACED_RATE = 100  # requests per second, open loop

PAGES = {
    "ceiling": "/bench/ceiling",
    "store": "/store/",
    "search weather": "/store/?q=weather",
    "detail": "/store/bench-5000/",
    "inbox": "/help/messages/",
    # The same store page for a signed-in visitor: never served from the page cache.
    "store signed in": "/store/",
}
SIGNED_IN = ("inbox", "store signed in")
# "a" and "the" are English stop words (websearch_to_tsquery gives an empty query: no match);
# "book" stems to the vocabulary's "books" (2%); "data" matches 41% of the plugins.
SEARCH_TERMS = ["weather", "data", "search", "analytics charts", "pets", "book", "a", "the"]


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, timeout=300)
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with production settings; always stopped by stop() (also on errors)."""

    def __init__(self, env: dict, port: int, cwd: Path = ROOT):
        # cwd: the checkout whose code gunicorn runs (bench/speed.py --before runs an older one).
        self.env, self.port, self.proc, self.cwd = env, port, None, cwd
        self.cmd = [
            GUNICORN,
            "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--backlog", "2048",
            "--timeout", "30",
            "--log-level", "warning",
        ]  # fmt: skip

    def start(self) -> None:
        self.logfile = open(OUT / "gunicorn.log", "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            self.cmd, cwd=self.cwd, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/bench/ceiling"
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("gunicorn exited; see bench/out/gunicorn.log") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the arbiter stops its own workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if getattr(self, "logfile", None):
            self.logfile.close()


def wrk(wrk_bin: str, url: str, seconds: int, cookie: str = "") -> dict:
    env = dict(os.environ, BENCH_COOKIE=cookie)
    cmd = [
        wrk_bin, f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(BENCH / "report.lua"), url,
    ]  # fmt: skip
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("JSON "):
            result = json.loads(line[5:])
            result["command"] = " ".join(cmd)
            return result
    raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")


async def _one(port: int, path: str, cookie: str, scheduled: float, timeout: float):
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)
        writer.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (TimeoutError, OSError, ValueError, IndexError):
        status = 0
    return status, (time.perf_counter() - scheduled) * 1000


async def _paced(port: int, path: str | list[str], rate: int, seconds: int, cookie: str) -> dict:
    """Open loop: request i is due at start + i/rate; latency counts from when it was due,
    so a slow server cannot slow the client down and hide its own queueing. Given a list of
    paths, request i asks for the i-th (in turn)."""
    total = rate * seconds
    loop_start = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        due = loop_start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        target = path if isinstance(path, str) else path[i % len(path)]
        tasks.append(asyncio.create_task(_one(port, target, cookie, due, 10.0)))
    results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - loop_start
    lat = sorted(ms for _, ms in results)
    bad = sum(1 for status, _ in results if not 200 <= status <= 299)

    def p(q: float) -> float:
        return round(lat[min(len(lat) - 1, max(0, round(q / 100 * len(lat) + 0.5) - 1))], 2)

    return {
        "requests": total,
        "achieved_rps": round(total / elapsed, 1),
        "non2xx_or_failed": bad,
        "p50_ms": p(50),
        "p95_ms": p(95),
        "p99_ms": p(99),
        "max_ms": round(lat[-1], 2),
    }


def paced(port: int, path: str | list[str], seconds: int, cookie: str = "") -> dict:
    return asyncio.run(_paced(port, path, PACED_RATE, seconds, cookie))


def drain(port: int, limit_s: float = 180.0) -> float:
    """After an overload, wait (bounded) until the ceiling answers fast again: connections the
    paced client gave up on are still queued in gunicorn and would slow the next measurement."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ceiling", timeout=5):
                pass
            if time.perf_counter() - t < 0.05:
                break
        except OSError:
            pass
        time.sleep(0.5)
    return round(time.monotonic() - t0, 1)


def django_session_cookie(env: dict) -> str:
    """A signed-in session for user0@bench.example.com, made as django.contrib.auth.login does."""
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from accounts.models import User\n"
        "u = User.objects.get(email='user0@bench.example.com')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s.create()\n"
        "print(s.session_key)\n"
    )
    out = subprocess.run(
        [PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return f"sessionid={out.stdout.strip().splitlines()[-1]}"


def sqltime(env: dict, reps: int, terms: list[str], explain: list[str], sort: str = "") -> str:
    cmd = [PY, str(BENCH / "sqltime.py"), "--reps", str(reps), "--terms", *terms]
    if explain:
        cmd += ["--explain", *explain]
    if sort:
        cmd += ["--sort", sort]
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return out.stdout


def bench_plugin_count(env: dict) -> int:
    out = subprocess.run(
        ["psql", env["DATABASE_URL"], "-tAc", "SELECT count(*) FROM pluginstore_plugin"],
        capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else 0


def flush_bench_cache() -> None:
    """Empty the benchmark's own Redis database (BENCH_REDIS_URL, /8): pages cached from
    before a re-seed (written with COPY, so no listing version was bumped) must not be served."""
    import redis

    redis.Redis.from_url(BENCH_REDIS_URL, socket_timeout=5).flushdb()


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure_pages(wrk_bin, server, pages, seconds, cookie, label) -> list[dict]:
    rows = []
    for name, path in pages.items():
        url = f"http://127.0.0.1:{server.port}{path}"
        ck = cookie if name in SIGNED_IN else ""
        wrk(wrk_bin, url, 3, ck)  # warm-up, discarded
        tp = wrk(wrk_bin, url, seconds, ck)
        log(f"{label} {name}: {tp['rps']} req/s, non2xx={tp['non2xx']} (load {loadavg()})")
        lat = paced(server.port, path, seconds, ck)
        lat["drain_s"] = drain(server.port)
        log(f"{label} {name} @ {PACED_RATE} rps: p50 {lat['p50_ms']} ms p99 {lat['p99_ms']} ms")
        rows.append(
            {"set": label, "name": name, "path": path, "throughput": tp, "paced": lat,
             "loadavg": loadavg()}
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--sql-reps", type=int, default=300)
    parser.add_argument("--skip-100k", action="store_true")
    args = parser.parse_args()
    seconds = 5 if args.quick else args.seconds
    OUT.mkdir(exist_ok=True)
    wrk_bin = ensure_wrk()
    env = dict(os.environ, **bench_environ())
    started = datetime.now(UTC)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "loadavg_start": loadavg(),
        "gunicorn": f"{WORKERS} sync workers, --backlog 2048, bound to 127.0.0.1",
        "wrk": f"-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s (after a 3 s warm-up)",
        "paced": f"open-loop asyncio client, {PACED_RATE} req/s for {seconds}s, new connection "
        "per request, latency from the scheduled send time",
    }

    # SIGTERM (and SIGINT, which background jobs ignore) unwind through `finally`, so
    # gunicorn is stopped whatever ends the run.
    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    # Pages are measured at 10,000: a database left at 100,000 by the last run is re-seeded
    # (seed.py only ever drops its own pluginstore_bench).
    log(f"seeding 10,000 plugins (load {loadavg()})")
    seed = [PY, str(BENCH / "seed.py"), "--plugins", "10000"]
    if bench_plugin_count(env) > 10_000:
        seed.append("--reset")
    subprocess.run(seed, cwd=ROOT, check=True)
    flush_bench_cache()

    static_root = tempfile.mkdtemp(prefix="pluginstore-bench-static-")
    env["BENCH_STATIC_ROOT"] = static_root
    server = Server(env, free_port())
    results: dict = {"meta": meta, "pages": [], "sql": [], "explain": ""}
    try:
        subprocess.run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        cookie = django_session_cookie(env)
        server.start()
        meta["gunicorn_cmd"] = " ".join(server.cmd)
        log(f"gunicorn on 127.0.0.1:{server.port}")
        results["pages"] += measure_pages(wrk_bin, server, PAGES, seconds, cookie, "10k")
        if not (args.quick or args.skip_100k):
            server.stop()
            log("topping up to 100,000 plugins")
            subprocess.run(
                [PY, str(BENCH / "seed.py"), "--plugins", "100000"], cwd=ROOT, check=True
            )
            flush_bench_cache()
            server = Server(env, free_port())
            server.start()
            # The ceiling again: the ratios at 100,000 are to this server's own ceiling.
            search_pages = {"ceiling": "/bench/ceiling", "store": "/store/"}
            for term in SEARCH_TERMS:
                search_pages[f"search {term}"] = "/store/?q=" + term.replace(" ", "+")
            results["pages"] += measure_pages(wrk_bin, server, search_pages, seconds, "", "100k")
            server.stop()
            log("in-process search timing at 100,000")
            out = sqltime(env, args.sql_reps, SEARCH_TERMS, ["weather", "data"])
            out += sqltime(env, args.sql_reps, ["weather", "data"], [], sort="newest")
            results["sql"] = [json.loads(x[5:]) for x in out.splitlines() if x.startswith("JSON ")]
            results["explain"] = "\n".join(x for x in out.splitlines() if not x.startswith("JSON "))
            for r in results["sql"]:
                log(f"sql {r['term']!r} ({r['sort']}): p95 {r['total_p95_ms']} ms")
            log("in-process time and queries per page (profile_pages.py)")
            out = subprocess.run(
                [PY, str(BENCH / "profile_pages.py"), "--no-profile", "--reps", "100"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
            )  # fmt: skip
            results["profile"] = out.stdout
            (OUT / "profile.txt").write_text(out.stdout + out.stderr)
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    meta["loadavg_end"] = loadavg()
    stamp = started.strftime("%Y%m%dT%H%M%S")
    (OUT / f"results-{stamp}.json").write_text(json.dumps(results, indent=2))
    (OUT / "explain.txt").write_text(results["explain"])
    (OUT / f"summary-{stamp}.md").write_text(summary(results))
    print(summary(results))


def summary(results: dict) -> str:
    lines = [f"Run {results['meta']['started']} - {results['meta']['finished']}, "
             f"load {results['meta']['loadavg_start']} -> {results['meta']['loadavg_end']}", "",
             "| set | page | req/s | x ceiling | non-2xx+errors | p50 @100 | p99 @100 "
             "| p95 @100 | non-2xx @100 | load after |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    pages = results["pages"]
    ceilings = {r["set"]: r["throughput"]["rps"] for r in pages if r["name"] == "ceiling"}
    for r in results["pages"]:
        t, p = r["throughput"], r["paced"]
        ceiling = ceilings.get(r["set"], 0)
        errs = t["non2xx"] + t["err_connect"] + t["err_read"] + t["err_write"] + t["err_timeout"]
        ratio = f"{t['rps'] / ceiling:.0%}" if ceiling else "-"
        lines.append(
            f"| {r['set']} | {r['name']} `{r['path']}` | {t['rps']:.0f} | {ratio} | {errs} | "
            f"{p['p50_ms']:.1f} ms | {p['p99_ms']:.1f} ms | {p['p95_ms']:.1f} ms | "
            f"{p['non2xx_or_failed']} | {r['loadavg']} |"
        )
    if results["sql"]:
        lines += ["", "| term | sort | matches (count shown) | reps | p50 | p95 | p99 | max |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for s in results["sql"]:
            lines.append(
                f"| {s['term']} | {s['sort']} | {s['matches_counted']} | {s['reps']} | "
                f"{s['total_p50_ms']} ms | {s['total_p95_ms']} ms | {s['total_p99_ms']} ms | "
                f"{s['total_max_ms']} ms |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
