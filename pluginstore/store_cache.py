"""The store's cache: the listing version, the cached count and pages, the shared card
fragments, and which responses may be shared between visitors.

Every entry is keyed by the listing version, which the services bump whenever a plugin may
have entered or left the store, so an approval or a ban shows on the next request; entries of
older versions are never read again and expire. Nothing per user is kept here: a page
for one visitor is assembled from shared parts and their own small copies.

- A plain listing's content (below the header) is shared by every visitor, signed in or not;
  each visitor's "Installed" marks are filled into its card slots (card_slot,
  fill_card_slots) from their own copy of their installs (install_selectors.installed_ids).
- A search's page is shared as its ids (search_ids), and its cards as fragments.
- Card fragments (card_fragments): each card's HTML is keyed by a digest of everything it can
  show (every listing field the page reads, and its templates' source), so a change to a
  plugin makes a new key and is seen on the next request, with no version to bump.
- Whole pages (cache_whole_page) only for a visitor without a session: a response carrying
  a cookie, a CSRF token or a CSP nonce is never shared.
"""

import hashlib
import operator
import re
import secrets
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import get_template, render_to_string
from django.template.loader_tags import IncludeNode
from django.utils.safestring import SafeString, mark_safe

from core import fragments, versions
from pluginstore import selectors
from pluginstore.models import Category

STORE_COUNT_SECONDS = 60
STORE_PAGE_SECONDS = 60
STORE_PAGE_CACHED_PAGES = 10
_STORE_GENERATION_KEY = "store:generation"
# A card's key changes with its content, so this only bounds the memory old keys hold.
CARD_SECONDS = 3600
# Cards each process keeps in its own memory (about 1 KB each).
CARD_MEMORY_ENTRIES = 2000


def store_generation() -> str:
    """The store listing's version: every cached count and page is keyed by it. A random
    token, never a counter: if it is evicted or the cache flushed, the new one cannot match a
    page a process still keeps in its memory from before."""
    return cache.get_or_set(_STORE_GENERATION_KEY, secrets.token_hex(8), None)


def _bump_store_generation() -> None:
    cache.set(_STORE_GENERATION_KEY, secrets.token_hex(8), None)


def store_listing_changed() -> None:
    """Called by the services when the set of listed plugins may have changed."""
    # Bumped now, and again once the transaction commits: a page rendered in between (from
    # the data before the commit) would otherwise stay cached under the new version.
    _bump_store_generation()
    transaction.on_commit(_bump_store_generation)


def plugin_changed(plugin_ids) -> None:
    """What these plugins' detail pages show changed (their row, a version, their team or
    testers, their ratings): their copies (selectors.PLUGIN_SCOPE) are stale. Saves and
    deletions bump by themselves (pluginstore.receivers, ratings.receivers); a bulk update()
    of such a row must call this."""
    versions.bump(selectors.PLUGIN_SCOPE, plugin_ids)


def store_count(query: selectors.StoreQuery) -> int:
    """How many plugins a plain listing (no search) has, cached per listing version."""
    # COUNT(*) over the whole table is most of the page's time at 100,000 plugins.
    # Kept with the version it was counted at, read with the version in one round trip.
    key = f"store:count:{query.category or 'all'}"
    generation, count = store_page_cached(key)
    if count is None:
        count = selectors.store_listing_count(query)
        cache.set(key, (generation, count), STORE_COUNT_SECONDS)
    return count


def store_page_cache_key(params: QueryDict) -> str | None:
    """The cache key of a store page for these GET parameters, or None if it is not cached."""
    # Only plain listings are: no search text, a known category and sort, one of the first
    # pages, nothing else in the query string. So the cache holds at most
    # categories x sorts x STORE_PAGE_CACHED_PAGES pages, whatever visitors type.
    if set(params) - {"q", "category", "sort", "page"}:
        return None
    if any(len(params.getlist(name)) > 1 for name in params):
        return None
    if params.get("q", "").strip():
        return None
    if params.get("category", "") not in ("", *Category.values):
        return None
    if params.get("sort", "") not in ("", *selectors.SORTS):
        return None
    page = params.get("page", "")
    if page and page not in {str(n) for n in range(1, STORE_PAGE_CACHED_PAGES + 1)}:
        return None
    return f"store:page:{params.urlencode()}"


def store_page_cached(key: str) -> tuple[str, str | int | None]:
    """The listing version now, and the page under `key` if it was cached at that version."""
    # One cache round trip. Render a miss at the version returned and store it with
    # store_page_cache_set: a bump meanwhile makes it a miss next time.
    found = cache.get_many([_STORE_GENERATION_KEY, key])
    generation = found.get(_STORE_GENERATION_KEY)
    if generation is None:
        return store_generation(), None
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def store_page_cache_set(key: str, generation: str, html: str) -> None:
    """Cache a page rendered at listing version `generation`."""
    cache.set(key, (generation, str(html)), STORE_PAGE_SECONDS)


def listing_cache_key(request: HttpRequest) -> str | None:
    """The cache key of this request's listing (below the header), or None if not shared.

    Shared by every visitor, signed in or not (each kind its own copy: the signed-in one
    links to "Your installed plugins"); the visitor's "Installed" marks go in its card slots.
    """
    key = store_page_cache_key(request.GET)
    if key is None:
        return None
    return f"{key}:{'in' if request.user.is_authenticated else 'out'}"


# Store pages (below the header) each process keeps, plain listings and searches: bounded,
# so a stream of new search terms costs renders, never memory; about 30 KB each.
PAGE_MEMORY_ENTRIES = 400
page_memory = fragments.Memory(PAGE_MEMORY_ENTRIES)


def search_cache_key(request: HttpRequest, query: selectors.StoreQuery) -> str:
    """The key of a search's content below the header. Searches are kept in each process's
    memory only: the terms a stranger can type are unbounded, so the shared cache keeps only
    their ids (search_ids)."""
    page = request.GET.get("page", "")[:12]
    text = repr((query.q, query.category, query.sort, page, request.user.is_authenticated))
    return "store:search-page:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def search_ids(query: selectors.StoreQuery, page: int, per_page: int) -> tuple[list[int], int, int]:
    """selectors.store_search_ids, cached per search and page at the listing version: shared
    by every visitor, a few hundred bytes each (the page's cards are shared fragments)."""
    # Every page past the candidates' last is the last, and so is every page below 1: one key
    # each, whatever number a stranger puts in the URL.
    past_the_end = selectors.SEARCH_CANDIDATES // per_page + 1
    page = past_the_end if page < 1 else min(page, past_the_end)
    text = repr((query.q, query.category, query.sort, page, per_page))
    key = "store:search:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    generation, found = store_page_cached(key)
    if found is None:
        found = selectors.store_search_ids(query, page, per_page)
        cache.set(key, (generation, found), STORE_PAGE_SECONDS)
    return found


def card_slot(plugin_id: int) -> SafeString:
    """Where a card's per-visitor part goes; user text is escaped, so none can spell it."""
    return mark_safe(f"<!--card-slot:{int(plugin_id)}-->")  # noqa: S308


_CARD_SLOTS = re.compile(r"<!--card-slot:(\d+)-->")


def fill_card_slots(html: str, installed: frozenset[int], mark: str) -> SafeString:
    """The listing with `mark` in the slot of each card in `installed`, the others emptied."""
    filled = _CARD_SLOTS.sub(lambda m: mark if int(m[1]) in installed else "", html)
    # Our own templates' output and partial, escaped when they were rendered.
    return mark_safe(filled)  # noqa: S308


def cached_html(key: str | None, render: Callable[[], str], *, shared: bool = True) -> str:
    """The HTML kept under `key` at the current listing version, else render() (and keep it).

    From this process's memory first (page_memory, bounded), then, if `shared`, from the
    shared cache, where other processes find it. An entry is kept STORE_PAGE_SECONDS at most:
    while Redis is away the version is this process's own and cannot tell it about another
    process's approval or ban.
    """
    if key is None:
        return render()
    generation = store_generation()
    now = time.monotonic()
    found = page_memory.get(key)
    if found is not None and found[0] == generation and found[1] > now:
        return found[2]
    entry = cache.get(key) if shared else None
    if entry is not None and entry[0] == generation:
        html = entry[1]
    else:
        html = str(render())
        if shared:
            store_page_cache_set(key, generation, html)
    page_memory.set(key, (generation, now + STORE_PAGE_SECONDS, html))
    return html


def is_fresh_visitor(request: HttpRequest) -> bool:
    """The visitor has no session: not signed in and no flash messages waiting."""
    # Flash messages live in the session (MESSAGE_STORAGE), so without a session cookie the
    # whole page, header included, is the same for every such visitor.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def same_for_everyone(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether another visitor may be given this response's exact bytes."""
    # A CSRF token or a CSP nonce is per response, and a cookie is per visitor: a page with
    # any of them is never shared. get_token() marks CSRF_COOKIE_NEEDS_UPDATE whatever the
    # template does with the token; the byte scan is the belt to those braces.
    return (
        response.status_code == 200
        and not response.cookies
        and getattr(request, "_csp_nonce", None) is None
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and b"csrfmiddlewaretoken" not in response.content
    )


def cache_whole_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a visitor without a session the whole page from the cache, no template rendered
    (this process's memory first, then the shared cache, as cached_html)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Asking for the user first marks the session accessed even on a hit, so every
        # response says "Vary: Cookie" and no HTTP cache hands it to a signed-in visitor.
        signed_in = request.user.is_authenticated
        key = store_page_cache_key(request.GET)
        if signed_in or key is None or not is_fresh_visitor(request):
            return view(request, *args, **kwargs)
        whole_key = f"{key}:whole"
        generation = store_generation()
        now = time.monotonic()
        found = page_memory.get(whole_key)
        if found is not None and found[0] == generation and found[1] > now:
            return HttpResponse(found[2])
        entry = cache.get(whole_key)
        if entry is not None and entry[0] == generation:
            html = entry[1]
        else:
            response = view(request, *args, **kwargs)
            if not same_for_everyone(request, response):
                return response
            html = response.content.decode()
            store_page_cache_set(whole_key, generation, html)
        page_memory.set(whole_key, (generation, now + STORE_PAGE_SECONDS, html))
        return HttpResponse(html)

    return wrapper


def _template_sources(name: str, seen: set[str]) -> list[str]:
    """The source of a template and of every template it includes by a constant name."""
    seen.add(name)
    template = get_template(name).template
    sources = [name, template.source]
    for node in template.nodelist.get_nodes_by_type(IncludeNode):
        included = node.template.var
        if isinstance(included, str) and included not in seen:
            sources += _template_sources(included, seen)
    return sources


_template_digests: dict[str, str] = {}


def _template_digest(name: str) -> str:
    """A digest of the card's templates: a deploy that changes them never serves old cards."""
    # Computed once per process; on every call while DEBUG, where templates change under a
    # running server.
    digest = None if settings.DEBUG else _template_digests.get(name)
    if digest is None:
        text = "\0".join(_template_sources(name, set()))
        digest = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        _template_digests[name] = digest
    return digest


# Every listing field the store reads for a card (selectors.LISTING_FIELDS): a card can show
# nothing else without a query per card, which the pages' query budgets forbid.
_listing_values = operator.attrgetter(*(f.replace("__", ".") for f in selectors.LISTING_FIELDS))


def card_cache_key(plugin, template_name: str, *, templates: str | None = None) -> str:
    """The key of a plugin's card: its id and a digest of its content (`templates`, the
    templates' digest, when the caller has it already)."""
    templates = templates or _template_digest(template_name)
    content = repr((templates, _listing_values(plugin)))
    digest = hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
    return f"store:card:{plugin.pk}:{digest}"


card_memory = fragments.Memory(CARD_MEMORY_ENTRIES)


def card_fragments(plugins: Iterable, template_name: str) -> list[SafeString]:
    """Each plugin's card, the same for every visitor, with card_slot() for the visitor's part.

    From this process's memory, else one get_many from the shared cache for the page; the
    cards missing from both are rendered and stored with one set_many. A card is rendered
    without the request: no user, session, CSRF token or CSP nonce can reach the shared HTML,
    whoever's request rendered it first.
    """
    plugins = list(plugins)
    templates = _template_digest(template_name)
    keys = [card_cache_key(plugin, template_name, templates=templates) for plugin in plugins]
    found = card_memory.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache.get_many(missing)
        rendered = {}
        for plugin, key in zip(plugins, keys, strict=True):
            if key in found:
                continue
            if key not in shared:
                context = {"plugin": plugin, "card_slot": card_slot(plugin.pk)}
                rendered[key] = shared[key] = str(render_to_string(template_name, context))
            found[key] = shared[key]
        if rendered:
            cache.set_many(rendered, CARD_SECONDS)
        card_memory.set_many({key: shared[key] for key in missing})
    # Our own template's output, escaped when it was rendered.
    return [mark_safe(found[key]) for key in keys]  # noqa: S308
