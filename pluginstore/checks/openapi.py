"""OpenAPI validation within a budget the product owns: PLUGINSTORE_SPEC_VALIDATION_SECONDS.

The validator runs in a child process (openapi_child.py) that is killed when the budget is
spent, so a spec that would take minutes costs at most the budget, and the outcome says the
limit was reached rather than calling the spec invalid. A child serves one validation at a
time and is reused (starting one costs about 0.3 s); a few idle ones are kept per process, and
each is replaced after CHILD_USES validations so its memory cannot grow for ever. A child made
by another process (before a fork) is never used or killed here.

Anything that interrupts the wait (celery's SoftTimeLimitExceeded included) kills the child and
goes on up: the answer it was computing can never be read by the next caller.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

CHILD_PROGRAM = Path(__file__).with_name("openapi_child.py")
CHILD_USES = 200
IDLE_CHILDREN = 2
_HEADER = struct.Struct(">Q")
_IO_CHUNK = 64 * 1024


def validation_budget() -> float:
    """Seconds one spec may take to validate (the setting, read at each call)."""
    return float(settings.PLUGINSTORE_SPEC_VALIDATION_SECONDS)


class _Failed(Exception):
    """The child died or answered nonsense: our problem, never the developer's."""


class _OutOfTime(Exception):
    pass


class _Child:
    """One validator process and the pipes to it."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.uses = 0
        self.process = subprocess.Popen(  # noqa: S603 - our own program, no shell
            [sys.executable, "-I", "-W", "ignore", str(CHILD_PROGRAM)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )

    def ask(self, payload: bytes, deadline_at: float) -> dict:
        """Send one request and wait for its answer until deadline_at."""
        message = memoryview(_HEADER.pack(len(payload)) + payload)
        stdin, stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(stdin, False)
        answer = bytearray()
        sent = 0
        with selectors.DefaultSelector() as selector:
            selector.register(stdin, selectors.EVENT_WRITE)
            selector.register(stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline_at - time.monotonic()
                if remaining <= 0:
                    raise _OutOfTime
                for key, _events in selector.select(remaining):
                    if key.fd == stdin:
                        sent += self._write(stdin, message[sent : sent + _IO_CHUNK])
                        if sent == len(message):
                            selector.unregister(stdin)
                        continue
                    chunk = os.read(stdout, _IO_CHUNK)
                    if not chunk:
                        raise _Failed(f"the validator exited ({self.process.poll()})")
                    answer += chunk
                    if len(answer) >= _HEADER.size:
                        size = _HEADER.unpack_from(answer)[0]
                        if len(answer) >= _HEADER.size + size:
                            return self._decode(bytes(answer[_HEADER.size : _HEADER.size + size]))

    @staticmethod
    def _write(fd: int, data: memoryview) -> int:
        try:
            return os.write(fd, data)
        except BlockingIOError:
            return 0
        except OSError as error:  # a broken pipe: it died before reading
            raise _Failed(f"the validator stopped reading ({error})") from None

    @staticmethod
    def _decode(data: bytes) -> dict:
        try:
            answer = json.loads(data)
        except ValueError:
            raise _Failed("the validator's answer was not JSON") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("outcome"), str):
            raise _Failed("the validator's answer had no outcome")
        return answer

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def stop(self) -> None:
        """Kill the process and reap it (only our own)."""
        if self.owner != os.getpid():
            return
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a kill is not refused
            logger.error("OpenAPI validator process %s did not exit", self.process.pid)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _take() -> _Child:
    with _idle_lock:
        while _idle:
            child = _idle.pop()
            if child.usable():
                return child
            child.stop()
    return _Child()


def _give_back(child: _Child) -> None:
    child.uses += 1
    with _idle_lock:
        if child.uses < CHILD_USES and len(_idle) < IDLE_CHILDREN and child.usable():
            _idle.append(child)
            return
    child.stop()


@atexit.register
def stop_idle_children() -> None:
    """Stop the idle validators (at exit, and for tests)."""
    with _idle_lock:
        children, _idle[:] = list(_idle), []
    for child in children:
        child.stop()


def validate_openapi(spec: dict, version: str, *, budget: float | None = None) -> dict:
    """openapi_child.validate's answer for spec, or {"outcome": "time_limit", "seconds": budget}
    when the budget ran out, or {"outcome": "crash", ...} when the validator failed."""
    budget = validation_budget() if budget is None else budget
    deadline_at = time.monotonic() + budget
    payload = json.dumps({"version": version, "spec": spec}).encode()
    try:
        child = _take()
    except OSError as error:
        logger.error("Could not start the OpenAPI validator: %s", error)
        return {"outcome": "crash", "error": type(error).__name__}
    try:
        answer = child.ask(payload, deadline_at)
    except _OutOfTime:
        child.stop()
        return {"outcome": "time_limit", "seconds": budget}
    except _Failed as error:
        child.stop()
        logger.error("The OpenAPI validator failed: %s", error)
        return {"outcome": "crash", "error": str(error)}
    except BaseException:
        child.stop()  # its answer must never reach the next caller
        raise
    _give_back(child)
    if answer["outcome"] == "crash":
        logger.error("openapi-spec-validator raised %s on a spec", answer.get("error"))
    return answer
