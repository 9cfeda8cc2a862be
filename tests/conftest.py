import pytest

from tests.services import chromium_available, postgres_in_use, redis_answers, require_services

_CHECKS = {"postgres": postgres_in_use, "redis": redis_answers, "browser": chromium_available}


@pytest.fixture(autouse=True)
def _real_services(request):
    """Skip (or, with REQUIRE_SERVICES=1, fail) a test whose real service is missing."""
    for marker, check in _CHECKS.items():
        if request.node.get_closest_marker(marker) is None:
            continue
        ok, reason = check()
        if ok:
            continue
        if require_services():
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache and the processes' memories outlive each test's database rollback; start
    every test without them."""
    from tests.budget import forget_copies

    forget_copies()
    yield
    forget_copies()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """Before this run creates its database, drop those that killed runs left behind."""
    from tests.testdb import drop_stale_test_databases

    with django_db_blocker.unblock():
        drop_stale_test_databases()
