"""Copies of per-owner data (a user's unread count, their installs, a plugin's page) that are
right on the next request: each copy is kept with the version of its owner it was made at.

A version is a random token in the shared cache under `v:<scope>:<id>`. A read fetches the
version and the copy in one round trip and uses the copy only if it was made at that version;
otherwise it computes afresh and keeps the result under the version it read *before* asking
the database. A writer calls bump() when it changes what a copy holds: the version is
replaced at once and again when the transaction commits, so a reader that computed from the
data before the commit stored its copy under a version that is no longer current.

Tokens are random, never counters: if a version is evicted, the next reader draws a new one
and no old copy can match it by accident.

Copies are only used where every process sees the same cache (`copies_enabled`): with
Redis (settings.PLUGINSTORE_SHARED_CACHE) while it answers. While Redis is away a bump in
one process cannot reach another's memory, so nothing is read from a copy then; without
Redis (`make run` on SQLite: the web server and the worker each have their own memory) the
copies are off altogether.
"""

import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# A copy lives at most this long, unread or not; a version a day, then a new one is drawn.
COPY_SECONDS = 300
VERSION_SECONDS = 24 * 3600


def version_key(scope: str, owner_id: object) -> str:
    return f"v:{scope}:{owner_id}"


def copies_enabled() -> bool:
    """Whether copies may be read and kept now (see the module docstring)."""
    if not getattr(settings, "PLUGINSTORE_SHARED_CACHE", False):
        return False
    outage = getattr(cache, "outage", None)
    return outage is None or (outage.redis_answered and not outage.broken())


def _set_new(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, VERSION_SECONDS)


def bump(scope: str, owner_ids: Iterable[object]) -> None:
    """Every copy of these owners' data in `scope` is stale: now, and once the transaction
    commits (outside a transaction, the second one follows at once)."""
    keys = [version_key(scope, owner_id) for owner_id in owner_ids]
    if not keys:
        return
    _forget_prefetched(keys)
    _set_new(keys)
    transaction.on_commit(lambda: _set_new(keys))


# Prefetching: a page that will read several copies reads them all in one round trip --------

# This request's prefetched versions and copies, by key (None: read, and not there).
_prefetched: ContextVar[dict[str, Any] | None] = ContextVar("versions_prefetched", default=None)
# Named groups of copies a page reads, each part declared by the app that owns the copy.
_groups: dict[str, list[Callable[..., Iterable[tuple[str, object, str]]]]] = defaultdict(list)


def add_to_group(group: str, specs: Callable[..., Iterable[tuple[str, object, str]]]) -> None:
    """Declare copies read together: `specs(**params)` names (scope, owner, name) of each."""
    _groups[group].append(specs)


@contextmanager
def request_copies() -> Iterator[None]:
    """One request's prefetching: what prefetch() reads is answered from for its duration."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def prefetch(group: str, **params) -> None:
    """Read every copy of `group` (and its version) in one round trip; the copy() calls for
    them in this request are answered from it. Nothing outside a request (request_copies)."""
    prefetch_groups([(group, params)])


def prefetch_groups(groups: list[tuple[str, dict]]) -> None:
    """prefetch() for several groups, in one round trip."""
    table = _prefetched.get()
    if table is None or not copies_enabled():
        return
    keys = []
    for group, params in groups:
        for specs in _groups[group]:
            for scope, owner_id, name in specs(**params):
                vkey = version_key(scope, owner_id)
                keys += [vkey, f"{vkey}:{name}"]
    keys = [key for key in dict.fromkeys(keys) if key not in table]
    if keys:
        found = cache.get_many(keys)
        table.update({key: found.get(key) for key in keys})


def _forget_prefetched(version_keys: list[str]) -> None:
    table = _prefetched.get()
    if table:
        # A version's key and its copies' keys ("<version key>:<name>", names may hold ":").
        prefixes = tuple(f"{key}:" for key in version_keys)
        stale = set(version_keys)
        for key in [k for k in table if k in stale or k.startswith(prefixes)]:
            del table[key]


def copy(scope: str, owner_id: object, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, or its copy made at the owner's current version (one cache round trip)."""
    if not copies_enabled():
        return compute()
    vkey = version_key(scope, owner_id)
    ckey = f"{vkey}:{name}"
    table = _prefetched.get()
    if table is not None and vkey in table and ckey in table:
        found = {vkey: table[vkey], ckey: table[ckey]}
    else:
        found = cache.get_many([vkey, ckey])
    version = found.get(vkey)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(vkey, version, VERSION_SECONDS):
            version = None  # someone drew one meanwhile: compute, keep nothing
    else:
        entry = found.get(ckey)
        if entry is not None and entry[0] == version:
            return entry[1]
    value = compute()
    if version is not None and copies_enabled():
        cache.set(ckey, (version, value), COPY_SECONDS)
        if table is not None:
            table.update({vkey: version, ckey: (version, value)})
    return value
