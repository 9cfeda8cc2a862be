"""Django's Redis cache, made to degrade instead of failing the request when Redis does.

The cache only ever holds copies (store counts and pages, the listing version, allauth's rate
limit counters), so when Redis is down or frozen a request is better served without it than
with a 500: reads miss, writes are dropped, and the page comes from the database. This is the
same promise the outbox makes for the broker: an approval must not fail because Redis did.

After one failure the backend stops asking Redis for `BREAK_SECONDS` (per process), so a
frozen Redis costs one socket timeout every few seconds rather than one per cache call.
While it is broken, allauth's login rate limits are not enforced (they live in the cache);
that is the trade for sign-in working at all during the outage.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BREAK_SECONDS = 5.0


def _degrades(default_from):
    """Wrap a cache method: on a Redis error (or while broken) return `default_from(...)`."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._broken_until:
                return default_from(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._broken_until = time.monotonic() + BREAK_SECONDS
                logger.warning(
                    "cache: Redis failed (%s: %s); serving without the cache for %.0f s",
                    type(error).__name__,
                    error,
                    BREAK_SECONDS,
                )
                return default_from(*args, **kwargs)

        return wrapper

    return decorate


def _none(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _get_default(key, default=None, version=None):
    return default


def _empty(*args, **kwargs):
    return {}


def _incr_default(key, delta=1, version=None):
    return delta


def _set_many_default(data, *args, **kwargs):
    return list(data)  # every key "failed", as Django's contract says


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._broken_until = 0.0

    add = _degrades(_false)(RedisCache.add)
    get = _degrades(_get_default)(RedisCache.get)
    set = _degrades(_none)(RedisCache.set)
    touch = _degrades(_false)(RedisCache.touch)
    delete = _degrades(_false)(RedisCache.delete)
    get_many = _degrades(_empty)(RedisCache.get_many)
    has_key = _degrades(_false)(RedisCache.has_key)
    incr = _degrades(_incr_default)(RedisCache.incr)
    set_many = _degrades(_set_many_default)(RedisCache.set_many)
    delete_many = _degrades(_none)(RedisCache.delete_many)
    clear = _degrades(_false)(RedisCache.clear)
