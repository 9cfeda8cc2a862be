"""Concurrent test runs: each has its own database, and a killed run's leftovers are dropped."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.testdb import drop_stale_test_databases

# Names of this run's own, so concurrent runs never plant the same database: a pid above
# Linux's largest pid_max (2**22) never runs, and our parent (make, or the shell) runs now.
DEAD_PID = 2**22 + os.getpid()
LIVE_PID = os.getppid()


def test_each_run_names_its_database_after_its_own_process():
    assert connection.settings_dict["NAME"] == f"{settings.TEST_DATABASE_PREFIX}{os.getpid()}"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_killed_runs_database_is_dropped_and_a_live_ones_is_kept():
    dead = f"{settings.TEST_DATABASE_PREFIX}{DEAD_PID}"
    live = f"{settings.TEST_DATABASE_PREFIX}{LIVE_PID}"
    with connection._nodb_cursor() as cursor:
        for name in (dead, live):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        dropped = drop_stale_test_databases()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname IN (%s, %s)", [dead, live]
            )
            left = {row[0] for row in cursor.fetchall()}
        # (Another run starting meanwhile may have dropped it first: either way it is gone.)
        assert left == {live}
        assert connection.settings_dict["NAME"] not in dropped
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{live}"')
