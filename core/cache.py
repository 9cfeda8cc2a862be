"""Django's Redis cache, made to fall back to this process's memory instead of failing the
request when Redis fails.

The cache holds copies (store counts and pages, the listing version) and allauth's small
shared state: rate-limit counters, the locks around them, and used TOTP codes. A request is
better served without Redis than with a 500, and sign-in must work while it is away.

Returning a made-up answer is not enough. `add` answering False says "someone holds this
key already", which allauth reads as "limited" (its rate-limit lock) or "this code was
used" (TOTP replay): with that fallback, Redis down meant nobody could sign in. So while
Redis is away, every cache method (`add`, `get`, `set`, `incr`, `touch`, `has_key`, ...)
is answered truthfully by a per-process in-memory cache instead:

- limits hold per process: the sixth failed sign-in for one account within five minutes is
  still refused by the process that counted the first five (a client spreading its attempts
  over N processes gets up to N times the limit until Redis is back);
- a used TOTP code is refused again by the process that accepted it;
- store pages and counts are cached per process (the process that approves or bans bumps
  its own listing version at once; the others serve their copy for at most its 60 s).

After one failure the backend stops asking Redis for `BREAK_SECONDS`, so a frozen Redis
costs one socket timeout every few seconds rather than one per cache call. The memory is
emptied when an outage begins, so nothing from an earlier outage is served, and is no longer
read once Redis answers again (its counters then count afresh). The outage state and the
memory are shared by every thread of the process.
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

BREAK_SECONDS = 5.0
# Enough for the store's pages and counts plus the rate-limit counters of a busy outage.
FALLBACK_MAX_ENTRIES = 10_000


class Outage:
    """One process's view of one Redis: when to ask it again, and the memory used meanwhile."""

    def __init__(self, name: str, params: dict):
        self.memory = LocMemCache(
            f"core.cache.fallback:{name}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )
        self.broken_until = 0.0
        self.redis_answered = True  # since the last failure
        self._lock = threading.Lock()

    def broken(self) -> bool:
        return time.monotonic() < self.broken_until

    def succeeded(self) -> None:
        self.redis_answered = True

    def failed(self, error: Exception) -> None:
        with self._lock:
            if self.redis_answered:
                # A new outage: start from an empty memory, never from the last outage's.
                self.memory.clear()
                self.redis_answered = False
            self.broken_until = time.monotonic() + BREAK_SECONDS
        logger.warning(
            "cache: Redis failed (%s: %s); using this process's memory for %.0f s",
            type(error).__name__,
            error,
            BREAK_SECONDS,
        )


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(name: str, params: dict) -> Outage:
    with _outages_lock:
        if name not in _outages:
            _outages[name] = Outage(name, params)
        return _outages[name]


def _falls_back(name: str):
    """RedisCache's method `name`; on a Redis error, or while broken, the memory's instead."""
    redis_method = getattr(RedisCache, name)

    @wraps(redis_method)
    def method(self, *args, **kwargs):
        outage = self.outage
        if outage.broken():
            return getattr(outage.memory, name)(*args, **kwargs)
        try:
            result = redis_method(self, *args, **kwargs)
        except RedisError as error:
            outage.failed(error)
            return getattr(outage.memory, name)(*args, **kwargs)
        outage.succeeded()
        return result

    return method


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, reusing one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache call, and building one fills a
    case-insensitive table of about 200 response callbacks: measured at about 0.25 ms a
    call, a millisecond of every signed-in page (four cache calls). A `redis.Redis` holds no
    connection of its own (it takes one from the pool per command), so one per pool serves
    every call; each thread has its own backend, and so its own client, anyway.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        # Django makes one backend per thread; the outage is one per process and Redis.
        self.outage = _outage_for(f"{server}|{params.get('KEY_PREFIX', '')}", params)

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")
