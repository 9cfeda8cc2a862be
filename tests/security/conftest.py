import pytest
from django.db import transaction
from django.test import TestCase

from tests.security.world import build_world


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """The world, built once per test module inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (the `db` fixture), so what a test changes is
    undone before the next; the matrix also rolls back every single request.
    """
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        yield build_world(TestCase.captureOnCommitCallbacks, patch)
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db):
    return _module_world
