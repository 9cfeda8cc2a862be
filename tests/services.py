"""Which real services answer here, and what to do when one does not.

`make test` skips a test that needs PostgreSQL, Redis or Chromium when that service does not
answer; with REQUIRE_SERVICES=1 (set by .ci/run) the same test fails instead, so CI can never
go green by skipping.
"""

import os
import shutil
import socket
from functools import cache
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false", "no")


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@cache
def redis_answers() -> tuple[bool, str]:
    url = urlparse(redis_url())
    try:
        with socket.create_connection(
            (url.hostname or "127.0.0.1", url.port or 6379), timeout=1
        ) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return True, ""
            return False, f"Redis at {redis_url()} did not answer PING"
    except OSError as error:
        return False, f"Redis at {redis_url()} does not answer ({error})"


def postgres_in_use() -> tuple[bool, str]:
    from django.db import connection

    if connection.vendor == "postgresql":
        return True, ""
    return (
        False,
        "the test database is SQLite: PostgreSQL at 127.0.0.1:5432 did not answer "
        "and DATABASE_URL is unset",
    )


@cache
def chromium_available() -> tuple[bool, str]:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return True, ""
    return False, f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
