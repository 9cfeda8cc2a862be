"""The Redis cache degrades instead of failing requests (core/cache.py)."""

import os

import pytest
from django.core.cache import cache
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


def test_with_redis_down_reads_miss_and_writes_are_dropped(dead_redis):
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("k", "v")  # no error
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("generation", 0, None) == 0
    assert cache.incr("generation") == 1
    assert cache.add("k", "v") is False


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
        assert resilient.time.monotonic() < cache._broken_until


@pytest.mark.redis
def test_with_redis_up_it_is_an_ordinary_cache(settings):
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.CACHES = _redis_cache(url)
    cache.set("pluginstore-cache-test", {"n": 1}, 30)
    assert cache.get("pluginstore-cache-test") == {"n": 1}
    assert cache._broken_until == 0.0
    cache.delete("pluginstore-cache-test")
