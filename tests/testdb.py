"""Per-run test databases: drop the ones that runs killed mid-way left behind.

config/settings/test.py names each run's database ``test_pluginstore_<pid>``. A run that ends
normally drops its own; one that was killed cannot, so every run first drops the databases
(or SQLite files) whose pid no longer runs. A live run's database is never touched.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.db import connection


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(names: list[str]) -> list[str]:
    pattern = re.compile(rf"^{re.escape(settings.TEST_DATABASE_PREFIX)}(\d+)$")
    own = connection.settings_dict["TEST"]["NAME"]
    stale = []
    for name in names:
        match = pattern.match(Path(name).name)
        if match and name != own and not _pid_running(int(match.group(1))):
            stale.append(name)
    return stale


def drop_stale_test_databases() -> list[str]:
    """Drop the test databases of runs that no longer exist; returns their names."""
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                [settings.TEST_DATABASE_PREFIX + "%"],
            )
            stale = _stale([row[0] for row in cursor.fetchall()])
            for name in stale:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        return stale
    if connection.vendor == "sqlite":
        folder = Path(settings.BASE_DIR)
        files = [str(p.name) for p in folder.glob(settings.TEST_DATABASE_PREFIX + "*")]
        stale = _stale([f for f in files if re.search(r"_\d+$", f)])
        for name in stale:
            for suffix in ("", "-journal", "-wal", "-shm"):
                (folder / f"{name}{suffix}").unlink(missing_ok=True)
        return stale
    return []
