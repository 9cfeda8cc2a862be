from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError
from pluginstore import permissions, selectors, services
from pluginstore.models import Category, Plugin

PAGE_SIZE = 24


class CountedPaginator(Paginator):
    """A paginator told its total instead of counting the queryset itself."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _is_fresh_visitor(request) -> bool:
    """No session at all: not signed in and no flash messages (they live in the session), so
    the whole page, header included, is the same for every such visitor. Nothing on it is
    per response either: no CSRF token, no CSP nonce."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


@require_GET
def store_list(request):
    # An anonymous visitor's plain listing is the same for everyone: served from a short cache
    # checked against the listing's version, which the services bump when a plugin enters or
    # leaves the store. A hit runs no query; signed-in visitors see their own "Installed" marks.
    key = None if request.user.is_authenticated else selectors.store_page_cache_key(request.GET)
    if key and _is_fresh_visitor(request):
        # The whole page for a visitor without a session: no template is rendered on a hit.
        whole_key = f"{key}:whole"
        generation, html = selectors.store_page_cached(whole_key)
        if html is not None:
            return HttpResponse(html)
        response = _store_response(request, key)
        if _same_for_everyone(request, response):
            selectors.store_page_cache_set(whole_key, generation, response.content.decode())
        return response
    return _store_response(request, key)


def _same_for_everyone(request, response) -> bool:
    """A guard for the whole-page cache: the page set no cookie and carries no CSRF token and
    no CSP nonce, so another visitor can be given the same bytes."""
    return (
        response.status_code == 200
        and not response.cookies
        and getattr(request, "_csp_nonce", None) is None
        and b"csrfmiddlewaretoken" not in response.content
    )


def _store_response(request, key: str | None):
    query = selectors.StoreQuery.from_params(request.GET)
    content = None
    if key:
        generation, content = selectors.store_page_cached(key)
    if content is None:
        content = _store_content(request, query)
        if key:
            selectors.store_page_cache_set(key, generation, content)
    # Our own template's output, escaped when it was rendered.
    return render(request, "pluginstore/store_list.html", {"content": mark_safe(content)})  # noqa: S308


def _store_content(request, query: selectors.StoreQuery) -> str:
    """Everything below the header: filters, count, plugin grid and pagination."""
    page = store_page(query, request.GET.get("page"))
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
    return render_to_string("pluginstore/_store_content.html", context, request=request)


def store_page(query: selectors.StoreQuery, number) -> Page:
    """The page of the listing the visitor asked for, as Paginator.get_page would give it."""
    if query.q and connection.vendor == "postgresql":
        return _search_page(query, number)
    plugins = selectors.store_plugins(query)
    paginator = CountedPaginator(plugins, PAGE_SIZE, count=selectors.store_count(query, plugins))
    return paginator.get_page(number)


def _search_page(query: selectors.StoreQuery, number) -> Page:
    """A search page in one pass over the candidates (selectors.store_search_page). As with
    get_page, a page that is not a number is the first, one out of range the last."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    rows, count, number = selectors.store_search_page(query, number, PAGE_SIZE)
    return Page(rows, number, CountedPaginator(rows, PAGE_SIZE, count=count))


def _visible_plugin(request, slug: str) -> tuple[Plugin, frozenset[int], bool]:
    plugin = selectors.store_plugin_detail(slug)
    if plugin is None:
        raise Http404
    testers = selectors.tester_ids(plugin) if plugin.status == "unverified" else frozenset()
    has_installed = bool(selectors.installed_plugin_ids(request.user, [plugin.pk]))
    if not permissions.can_view(
        request.user, plugin, tester_ids=testers, has_installed=has_installed
    ):
        raise Http404
    return plugin, testers, has_installed


@require_GET
def store_detail(request, slug: str):
    plugin, testers, has_installed = _visible_plugin(request, slug)
    version = plugin.live_version or plugin.latest_version
    context = {
        "plugin": plugin,
        "version": version,
        "verdict": permissions.install_verdict(request.user, plugin, tester_ids=testers),
        "has_installed": has_installed,
        "is_owner": permissions.is_owner(request.user, plugin),
    }
    return render(request, "pluginstore/store_detail.html", context)


@login_required
@require_POST
def install(request, slug: str):
    plugin, _, _ = _visible_plugin(request, slug)
    try:
        services.installation_create(user=request.user, plugin_id=plugin.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{plugin.display_name} is installed.")
    return redirect("store:detail", slug=plugin.slug)


@login_required
@require_POST
def uninstall(request, slug: str):
    plugin, _, _ = _visible_plugin(request, slug)
    if services.installation_delete(user=request.user, plugin_id=plugin.pk):
        messages.success(request, f"{plugin.display_name} was uninstalled.")
    if request.POST.get("from") == "installed" or plugin.status == "banned":
        return redirect("store:installed")
    return redirect("store:detail", slug=plugin.slug)


@login_required
@require_GET
def installed(request):
    installations = list(selectors.user_installations(request.user))
    testing = selectors.testing_plugin_ids(request.user, (i.plugin_id for i in installations))
    me = frozenset([request.user.pk])
    rows = [
        (
            i,
            permissions.install_verdict(
                request.user, i.plugin, tester_ids=me if i.plugin_id in testing else frozenset()
            ),
        )
        for i in installations
    ]
    return render(request, "pluginstore/installed.html", {"rows": rows})
