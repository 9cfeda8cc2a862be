"""Sessions are read from the cache and kept in the database (core/sessions.py): a flushed
cache signs nobody out, sign-out ends the session in both, and Redis's absence never puts a
session in a process's fallback memory."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import sessions
from tests.core.test_cache import dead_redis  # noqa: F401 - the fixture
from tests.factories import PlusUserFactory

CACHE_KEY = "django.contrib.sessions.cached_db"


def _signed_in(response) -> bool:
    assert response.status_code == 200
    return response.wsgi_request.user.is_authenticated


def _sign_in(client):
    user = PlusUserFactory(password="a long enough password")
    assert client.login(email=user.email, password="a long enough password") or client.login(
        username=user.username, password="a long enough password"
    )
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_engine_is_the_cached_database_one():
    assert settings.SESSION_ENGINE == "core.sessions"


@pytest.mark.django_db
def test_a_session_is_read_from_the_cache_without_its_row(client):
    key = _sign_in(client)
    assert cache.get(CACHE_KEY + key) is not None
    client.get(reverse("store:list"))
    with CaptureQueriesContext(connection) as counted:
        assert _signed_in(client.get(reverse("store:list")))
    # Signed in, and the session's row was not read (nor anything else: the user and their
    # state are copies too, core/versions.py).
    assert not [q for q in counted.captured_queries if "django_session" in q["sql"]]


@pytest.mark.django_db
def test_a_session_survives_a_cache_flush(client):
    key = _sign_in(client)
    cache.clear()
    assert _signed_in(client.get(reverse("store:list")))  # from the database row
    assert cache.get(CACHE_KEY + key) is not None  # and cached again


@pytest.mark.django_db
def test_sign_out_ends_the_session_in_the_cache_and_the_database(client):
    key = _sign_in(client)
    assert _signed_in(client.get(reverse("store:list")))
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(CACHE_KEY + key) is None
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, replayed
    assert not _signed_in(client.get(reverse("store:list")))


@pytest.mark.django_db
def test_the_cached_copy_is_bounded(client, monkeypatch):
    timeouts = []
    real_set = cache.set

    def recording(key, value, timeout=None, **kwargs):
        if key.startswith(CACHE_KEY):
            timeouts.append(timeout)
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", recording)
    _sign_in(client)
    assert timeouts
    assert max(timeouts) <= sessions.SESSION_CACHE_SECONDS


@pytest.mark.django_db
def test_without_redis_sessions_use_the_database_only(client, dead_redis):  # noqa: F811
    key = _sign_in(client)
    assert _signed_in(client.get(reverse("store:list")))
    outage = dead_redis.outage
    assert not outage.redis_answered
    assert outage.memory.get(CACHE_KEY + key) is None  # never in this process's memory
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not _signed_in(client.get(reverse("store:list")))
