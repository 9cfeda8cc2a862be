"""The Redis cache falls back to memory instead of failing requests (core/cache.py)."""

import os
import threading

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from core import cache as resilient
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.inbox.test_broker_outage import _free_port, _frozen_server
from tests.pluginstore.helpers import register
from tests.reviews.helpers import approve, claim, submit


def _redis_cache(location: str, timeout: float = 0.5) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "pluginstore-test",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens
    return cache


def _count_connections(monkeypatch) -> list:
    calls = []
    client = cache._cache
    real = client.get_client

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "get_client", counting)
    return calls


def test_with_redis_down_the_cache_is_this_processs_memory(dead_redis):
    """Every method answers as a real cache would: no made-up False that reads as "taken"."""
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert cache.has_key("k") is True
    assert cache.touch("k", 30) is True
    assert cache.add("k", "other") is False  # really there
    assert cache.add("lock", True, 10) is True  # allauth's rate-limit lock can be had
    assert cache.add("lock", True, 10) is False  # ...by one caller at a time
    assert cache.delete("lock") is True
    assert cache.add("lock", True, 10) is True
    assert cache.get_or_set("generation", 0, None) == 0
    assert cache.incr("generation") == 1
    assert cache.decr("generation") == 0
    with pytest.raises(ValueError):
        cache.incr("no-such-counter")  # Django's contract, as with Redis
    assert cache.set_many({"a": 1, "b": 2}) == []
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b"]) == {}
    assert cache.outage.broken()


def test_every_method_that_reaches_redis_falls_back_to_memory():
    """A method RedisCache adds later and this backend forgets would fail (or lie) again."""
    redis_methods = {
        name
        for name, value in vars(RedisCache).items()
        if callable(value) and not name.startswith("_")
    }
    wrapped = {
        name
        for name in redis_methods
        if getattr(resilient.ResilientRedisCache, name) is not getattr(RedisCache, name)
    }
    no_io = {"close", "get_backend_timeout"}
    assert redis_methods - no_io <= wrapped, redis_methods - no_io - wrapped


def test_an_outage_starts_from_an_empty_memory_and_keeps_it_until_redis_answers(
    dead_redis, monkeypatch
):
    cache.set("counted", 1)
    outage = cache.outage
    later = resilient.time.monotonic() + resilient.BREAK_SECONDS + 1
    monkeypatch.setattr(resilient.time, "monotonic", lambda: later)
    assert cache.get("counted") == 1  # Redis asked again, failed again: same outage, same memory

    outage.succeeded()  # Redis answered once; the next failure is a new outage
    monkeypatch.setattr(resilient.time, "monotonic", lambda: later + resilient.BREAK_SECONDS + 1)
    assert cache.get("counted") is None


def test_every_thread_of_the_process_shares_the_outage_and_its_memory(dead_redis):
    cache.set("seen-by-all", "yes")
    mine = caches["default"]
    found = {}

    def other_thread():
        theirs = caches["default"]  # Django gives each thread a backend of its own
        found["value"] = theirs.get("seen-by-all")
        found["same"] = theirs.outage is mine.outage
        found["instance"] = theirs is not mine

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert found == {"value": "yes", "same": True, "instance": True}


def test_after_a_failure_redis_is_left_alone_for_a_while(dead_redis, monkeypatch):
    calls = _count_connections(monkeypatch)
    cache.get("first")
    assert len(calls) == 1
    for _ in range(20):
        cache.get("again")
        cache.set("again", 1)
    assert len(calls) == 1  # the breaker is open: no connection attempts
    later = resilient.time.monotonic() + resilient.BREAK_SECONDS + 1
    monkeypatch.setattr(resilient.time, "monotonic", lambda: later)
    cache.get("after-the-break")
    assert len(calls) == 2  # it tries Redis again


@pytest.mark.django_db
def test_an_approval_and_the_store_page_work_with_redis_down(dead_redis, client):
    plugin = register(DeveloperFactory(), name_for_human="Down Safe")
    submission = submit(plugin)
    reviewer = make_reviewer()
    claim(submission, reviewer)
    approve(submission, reviewer)  # bumps the store's listing version in the cache
    plugin.refresh_from_db()
    assert plugin.status == "approved"
    response = client.get(reverse("store:list"))
    assert response.status_code == 200
    assert "Down Safe" in response.content.decode()
    client.force_login(PlusUserFactory())
    assert client.get(reverse("store:detail", args=[plugin.slug])).status_code == 200


@pytest.mark.django_db
def test_a_frozen_redis_fails_one_call_and_the_page_is_still_served(settings, client):
    with _frozen_server() as port:
        settings.CACHES = _redis_cache(f"redis://127.0.0.1:{port}/0", timeout=0.3)
        response = client.get(reverse("store:list"))
        assert response.status_code == 200
        assert cache.outage.broken()


@pytest.mark.redis
def test_with_redis_up_it_is_an_ordinary_cache(settings):
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CACHES = _redis_cache(url)
    cache.set("pluginstore-cache-test", {"n": 1}, 30)
    assert cache.get("pluginstore-cache-test") == {"n": 1}
    assert not cache.outage.broken()
    cache.delete("pluginstore-cache-test")


@pytest.mark.redis
def test_every_call_reuses_one_redis_client_per_pool(settings):
    """Django builds a redis.Redis per call (about 0.25 ms each); ours builds one."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CACHES = _redis_cache(url)
    client = cache._cache
    assert isinstance(client, resilient.ReusedClientRedisCacheClient)
    cache.set("pluginstore-client-test", 1, 30)
    first = client.get_client(write=True)
    assert cache.get("pluginstore-client-test") == 1
    assert cache.get_many(["pluginstore-client-test"]) == {"pluginstore-client-test": 1}
    assert client.get_client(write=True) is first
    assert client.get_client() is first  # one server: reads and writes share its pool
    cache.delete("pluginstore-client-test")
