"""`make run`: prepare the database, then run the web server, a Celery worker, Celery beat and
the demo plugin server together, until Ctrl-C stops them all.

Each child runs in a process group of its own, so stopping one stops everything it started
(runserver's autoreloader child, the worker's pool processes): on Ctrl-C, SIGTERM or a closed
terminal the launcher sends SIGTERM to every group, waits, then SIGKILLs what is left. If one
of them exits by itself, the others are stopped too, so nothing is left half running.

Run with the project's virtualenv Python (the Makefile does): `.venv/bin/python scripts/run.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / ".run"
DEMO_PLUGIN_COMMAND = ROOT / "demo" / "management" / "commands" / "serve_demo_plugin.py"
STOP_GRACE_SECONDS = 20.0
COLOURS = ["\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


@dataclass
class Child:
    name: str
    argv: list[str]
    # The Celery worker is told to stop through its main process alone: a warm shutdown lets
    # it stop its pool in order. The others take SIGTERM as a group.
    term_leader_only: bool = False
    colour: str = ""
    proc: subprocess.Popen | None = field(default=None, repr=False)


def main() -> int:
    args = _parse_args()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    env = _child_env(args)
    RUN_DIR.mkdir(exist_ok=True)

    with_demo_plugin = DEMO_PLUGIN_COMMAND.exists() and not args.no_demo_plugin
    busy = [
        p
        for p in [args.port] + ([args.demo_plugin_port] if with_demo_plugin else [])
        if _answers(args.host, p)
    ]
    if busy:
        _say(f"Port {busy[0]} on {args.host} is already in use: is another `make run` going?")
        _say("Stop it first, or choose other ports: make run RUN_ARGS='--port 8010'")
        return 1

    python = sys.executable
    manage = [python, "manage.py"]
    _describe_backends(env)
    steps = [("migrate", manage + ["migrate", "--noinput"])]
    if _static_changed():
        steps.append(("collectstatic", manage + ["collectstatic", "--noinput", "-v", "0"]))
    if not args.no_seed:
        steps.append(("seed_demo", manage + ["seed_demo"]))
    for name, argv in steps:
        _say(f"{name} ...")
        result = subprocess.run(argv, env=env, check=False)  # noqa: S603 (our own argv)
        if result.returncode != 0:
            _say(f"{name} failed (exit {result.returncode}); nothing was started.")
            if name == "migrate" and env.get("DATABASE_URL", "").startswith("postgres"):
                _say("Does the database exist? e.g. createdb -h 127.0.0.1 -U postgres pluginstore")
            return result.returncode
        if name == "collectstatic":
            _record_static_fingerprint()

    celery = [python, "-m", "celery", "-A", "config"]
    children = [
        Child("web", manage + ["runserver", f"{args.host}:{args.port}"]),
        Child(
            "worker",
            celery + ["worker", "-l", "INFO", "-c", str(args.concurrency)],
            term_leader_only=True,
        ),
        Child("beat", celery + ["beat", "-l", "INFO"]),
    ]
    if with_demo_plugin:
        children.append(
            Child("plugin", manage + ["serve_demo_plugin", "--port", str(args.demo_plugin_port)])
        )
    return _supervise(children, env, args, with_demo_plugin)


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--demo-plugin-port", type=int, default=8001)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--no-seed", action="store_true", help="skip seed_demo")
    parser.add_argument("--no-demo-plugin", action="store_true")
    return parser.parse_args()


def _child_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    env.setdefault("PLUGINSTORE_SITE_URL", f"http://{args.host}:{args.port}")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _describe_backends(env: dict[str, str]) -> None:
    database = "PostgreSQL (DATABASE_URL)" if env.get("DATABASE_URL") else "SQLite (db.sqlite3)"
    broker = "Redis (REDIS_URL)" if env.get("REDIS_URL") else "kombu filesystem broker (.run/)"
    _say(f"settings {env['DJANGO_SETTINGS_MODULE']}; database {database}; broker {broker}")


def _static_fingerprint() -> str:
    """Changes whenever a file under static/ or a pinned package (Django admin's CSS) does."""
    digest = hashlib.sha256()
    for name in ("requirements.txt", "constraints.txt"):
        path = ROOT / name
        if path.exists():
            digest.update(path.read_bytes())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def _static_changed() -> bool:
    stamp = RUN_DIR / "collectstatic.fingerprint"
    if not (ROOT / "staticfiles" / "staticfiles.json").exists() or not stamp.exists():
        return True
    return stamp.read_text().strip() != _static_fingerprint()


def _record_static_fingerprint() -> None:
    (RUN_DIR / "collectstatic.fingerprint").write_text(_static_fingerprint() + "\n")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if the launcher itself is killed (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _supervise(children: list[Child], env: dict[str, str], args, with_demo_plugin: bool) -> int:
    stop = threading.Event()

    def request_stop(signum, frame):
        if stop.is_set():
            # A second Ctrl-C: stop waiting politely.
            for child in children:
                _signal_group(child, signal.SIGKILL)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    tty = sys.stdout.isatty()
    width = max(len(c.name) for c in children)
    # Start every child before any reader thread: preexec_fn is only safe with one thread.
    for index, child in enumerate(children):
        child.colour = COLOURS[index % len(COLOURS)] if tty else ""
        child.proc = subprocess.Popen(  # noqa: S603 (our own argv)
            child.argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    readers = [
        threading.Thread(target=_relay, args=(child, width, tty), daemon=True) for child in children
    ]
    for reader in readers:
        reader.start()

    exit_code = 0
    announced = False
    deadline = time.monotonic() + 60
    while not stop.is_set():
        exited = [c for c in children if c.proc.poll() is not None]
        if exited:
            child = exited[0]
            _say(f"{child.name} exited with code {child.proc.returncode}; stopping the others.")
            exit_code = child.proc.returncode or 1
            break
        if not announced and _answers(args.host, args.port):
            _banner(args, with_demo_plugin)
            announced = True
        elif not announced and time.monotonic() > deadline:
            _say(f"The web server has not answered on port {args.port} after 60 s.")
            announced = True
        stop.wait(0.25)

    _say("stopping (the worker finishes what it is running; Ctrl-C again to kill at once) ...")
    _stop_all(children)
    for reader in readers:
        reader.join(timeout=2)
    _say("all stopped.")
    return exit_code


def _relay(child: Child, width: int, tty: bool) -> None:
    prefix = f"{child.colour}{child.name:<{width}} |{RESET if tty else ''} "
    for raw in iter(child.proc.stdout.readline, b""):
        line = raw.decode("utf-8", errors="replace").rstrip("\n")
        sys.stdout.write(prefix + line + "\n")
        sys.stdout.flush()


def _signal_group(child: Child, signum: int) -> None:
    """Signal the child's whole process group: its leader may be gone, its children not."""
    if child.proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.proc.pid, signum)


def _stop_all(children: list[Child]) -> None:
    for child in children:
        if child.term_leader_only:
            with contextlib.suppress(ProcessLookupError):
                child.proc.send_signal(signal.SIGTERM)
        else:
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.proc.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            _say(f"{child.name} did not stop in {STOP_GRACE_SECONDS:.0f} s; killing it.")
    # Whatever is left in any group (a pool process, the autoreloader's child) goes now.
    for child in children:
        _signal_group(child, signal.SIGKILL)
        if child.proc.poll() is None:
            child.proc.wait()


def _banner(args, with_demo_plugin: bool) -> None:
    from demo.accounts import sign_ins_table

    url = f"http://{args.host}:{args.port}/"
    lines = [
        "",
        "=" * 72,
        f"  PluginStore is running at {url}",
        f"  Admin (reviewers): {url}admin/    Health: {url}healthz?worker=1",
    ]
    if with_demo_plugin:
        lines.append(f"  Demo plugin server: http://{args.host}:{args.demo_plugin_port}/")
    lines += [
        "",
        "  Demo sign-ins:" if not args.no_seed else "  (seed_demo skipped)",
        sign_ins_table() if not args.no_seed else "",
        "",
        "  Sign-up emails and codes are printed below (console email backend).",
        "  Press Ctrl-C to stop everything.",
        "=" * 72,
        "",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _say(message: str) -> None:
    sys.stdout.write(f"[make run] {message}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
