from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST, require_safe

from core import fragments, versions
from core.exceptions import ApplicationError
from pluginstore import install_selectors, permissions, selectors, services, store_cache
from pluginstore.models import Category, Plugin


@require_safe
@store_cache.cache_whole_page
def store_list(request: HttpRequest) -> HttpResponse:
    """The store listing, assembled from shared parts: the listing below the header (shared by
    every visitor for a plain listing; a search's ids shared), its shared cards, and the
    visitor's own "Installed" marks and header."""
    query = selectors.StoreQuery.from_params(request.GET)
    signed_in = request.user.is_authenticated

    def build() -> str:
        return _store_content(request.GET, query, signed_in=signed_in)

    key = store_cache.listing_cache_key(request)
    if key is not None:
        content = store_cache.cached_html(key, build)
    elif query.q:
        content = store_cache.cached_html(
            store_cache.search_cache_key(request, query), build, shared=False
        )
    else:  # a page past the cached ones, or a query string with more in it
        content = build()
    installed = install_selectors.installed_ids(request.user)
    mark = render_to_string("pluginstore/_card_installed.html").strip() if installed else ""
    content = store_cache.fill_card_slots(content, installed, mark)
    return fragments.framed(request, "pluginstore/store_list.html", content)


def _store_content(params, query: selectors.StoreQuery, *, signed_in: bool) -> str:
    """Everything below the header: filters, count, plugin grid and pagination. Rendered
    without the request: the same for every visitor (signed in or not), cards' slots empty."""
    # Only a plain listing's count is cached; a search is counted with its results.
    count = None if query.q else store_cache.store_count(query)
    page = selectors.store_page(
        query, params.get("page"), count=count, search_ids=store_cache.search_ids
    )
    params = params.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "query": query,
        "signed_in": signed_in,
        "categories": Category.choices,
        "sorts": [
            ("newest", "Newest"),
            ("popular", "Most installed"),
            ("name", "Name"),
            ("rating", "Top rated"),
        ],
        "querystring": params.urlencode(),
        "cards": store_cache.card_fragments(page.object_list, "pluginstore/_plugin_card.html"),
    }
    return render_to_string("pluginstore/_store_content.html", context)


INSTALL_NOTE_SLOT = mark_safe("<!--install-note-->")  # noqa: S308


def _article(plugin, version, installation, has_installed: bool) -> SafeString:
    """The plugin's description, the same for every visitor: a copy per plugin version,
    with this visitor's note about their install (if any) in its slot."""

    def render() -> str:
        context = {"plugin": plugin, "version": version, "install_note": INSTALL_NOTE_SLOT}
        return render_to_string("pluginstore/_detail_article.html", context)

    html = versions.copy(selectors.PLUGIN_SCOPE, plugin.pk, "article", render)
    note = ""
    if installation is not None:
        context = {"plugin": plugin, "installation": installation, "has_installed": has_installed}
        note = render_to_string("pluginstore/_install_note.html", context)
    # Our own templates' output, escaped when they were rendered.
    return mark_safe(html.replace(INSTALL_NOTE_SLOT, note, 1))  # noqa: S308


# Install boxes each process keeps, keyed by everything one shows (about 0.5 KB each).
install_box_memory = fragments.Memory(5000)


def _install_box(path: str, context: dict) -> SafeString:
    """What the visitor can do with the plugin: the same for every visitor in the same state,
    rendered once per state and kept (its CSRF token filled by the frame)."""
    plugin, installation, verdict = context["plugin"], context["installation"], context["verdict"]
    ended = (installation.removed_at, installation.removed_reason) if installation else None
    state = (verdict.allowed, verdict.reason, verdict.message)
    key = repr((plugin.pk, plugin.slug, path, context["has_installed"], ended, state))
    key += repr(bool(context["is_owner"]))
    html = install_box_memory.get(key)
    if html is None:
        html = render_to_string(
            "pluginstore/_install_box.html",
            {
                **{name: context[name] for name in ("plugin", "installation", "verdict")},
                "has_installed": context["has_installed"],
                "is_owner": context["is_owner"],
                "path": path,
                **fragments.csrf_context(),
            },
        )
        install_box_memory.set(key, html)
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308


def _visible_plugin(
    request, slug: str
) -> tuple[Plugin, frozenset[int], install_selectors.InstallRecord | None]:
    found = selectors.store_plugin_page(slug)
    if found is None:
        raise Http404
    plugin, testers = found
    # Any install, one a ban ended included: a banned plugin's page is for past installers.
    installation = install_selectors.installation_of(request.user, plugin.pk)
    if not permissions.can_view(
        request.user, plugin, tester_ids=testers, has_installed=installation is not None
    ):
        raise Http404
    return plugin, testers, installation


@require_safe
def store_detail(request, slug: str):
    plugin_id = selectors.plugin_id_for_slug(slug)
    if plugin_id is not None:
        # Every copy the page reads (the plugin's, the visitor's row, header and own state),
        # in one round trip. The session's user id is only a key to read by here: the user
        # is checked as ever (accounts.middleware), and a copy of someone else is never read.
        user_id = request.session.get(SESSION_KEY)
        groups = [("plugin-page", {"user_id": user_id, "plugin_id": plugin_id})]
        if user_id is not None:
            groups.append(("user", {"user_id": user_id}))
        versions.prefetch_groups(groups)
    plugin, testers, installation = _visible_plugin(request, slug)
    if (
        not request.user.is_authenticated
        and store_cache.is_fresh_visitor(request)
        and not request.GET
    ):
        # A visitor without a session: the whole page, the same for all of them, kept until
        # the plugin changes (store_cache.plugin_changed). Only the first page of reviews:
        # the others (and any query string a stranger makes up) are assembled per request,
        # so the copies stay one per plugin.
        def whole_page() -> str | None:
            response = _detail_response(request, plugin, testers, installation)
            shareable = store_cache.same_for_everyone(request, response)
            return response.content.decode() if shareable else None

        html = versions.copy(selectors.PLUGIN_SCOPE, plugin.pk, "anonymous:", whole_page)
        if html is not None:
            return HttpResponse(html)
    return _detail_response(request, plugin, testers, installation)


def _detail_response(request, plugin, testers, installation) -> HttpResponse:
    version = plugin.live_version or plugin.latest_version
    context = {
        "plugin": plugin,
        "version": version,
        "verdict": permissions.install_verdict(
            request.user,
            plugin,
            tester_ids=testers,
            has_installed=installation is not None and installation.removed_at is None,
        ),
        # In use; an install a ban ended shows as removed, with the reason.
        "has_installed": installation is not None and installation.removed_at is None,
        "installation": installation,
        "is_owner": permissions.is_owner(request.user, plugin),
        # Rendered without the context processors: what the content reads, and CSRF slots
        # the frame fills (core.fragments.framed).
        "request": request,
        "user": request.user,
        **fragments.csrf_context(),
    }
    context["article"] = _article(plugin, version, installation, context["has_installed"])
    context["install_box"] = _install_box(request.path, context)
    content = render_to_string("pluginstore/_detail_content.html", context)
    return fragments.framed(
        request, "pluginstore/store_detail.html", content, title=plugin.display_name
    )


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
    """Anyone can always remove their own install, whatever became of the plugin (banned,
    reinstated as unverified) or of their access to it (no longer a tester, no longer Plus);
    without an install of theirs, a plugin they may not see is a 404 as everywhere."""
    found = selectors.store_plugin_page(slug)
    if found is None:
        raise Http404
    plugin, testers = found
    removed = services.installation_delete(user=request.user, plugin_id=plugin.pk)
    viewable = permissions.can_view(request.user, plugin, tester_ids=testers)
    if removed:
        messages.success(request, f"{plugin.display_name} was uninstalled.")
    elif not viewable:
        raise Http404
    if request.POST.get("from") == "installed" or not viewable:
        return redirect("store:installed")
    return redirect("store:detail", slug=plugin.slug)


@login_required
@require_safe
def installed(request):
    installations = list(install_selectors.user_installations(request.user))
    testing = install_selectors.testing_plugin_ids(
        request.user, (i.plugin_id for i in installations)
    )
    me = frozenset([request.user.pk])
    rows = []
    for i in installations:
        testers = me if i.plugin_id in testing else frozenset()
        # An install outlives the access it was made with (a tester removed, a ban reinstated
        # as unverified): it is listed with the reason, unlinked, and can still be removed.
        i.viewable = permissions.can_view(
            request.user, i.plugin, tester_ids=testers, has_installed=True
        )
        verdict = permissions.install_verdict(
            request.user, i.plugin, tester_ids=testers, has_installed=True
        )
        rows.append((i, verdict))
    return render(request, "pluginstore/installed.html", {"rows": rows})
