"""core.versions: a copy is served only at the version it was made at, a bump (now and on
commit) makes every copy of its owner stale, and copies are off where processes do not share
one cache or while Redis is away."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache, caches

from core import versions


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class Source:
    """A value in 'the database' and how often it was read."""

    def __init__(self, value):
        self.value, self.reads = value, 0

    def read(self):
        self.reads += 1
        return self.value


@pytest.mark.django_db
def test_a_copy_is_read_once_then_served_until_its_owner_is_bumped():
    source = Source("first")
    assert versions.copy("thing", 1, "name", source.read) == "first"
    assert versions.copy("thing", 1, "name", source.read) == "first"
    assert source.reads == 1

    source.value = "second"
    versions.bump("thing", [1])
    assert versions.copy("thing", 1, "name", source.read) == "second"
    assert source.reads == 2


@pytest.mark.django_db
def test_a_bump_reaches_only_its_owners_copies():
    mine, theirs = Source("mine"), Source("theirs")
    versions.copy("thing", 1, "name", mine.read)
    versions.copy("thing", 2, "name", theirs.read)
    versions.bump("thing", [1])
    versions.copy("thing", 1, "name", mine.read)
    versions.copy("thing", 2, "name", theirs.read)
    assert (mine.reads, theirs.reads) == (2, 1)
    versions.copy("other-scope", 2, "name", theirs.read)  # another scope: its own copy
    assert theirs.reads == 2


@pytest.mark.django_db
def test_a_copy_made_from_the_data_before_the_commit_is_not_served_after_it(
    django_capture_on_commit_callbacks,
):
    """The race a version read before the database closes: a reader between the writer's
    bump and its commit reads the old data; the bump on commit makes that copy stale."""
    source = Source("old")
    with django_capture_on_commit_callbacks(execute=True):
        versions.bump("thing", [1])
        # Another request, now: it sees the bumped version but the old (uncommitted) data.
        assert versions.copy("thing", 1, "name", source.read) == "old"
        source.value = "new"  # what the transaction commits
    assert versions.copy("thing", 1, "name", source.read) == "new"


def test_an_evicted_version_draws_a_new_one_that_no_old_copy_matches():
    source = Source("old")
    versions.copy("thing", 1, "name", source.read)
    cache.delete(versions.version_key("thing", 1))  # evicted (or expired)
    source.value = "new"
    assert versions.copy("thing", 1, "name", source.read) == "new"


def test_copies_are_off_where_processes_do_not_share_one_cache(settings):
    settings.PLUGINSTORE_SHARED_CACHE = False  # `make run` without Redis
    source = Source("value")
    versions.copy("thing", 1, "name", source.read)
    versions.copy("thing", 1, "name", source.read)
    assert source.reads == 2
    assert cache.get(versions.version_key("thing", 1) + ":name") is None


def test_copies_are_off_while_redis_is_away(monkeypatch):
    backend = caches["default"]
    source = Source("value")
    versions.copy("thing", 1, "name", source.read)
    # As core.cache.ResilientRedisCache says while it serves from this process's memory.
    away = SimpleNamespace(redis_answered=False, broken=lambda: True)
    monkeypatch.setattr(backend, "outage", away, raising=False)
    versions.copy("thing", 1, "name", source.read)
    versions.copy("thing", 1, "name", source.read)
    assert source.reads == 3


@pytest.mark.django_db
def test_prefetched_copies_answer_without_a_round_trip_until_a_bump(monkeypatch):
    first, second = Source("first"), Source("second")
    # A copy's name may hold ":" (a page of reviews is "reviews:2").
    versions.add_to_group("test-group", lambda owner_id: [("thing", owner_id, "page:2")])
    versions.copy("thing", 1, "page:2", first.read)
    with versions.request_copies():
        versions.prefetch("test-group", owner_id=1)
        reads = []
        real = cache.get_many
        monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real(keys))
        assert versions.copy("thing", 1, "page:2", first.read) == "first"
        assert reads == []  # answered from the prefetch
        versions.bump("thing", [1])  # a write in this request: the prefetched entry is gone
        assert versions.copy("thing", 1, "page:2", second.read) == "second"
        assert len(reads) == 1
    assert first.reads == 1
    # Outside a request nothing is kept between calls.
    versions.prefetch("test-group", owner_id=1)
    assert versions._prefetched.get() is None
