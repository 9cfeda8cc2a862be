"""Reads for the store and the developer pages; each page's query count does not grow with data."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
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
    """Approved plugins for the store page, filtered, searched and sorted."""
    qs = Plugin.objects.filter(status=PluginStatus.APPROVED, live_version__isnull=False)
    if query.category:
        qs = qs.filter(category=query.category)
    qs = qs.select_related("owner").only(*LISTING_FIELDS)
    if not query.q:
        return qs.order_by(*SORTS.get(query.sort, SORTS[DEFAULT_SORT]))
    if connection.vendor == "postgresql":
        return _search_postgres(qs, query)
    return _search_fallback(qs, query)


def _search_postgres(qs: QuerySet[Plugin], query: StoreQuery) -> QuerySet[Plugin]:
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    search = SearchQuery(query.q, search_type="websearch", config="english")
    # The GIN index finds the matches; only a bounded set of them is ranked.
    # No ORDER BY in the subquery: with Meta.ordering PostgreSQL would walk the name index
    # instead of the GIN index, and rank only the alphabetically first matches.
    candidates = qs.filter(search_vector=search).order_by().values("pk")[:SEARCH_CANDIDATES]
    ranked = qs.filter(pk__in=candidates)
    if query.sort in SORTS:
        return ranked.order_by(*SORTS[query.sort])
    return ranked.annotate(rank=SearchRank(F("search_vector"), search)).order_by(
        "-rank", "-install_count", "id"
    )


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
    the page's time at 100,000 plugins. Searches count their bounded candidates directly.
    """
    if query.q:
        return queryset.count()
    generation = cache.get_or_set(_STORE_GENERATION_KEY, 0, None)
    key = f"store:count:{generation}:{query.category or 'all'}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, STORE_COUNT_SECONDS)
    return count


def store_listing_changed() -> None:
    """Called by the services when the set of listed plugins may have changed."""
    try:
        cache.incr(_STORE_GENERATION_KEY)
    except ValueError:
        cache.set(_STORE_GENERATION_KEY, 1, None)


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
