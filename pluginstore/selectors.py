"""Reads for the store and the developer pages; each page's query count does not grow with data."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.functional import cached_property

from accounts.models import User
from core import fragments, versions
from pluginstore.models import (
    Category,
    FetchJob,
    Plugin,
    PluginStatus,
    PluginVersion,
    TesterInvitation,
)
from pluginstore.team_selectors import worked_on_by

SEARCH_CANDIDATES = 1000  # rank at most this many matches: broad terms stay fast
STORE_PAGE_SIZE = 24
# The one definition of the store's orders: the ORM listing uses them as they are and the
# PostgreSQL search spelled as SQL (_SEARCH_ORDER_SQL), so the two cannot drift apart.
SORTS = {
    "newest": ("-approved_at", "-id"),
    "popular": ("-install_count", "-id"),
    "name": ("name", "id"),
    # Top rated: the damped average (Plugin.rating_score), then the number of ratings.
    "rating": ("-rating_score", "-rating_count", "-id"),
}
DEFAULT_SORT = "newest"
# A search's default order. Substring search (off PostgreSQL) has no rank to lead with.
RELEVANCE_TIEBREAK = ("-install_count", "id")
# Best match: the name itself first (2 when it is the query, 1 when it starts with it, issue 13
# item 4: "book" lists Book Finder first), then the full-text rank.
RELEVANCE = ("-name_match", "-rank", *RELEVANCE_TIEBREAK)
# A plugin's detail page data (its row, versions, team, testers, reviews): bumped by
# pluginstore.receivers and ratings.receivers on every change (plugin_changed).
PLUGIN_SCOPE = "plugin"

# Answers a search page's ids: (query, page, per page) -> (ids in order, matches, page number).
SearchIds = Callable[["StoreQuery", int, int], tuple[list[int], int, int]]

LISTING_FIELDS = (
    "id",
    "slug",
    "domain",
    "name",
    "description",
    "logo_url",
    "category",
    "status",
    # Unlisted (PRODUCT.md section 13): the rules of who may see and install it read it.
    "listed",
    # Unavailable (PRODUCT.md section 10, the watch): the store's card marks it.
    "unavailable_since",
    "install_count",
    "approved_at",
    "rating_count",
    "rating_sum",
    "owner__id",
    "owner__email",
    "owner__display_name",
)
# A version's big text columns are only read on the pages that show them.
VERSION_SUMMARY_FIELDS = ("id", "plugin_id", "number", "error_count", "warning_count", "fetched_at")
# A version's documents: up to 2 MiB of text and its parse, read only where they are shown.
VERSION_DOCUMENT_FIELDS = ("manifest_text", "spec_text", "manifest", "spec")


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
    """Approved plugins for the store, filtered, sorted and searched by substring."""
    # A search on PostgreSQL does not come here: it is ranked full text (store_search_ids).
    # An unlisted plugin (PRODUCT.md section 13) is in neither the listing nor its search.
    qs = Plugin.objects.filter(
        status=PluginStatus.APPROVED, live_version__isnull=False, listed=True
    )
    if query.category:
        qs = qs.filter(category=query.category)
    qs = qs.select_related("owner").only(*LISTING_FIELDS)
    if not query.q:
        return qs.order_by(*SORTS.get(query.sort, SORTS[DEFAULT_SORT]))
    return _search_fallback(qs, query)


def store_listing_count(query: StoreQuery) -> int:
    """How many plugins the store lists for this query (one COUNT)."""
    return store_plugins(query).count()


class CountedPaginator(Paginator):
    """A paginator told its total instead of counting the queryset itself."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def store_page(
    query: StoreQuery,
    number: object,
    *,
    count: int | None = None,
    search_ids: SearchIds | None = None,
) -> Page:
    """The store page the visitor asked for, as Paginator.get_page would give it."""
    # `count` is the listing's size when the caller already knows it (store_cache keeps a
    # plain listing's); a search is counted with its results. `search_ids` answers a
    # search's ids (store_search_ids, or store_cache's copy of it).
    if query.q and connection.vendor == "postgresql":
        return _search_page(query, number, search_ids or store_search_ids)
    plugins = store_plugins(query)
    paginator = CountedPaginator(
        plugins, STORE_PAGE_SIZE, count=plugins.count() if count is None else count
    )
    return paginator.get_page(number)


def _search_page(query: StoreQuery, number: object, search_ids: SearchIds) -> Page:
    # As with get_page, a page that is not a number is the first, one out of range the last.
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    ids, count, number = search_ids(query, number, STORE_PAGE_SIZE)
    rows = listing_rows(ids)
    return Page(rows, number, CountedPaginator(rows, STORE_PAGE_SIZE, count=count))


def listing_rows(ids: list[int]) -> list[Plugin]:
    """These plugins' listing fields, in this order (one query)."""
    rows = Plugin.objects.select_related("owner").only(*LISTING_FIELDS).in_bulk(ids) if ids else {}
    return [rows[pk] for pk in ids if pk in rows]


def _order_by_sql(fields: tuple[str, ...]) -> str:
    """order_by() fields as SQL: ("-approved_at", "id") -> "approved_at DESC, id ASC"."""
    return ", ".join(f"{f[1:]} DESC" if f.startswith("-") else f"{f} ASC" for f in fields)


# SORTS spelled for the search's SQL. They are formatted into the query, which is safe because
# they are these constants: the visitor's sort only picks a key. The candidates carry every
# column an order names.
_SEARCH_SORTS = {**SORTS, "relevance": RELEVANCE}
_SEARCH_ORDER_SQL = {name: _order_by_sql(fields) for name, fields in _SEARCH_SORTS.items()}
_SORT_COLUMNS = sorted({f.lstrip("-") for fields in _SEARCH_SORTS.values() for f in fields})
_COMPUTED_COLUMNS = ("id", "rank", "name_match")
_CANDIDATE_COLUMNS = ", ".join(f"p.{c}" for c in _SORT_COLUMNS if c not in _COMPUTED_COLUMNS)

# One pass for a search page on PostgreSQL: rank the bounded candidates where they are read
# and count them in the same query, so neither the count nor the ranking goes back to the
# table for the 1,000 candidates; then fetch the page's rows. A page past the last one is
# the last one (as Paginator.get_page does), chosen in the same query from the count.
_SEARCH_PAGE_SQL = """
    WITH candidates AS MATERIALIZED (
        SELECT p.id, ts_rank(p.search_vector, q.query) AS rank,
               CASE WHEN lower(p.name) = lower(%(q)s) THEN 2
                    WHEN starts_with(lower(p.name), lower(%(q)s)) THEN 1 ELSE 0 END AS name_match,
               {columns}
          FROM pluginstore_plugin p, websearch_to_tsquery('english'::regconfig, %(q)s) q(query)
         WHERE p.status = %(status)s AND p.live_version_id IS NOT NULL AND p.listed
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


def store_search_ids(query: StoreQuery, page: int, per_page: int) -> tuple[list[int], int, int]:
    """A PostgreSQL search's page: its plugins' ids in order, the matches (at most
    SEARCH_CANDIDATES), and the page's number. One query whatever the page."""
    # A page below 1 or past the last is the last page.
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
        cursor.execute(_SEARCH_PAGE_SQL.format(columns=_CANDIDATE_COLUMNS, order=order), params)
        found = cursor.fetchall()
    total, start = found[0][0], found[0][1]
    ids = [pk for _, _, pk in found if pk is not None]
    return ids, total, start // per_page + 1


def _search_fallback(qs: QuerySet[Plugin], query: StoreQuery) -> QuerySet[Plugin]:
    condition = Q()
    for word in query.q.split()[:5]:
        condition &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(domain__icontains=word)
            | Q(owner__display_name__icontains=word)
        )
    name_match = Case(
        When(name__iexact=query.q, then=Value(2)),
        When(name__istartswith=query.q, then=Value(1)),
        default=Value(0),
    )
    return (
        qs.filter(condition)
        .annotate(name_match=name_match)
        .order_by(*SORTS.get(query.sort, ("-name_match", *RELEVANCE_TIEBREAK)))
    )


def store_plugin_detail(slug: str) -> Plugin | None:
    """One plugin with its owner and live version, for the detail page."""
    return _plugin_detail().filter(slug=slug).first()


def _plugin_detail() -> QuerySet[Plugin]:
    return Plugin.objects.select_related("owner", "live_version", "latest_version").defer(
        "search_vector",
        "latest_version__spec_text",
        "latest_version__spec",
        "live_version__spec_text",
        "live_version__spec",
    )


# Which plugin a slug names, as this process last found it (checked against the copy).
_slug_ids = fragments.Memory(5000)


def store_plugin_page(slug: str) -> tuple[Plugin, frozenset[int]] | None:
    """The detail page's plugin (owner, versions and co-developers loaded) and its testers,
    from a copy kept until the plugin changes (PLUGIN_SCOPE, core/versions.py); None if no
    plugin has this slug."""
    plugin_id = plugin_id_for_slug(slug)
    if plugin_id is None:
        return None
    found = versions.copy(PLUGIN_SCOPE, plugin_id, "page", lambda: _plugin_page(pk=plugin_id))
    if found is not None and found[0].slug == slug:
        return found
    # Deleted, or its slug now names another plugin: ask the database by slug.
    _slug_ids.set(slug, None)
    found = _plugin_page(slug=slug)
    if found is not None:
        _slug_ids.set(slug, found[0].pk)
    return found


def plugin_id_for_slug(slug: str) -> int | None:
    """The id of the plugin this slug names, as this process last found it (one query the
    first time; store_plugin_page checks it against the plugin's copy)."""
    plugin_id = _slug_ids.get(slug)
    if plugin_id is None:
        plugin_id = Plugin.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if plugin_id is not None:
            _slug_ids.set(slug, plugin_id)
    return plugin_id


def _plugin_page(**lookup) -> tuple[Plugin, frozenset[int]] | None:
    plugin = _plugin_detail().filter(**lookup).prefetch_related("members").first()
    if plugin is None:
        return None
    unverified = plugin.status == PluginStatus.UNVERIFIED
    return plugin, tester_ids(plugin) if unverified else frozenset()


def tester_ids(plugin: Plugin) -> frozenset[int]:
    return frozenset(plugin.testers.values_list("developer_id", flat=True))


def developer_plugins(user: User) -> QuerySet[Plugin]:
    """Plugins the developer owns or co-develops, newest first, with the latest version's check
    summary."""
    return (
        Plugin.objects.filter(worked_on_by(user))
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
    """The user's last fetch jobs with their version's number and error count (one query)."""
    fields = ("id", "kind", "target", "state", "created_at", "finished_at", "plugin_id")
    jobs = FetchJob.objects.filter(requested_by=user).select_related("version")
    return jobs.only(*fields, "unchanged", "version__number", "version__error_count")[:limit]


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


def plugins_with_current_versions() -> QuerySet[Plugin]:
    """Plugins with their owner and their latest and live versions, in one query; the versions
    without their documents (the developer's pages show counts and findings)."""
    deferred = [
        f"{relation}__{field}"
        for relation in ("latest_version", "live_version")
        for field in VERSION_DOCUMENT_FIELDS
    ]
    return Plugin.objects.select_related("owner", "latest_version", "live_version").defer(*deferred)
