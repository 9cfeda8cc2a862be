"""The changes proposed in RESULTS.md, as bench-only views, so they can be measured over HTTP
beside the real pages in the same run. Not application code: the lead applies the real change.

- the store's total is cached for 60 s per query (the real change would key it by category and
  clear it on approve/ban/reinstate); search totals are already bounded by SEARCH_CANDIDATES;
- the search's candidate subquery has its ordering cleared (`.order_by()`): today it inherits
  Plugin.Meta.ordering and is ORDER BY name, id LIMIT 1000.
Everything else is pluginstore.views_store.store_list as it is.
"""

import hashlib

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from pluginstore import selectors
from pluginstore.models import Category, Plugin, PluginStatus
from pluginstore.views_store import PAGE_SIZE


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self):
        sql, params = self.object_list.query.sql_with_params()
        key = "bench-store-count:" + hashlib.sha256(f"{sql}{params}".encode()).hexdigest()
        return cache.get_or_set(key, lambda: Paginator.count.func(self), 60)


def proposed_store_plugins(query):
    if not query.q:
        return selectors.store_plugins(query)
    qs = Plugin.objects.filter(status=PluginStatus.APPROVED, live_version__isnull=False)
    if query.category:
        qs = qs.filter(category=query.category)
    qs = qs.select_related("owner").only(*selectors.LISTING_FIELDS)
    search = SearchQuery(query.q, search_type="websearch", config="english")
    candidates = (
        qs.filter(search_vector=search).order_by().values("pk")[: selectors.SEARCH_CANDIDATES]
    )
    ranked = qs.filter(pk__in=candidates)
    if query.sort in selectors.SORTS:
        return ranked.order_by(*selectors.SORTS[query.sort])
    return ranked.annotate(rank=SearchRank(F("search_vector"), search)).order_by(
        "-rank", "-install_count", "id"
    )


@require_GET
def store_list(request):
    query = selectors.StoreQuery.from_params(request.GET)
    paginator = CachedCountPaginator(proposed_store_plugins(query), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    installed = selectors.installed_plugin_ids(request.user, (p.pk for p in page.object_list))
    for plugin in page.object_list:
        plugin.is_installed = plugin.pk in installed
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "query": query,
        "categories": Category.choices,
        "sorts": [("newest", "Newest"), ("popular", "Most installed"), ("name", "Name")],
        "querystring": params.urlencode(),
    }
    return render(request, "pluginstore/store_list.html", context)
