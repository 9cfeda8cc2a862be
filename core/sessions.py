"""Sessions read from the cache, kept in the database (Django's `cached_db`), made safe for
core.cache's fallback.

`cached_db` writes every session to the database and to the cache, reads it from the cache
first and from the database on a miss (a flushed or evicted cache signs nobody out), and
deletes it from both on sign-out. That saves the session row's query on most requests.

Two changes for core.cache.ResilientRedisCache:

- While Redis is away, the session is read from and written to the database only, never to
  the per-process fallback memory: another process cannot delete a copy in this process's
  memory, so a session signed out there would live on here.
- A cached copy lives at most `SESSION_CACHE_SECONDS`, not the session's two weeks. A
  sign-out while Redis was away deletes the row but cannot reach Redis's copy; that copy then
  expires within this bound instead of keeping the session alive until its own expiry.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.cached_db import logger
from redis.exceptions import RedisError

# The longest a session's cached copy may outlive its row (see above); each active session
# is read from the database at most once per this many seconds.
SESSION_CACHE_SECONDS = 300


class SessionStore(CachedDBStore):
    def _cache_usable(self) -> bool:
        outage = getattr(self._cache, "outage", None)
        return outage is None or (outage.redis_answered and not outage.broken())

    def load(self):
        if self._cache_usable():
            try:
                data = self._cache.get(self.cache_key)
            except RedisError:  # a plain Redis cache, away: the database answers
                data = None
            if data is not None and self._cache_usable():
                return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        self._cache_set(data, self.get_expiry_age(expiry=s.expire_date))
        return data

    def save(self, must_create=False):
        # The database row, then the copy (Django's order), with the bounded timeout.
        super(CachedDBStore, self).save(must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def _cache_set(self, data, expiry_age: int) -> None:
        if not self._cache_usable():
            return
        try:
            self._cache.set(self.cache_key, data, min(expiry_age, SESSION_CACHE_SECONDS))
        except RedisError:  # the row is saved; the copy is only a copy
            logger.exception("Error saving to cache (%s)", self._cache)
