"""Reads for the store and the developer pages; each page's query count does not grow with data."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from pluginstore.models import (
    Category,
    FetchJob,
    Installation,
    Plugin,
    PluginStatus,
    PluginVersion,
    TesterInvitation,
)

SEARCH_CANDIDATES = 1000  # rank at most this many matches: broad terms stay fast
SORTS = {
    "newest": ("-approved_at", "-id"),
    "popular": ("-install_count", "-id"),
    "name": ("name", "id"),
}
DEFAULT_SORT = "newest"
LISTING_FIELDS = (
    "id",
    "slug",
    "domain",
    "name",
    "description",
    "logo_url",
    "category",
    "status",
    "install_count",
    "approved_at",
    "owner__id",
    "owner__email",
    "owner__display_name",
)
# A version's big text columns are only read on the pages that show them.
VERSION_SUMMARY_FIELDS = ("id", "plugin_id", "number", "error_count", "warning_count", "fetched_at")


@dataclass(frozen=True)
class StoreQuery:
    q: str = ""
    category: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params) -> "StoreQuery":
        q = (params.get("q") or "").strip()[:100]
        category = params.get("category") or ""
        sort = params.get("sort") or ""
        return cls(
            q=q,
            category=category if category in Category.values else "",
            sort=sort if sort in SORTS else ("relevance" if q else DEFAULT_SORT),
        )


def store_plugins(query: StoreQuery) -> QuerySet[Plugin]:
    """Approved plugins for the store page, filtered, sorted and, off PostgreSQL, searched by
    substring. A search on PostgreSQL is ranked full-text search: store_search_page."""
    qs = Plugin.objects.filter(status=PluginStatus.APPROVED, live_version__isnull=False)
    if query.category:
        qs = qs.filter(category=query.category)
    qs = qs.select_related("owner").only(*LISTING_FIELDS)
    if not query.q:
        return qs.order_by(*SORTS.get(query.sort, SORTS[DEFAULT_SORT]))
    return _search_fallback(qs, query)


# One pass for a search page on PostgreSQL: rank the bounded candidates where they are read
# and count them in the same query, so neither the count nor the ranking goes back to the
# table for the 1,000 candidates; then fetch the page's rows. A page past the last one is
# the last one (as Paginator.get_page does), chosen in the same query from the count.
_SEARCH_ORDER_SQL = {
    "relevance": "rank DESC, install_count DESC, id ASC",
    "newest": "approved_at DESC, id DESC",
    "popular": "install_count DESC, id DESC",
    "name": "name ASC, id ASC",
}
_SEARCH_PAGE_SQL = """
    WITH candidates AS MATERIALIZED (
        SELECT p.id, ts_rank(p.search_vector, q.query) AS rank, p.install_count,
               p.approved_at, p.name
          FROM pluginstore_plugin p, websearch_to_tsquery('english'::regconfig, %(q)s) q(query)
         WHERE p.status = %(status)s AND p.live_version_id IS NOT NULL
           AND (%(category)s = '' OR p.category = %(category)s)
           AND p.search_vector @@ q.query
         LIMIT %(candidates)s
    )
    SELECT t.total, t.start, c.id
      FROM (
          SELECT count(*) AS total,
                 LEAST(%(offset)s, GREATEST(count(*) - 1, 0) / %(limit)s * %(limit)s) AS start
            FROM candidates
      ) t
      LEFT JOIN LATERAL (
          SELECT id, row_number() OVER (ORDER BY {order}) AS n
            FROM candidates ORDER BY {order} LIMIT %(limit)s OFFSET t.start
      ) c ON true
     ORDER BY c.n
"""


def store_search_page(query: StoreQuery, page: int, per_page: int) -> tuple[list[Plugin], int, int]:
    """One page of a PostgreSQL search in the order the query asks: its rows, how many
    plugins matched (at most SEARCH_CANDIDATES) and the page's number. A page below 1 or past
    the last is the last page. Two queries whatever the page."""
    order = _SEARCH_ORDER_SQL.get(query.sort, _SEARCH_ORDER_SQL["relevance"])
    params = {
        "q": query.q,
        "status": PluginStatus.APPROVED,
        "category": query.category,
        "candidates": SEARCH_CANDIDATES,
        "limit": per_page,
        "offset": (page - 1) * per_page if page >= 1 else SEARCH_CANDIDATES,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_PAGE_SQL.format(order=order), params)
        found = cursor.fetchall()
    total, start = found[0][0], found[0][1]
    ids = [pk for _, _, pk in found if pk is not None]
    rows = Plugin.objects.select_related("owner").only(*LISTING_FIELDS).in_bulk(ids) if ids else {}
    return [rows[pk] for pk in ids if pk in rows], total, start // per_page + 1


def _search_fallback(qs: QuerySet[Plugin], query: StoreQuery) -> QuerySet[Plugin]:
    condition = Q()
    for word in query.q.split()[:5]:
        condition &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(domain__icontains=word)
            | Q(owner__display_name__icontains=word)
        )
    order = SORTS.get(query.sort) or ("-install_count", "id")
    return qs.filter(condition).order_by(*order)


STORE_COUNT_SECONDS = 60
_STORE_GENERATION_KEY = "store:generation"


def store_count(query: StoreQuery, queryset: QuerySet[Plugin]) -> int:
    """How many plugins a store listing has, cached: COUNT(*) over the whole table is most of
    the page's time at 100,000 plugins. Searches are counted directly (and on PostgreSQL by
    store_search_page, in the query that ranks them).
    """
    if query.q:
        return queryset.count()
    key = f"store:count:{store_generation()}:{query.category or 'all'}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, STORE_COUNT_SECONDS)
    return count


def store_generation() -> int:
    """The store listing's version: every cached count and page is keyed by it."""
    return cache.get_or_set(_STORE_GENERATION_KEY, 0, None)


def _bump_store_generation() -> None:
    try:
        cache.incr(_STORE_GENERATION_KEY)
    except ValueError:
        cache.set(_STORE_GENERATION_KEY, 1, None)


def store_listing_changed() -> None:
    """Called by the services when the set of listed plugins may have changed.

    Bumped now, and again once the transaction commits: a page rendered in between (from the
    data before the commit) would otherwise stay cached under the new version.
    """
    _bump_store_generation()
    transaction.on_commit(_bump_store_generation)


STORE_PAGE_SECONDS = 60
STORE_PAGE_CACHED_PAGES = 10


def store_page_cache_key(params) -> str | None:
    """The cache key of an anonymous visitor's store page (everything below the header), or
    None when it is not to be cached. Only plain listings are: no search text, a known
    category and sort, one of the first pages, nothing else in the query string, so the cache
    holds at most categories x sorts x STORE_PAGE_CACHED_PAGES entries.
    """
    if set(params) - {"q", "category", "sort", "page"}:
        return None
    if any(len(params.getlist(name)) > 1 for name in params):
        return None
    if params.get("q", "").strip():
        return None
    if params.get("category", "") not in ("", *Category.values):
        return None
    if params.get("sort", "") not in ("", *SORTS):
        return None
    page = params.get("page", "")
    if page and page not in {str(n) for n in range(1, STORE_PAGE_CACHED_PAGES + 1)}:
        return None
    return f"store:page:{params.urlencode()}"


def store_page_cached(key: str) -> tuple[int, str | None]:
    """The listing version now and the page cached under `key` if it was rendered at that
    version, in one cache round trip. Render a miss at the version returned, and store it with
    store_page_cache_set: a bump meanwhile makes it a miss next time."""
    found = cache.get_many([_STORE_GENERATION_KEY, key])
    generation = found.get(_STORE_GENERATION_KEY)
    if generation is None:
        return store_generation(), None
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def store_page_cache_set(key: str, generation: int, html: str) -> None:
    cache.set(key, (generation, str(html)), STORE_PAGE_SECONDS)


def store_plugin_detail(slug: str) -> Plugin | None:
    """One plugin with its owner and live version, for the detail page."""
    return (
        Plugin.objects.select_related("owner", "live_version", "latest_version")
        .defer(
            "search_vector",
            "latest_version__spec_text",
            "latest_version__spec",
            "live_version__spec_text",
            "live_version__spec",
        )
        .filter(slug=slug)
        .first()
    )


def tester_ids(plugin: Plugin) -> frozenset[int]:
    return frozenset(plugin.testers.values_list("developer_id", flat=True))


def installed_plugin_ids(user: User, plugin_ids) -> set[int]:
    """Which of these plugins the user has installed (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        Installation.objects.filter(user=user, plugin_id__in=list(plugin_ids)).values_list(
            "plugin_id", flat=True
        )
    )


def testing_plugin_ids(user: User, plugin_ids) -> set[int]:
    """Which of these plugins the user was invited to test (one query)."""
    return set(
        TesterInvitation.objects.filter(developer=user, plugin_id__in=list(plugin_ids)).values_list(
            "plugin_id", flat=True
        )
    )


def user_installations(user: User) -> QuerySet[Installation]:
    """The user's installs, banned ones included (shown as removed)."""
    return (
        Installation.objects.filter(user=user)
        .select_related("plugin", "plugin__owner")
        .only(
            *("plugin__" + f for f in LISTING_FIELDS if not f.startswith("owner")),
            "plugin__owner__email",
            "plugin__owner__display_name",
            "user_id",
            "created_at",
        )
        .order_by("-created_at", "-id")
    )


def developer_plugins(user: User) -> QuerySet[Plugin]:
    """Plugins the developer owns, newest first, with the latest version's check summary."""
    return (
        Plugin.objects.filter(owner=user)
        .select_related("latest_version", "live_version")
        .only(
            *(f for f in LISTING_FIELDS if not f.startswith("owner")),
            "owner_id",
            "created_at",
            *("latest_version__" + f for f in VERSION_SUMMARY_FIELDS),
            *("live_version__" + f for f in VERSION_SUMMARY_FIELDS),
        )
        .order_by("-created_at", "-id")
    )


def plugins_testing(user: User) -> QuerySet[Plugin]:
    """Unverified plugins the developer was invited to test."""
    return (
        Plugin.objects.filter(
            Exists(TesterInvitation.objects.filter(plugin=OuterRef("pk"), developer=user)),
            status=PluginStatus.UNVERIFIED,
        )
        .select_related("owner")
        .only(*LISTING_FIELDS)
        .order_by("name", "id")
    )


def recent_jobs(user: User, limit: int = 5) -> QuerySet[FetchJob]:
    return FetchJob.objects.filter(requested_by=user).only(
        "id", "kind", "target", "state", "created_at", "finished_at", "plugin_id", "unchanged"
    )[:limit]


def plugin_versions(plugin: Plugin) -> QuerySet[PluginVersion]:
    return plugin.versions.only(*VERSION_SUMMARY_FIELDS, "content_hash").order_by("-number")


def plugin_testers(plugin: Plugin) -> QuerySet[TesterInvitation]:
    return plugin.testers.select_related("developer").only(
        "id",
        "created_at",
        "plugin_id",
        "developer__id",
        "developer__email",
        "developer__display_name",
    )
