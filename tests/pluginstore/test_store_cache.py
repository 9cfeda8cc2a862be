"""The anonymous store listing is served from a short cache: a repeat costs no query, and a
plugin entering or leaving the store shows at once (the services bump the listing version)."""

import pytest
from csp.middleware import CSPMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pluginstore import services, store_cache
from pluginstore.models import Category
from reviews.moderation import plugin_reinstate
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import approve, ban, make_plugin, register


def _store(client, **params):
    return client.get(reverse("store:list"), params)


@pytest.mark.django_db
def test_a_repeated_anonymous_listing_runs_no_query(client, django_assert_num_queries):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Cached One")
    first = _store(client, sort="popular")
    with django_assert_num_queries(0):
        again = _store(client, sort="popular")
    assert again.status_code == 200
    assert b"Cached One" in again.content
    assert again.content == first.content


@pytest.mark.django_db
def test_a_visitor_without_a_session_gets_the_whole_page_without_rendering(client):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Whole Page")
    first = _store(client)
    assert first.templates  # rendered once
    again = _store(client)
    assert again.templates == []  # then served as stored: no template, no query
    assert again.content == first.content
    assert b"Whole Page" in again.content
    assert "Content-Security-Policy" in again.headers
    assert not again.cookies


@pytest.mark.django_db
def test_a_visitor_with_a_flash_message_still_sees_it(client, settings):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Flash Page")
    _store(client)
    _store(client)  # the whole page is cached now
    session = client.session
    session["_messages"] = '[["__json_message",0,25,"Signed out. See you soon."]]'
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = _store(client)
    assert b"Signed out. See you soon." in response.content
    assert b"Flash Page" in response.content


@pytest.mark.django_db
def test_an_approval_shows_in_the_cached_listing_at_once(client):
    owner = DeveloperFactory()
    make_plugin(owner, status="approved", name_for_human="Old One")
    assert b"Old One" in _store(client).content
    approve(register(owner, name_for_human="New One"))
    content = _store(client).content
    assert b"New One" in content
    assert b"2 plugins" in content


@pytest.mark.django_db
def test_a_ban_and_a_re_approval_show_in_the_cached_listing_at_once(client):
    owner, reviewer = DeveloperFactory(), make_reviewer()
    plugin = make_plugin(owner, status="approved", name_for_human="Soon Banned")
    assert b"Soon Banned" in _store(client).content
    ban(plugin, reviewer)
    assert b"Soon Banned" not in _store(client).content
    # Reinstated, it is Unverified until approved again: still not listed, then listed.
    plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Appeal accepted.")
    assert b"Soon Banned" not in _store(client).content
    approve(plugin, reviewer)
    assert b"Soon Banned" in _store(client).content


@pytest.mark.django_db
def test_a_category_change_moves_the_plugin_in_the_cached_listings(client):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="Mover", category="retrieval")
    assert b"Mover" in _store(client, category="retrieval").content
    assert b"Mover" not in _store(client, category="computation").content
    services.plugin_set_category(user=owner, plugin_id=plugin.pk, category=Category.COMPUTATION)
    assert b"Mover" not in _store(client, category="retrieval").content
    assert b"Mover" in _store(client, category="computation").content


@pytest.mark.django_db
def test_a_page_rendered_before_the_commit_is_not_kept_after_it(
    client, django_capture_on_commit_callbacks
):
    """Another request may render the listing between the services' bump and the commit, from
    the data before it: the bump on commit makes that page unreachable."""
    plugin = register(DeveloperFactory(), name_for_human="Racing")
    with django_capture_on_commit_callbacks(execute=True):
        approve(plugin)
        # What a concurrent request would cache before the commit: the listing without it.
        # The anonymous visitors' listing below the header (listing_cache_key).
        key = store_cache.store_page_cache_key(QueryDict("")) + ":out"
        generation, _ = store_cache.store_page_cached(key)
        store_cache.store_page_cache_set(key, generation, "<p>stale</p>")
        assert b"stale" in _store(client).content
    content = _store(client).content
    assert b"stale" not in content
    assert b"Racing" in content


@pytest.mark.django_db
def test_signed_in_visitors_get_their_own_marks_not_the_cached_page(client):
    owner, user = DeveloperFactory(), PlusUserFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="Mine")
    assert b"pill-approved" not in _store(client).content  # cached for anonymous visitors
    services.installation_create(user=user, plugin_id=plugin.pk)
    client.force_login(user)
    assert b"Installed</span>" in _store(client).content
    client.logout()
    assert b"Installed</span>" not in _store(client).content


@pytest.mark.django_db
def test_a_search_is_kept_in_this_process_and_only_its_ids_are_shared(client):
    """What strangers type is unbounded: the shared cache holds a search's ids (a few hundred
    bytes), each process a bounded memory of its pages."""
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Rain Radar")
    _store(client, q="radar")
    with CaptureQueriesContext(connection) as captured:
        assert b"Rain Radar" in _store(client, q="radar").content
    assert len(captured) == 0  # from this process's memory
    assert len(store_cache.page_memory) <= store_cache.PAGE_MEMORY_ENTRIES
    shared = [key for key in cache._cache if "store:search:" in key]
    assert len(shared) == 1
    assert not [key for key in cache._cache if "store:search-page" in key]
    store_cache.page_memory.clear()  # another process: the ids from the shared cache
    with CaptureQueriesContext(connection) as captured:
        assert b"Rain Radar" in _store(client, q="radar").content
    assert len(captured) == 1  # the page's rows only, not the search
    assert str(plugin.pk) in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    ("query", "cached"),
    [
        ("", True),
        ("sort=popular&category=computation&page=2", True),
        ("q=", True),
        ("q=weather", False),
        ("category=nope", False),
        ("sort=nope", False),
        ("page=11", False),
        ("page=abc", False),
        ("page=1&page=2", False),
        ("utm_source=mail", False),
    ],
)
@pytest.mark.django_db
def test_only_plain_listings_have_a_cache_key(query, cached):
    assert (store_cache.store_page_cache_key(QueryDict(query)) is not None) is cached


@pytest.mark.django_db
def test_a_page_cached_at_an_older_listing_version_is_a_miss():
    key = store_cache.store_page_cache_key(QueryDict(""))
    generation, content = store_cache.store_page_cached(key)
    assert content is None
    store_cache.store_page_cache_set(key, generation, "<p>listing</p>")
    assert store_cache.store_page_cached(key) == (generation, "<p>listing</p>")
    store_cache.store_listing_changed()
    newer, content = store_cache.store_page_cached(key)
    assert newer != generation
    assert content is None


# The search page on PostgreSQL is one query over the candidates (selectors.store_search_ids);
# it pages as Paginator.get_page does.


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_search_pages_like_the_paginator(client):
    owner = DeveloperFactory()
    for n in range(30):
        make_plugin(owner, status="approved", name_for_human=f"Radar {n:02d}")
    make_plugin(owner, status="approved", name_for_human="Unrelated")

    def page(**params):
        context = _store(client, q="radar", **params).context
        return context["page"].number, [p.display_name for p in context["page"].object_list]

    first = page(sort="name")
    assert first == (1, [f"Radar {n:02d}" for n in range(24)])
    assert page(sort="name", page=2) == (2, [f"Radar {n:02d}" for n in range(24, 30)])
    assert page(sort="name", page=99) == (2, [f"Radar {n:02d}" for n in range(24, 30)])
    assert page(sort="name", page=0)[0] == 2
    assert page(sort="name", page="abc") == first
    response = _store(client, q="radar")
    assert response.context["page"].paginator.count == 30
    assert b"30 plugins" in response.content
    assert _store(client, q="nothing-like-it").context["page"].paginator.count == 0


# Which responses may be shared between visitors (store_cache.same_for_everyone), and the
# whole-page cache that asks it.


@pytest.mark.django_db
def test_every_store_response_varies_by_cookie_cached_or_not(client, settings):
    """An HTTP cache in front must never give the anonymous page to a signed-in visitor."""
    make_plugin(DeveloperFactory(), status="approved")
    for _ in range(2):  # rendered, then the whole page from the cache
        assert "Cookie" in _store(client)["Vary"]
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    for _ in range(2):  # rendered, then the listing below the header from the cache
        assert "Cookie" in _store(client)["Vary"]


def _guarded(view_body):
    """A view run through the whole-page cache, counting how often it renders."""
    calls = []

    @store_cache.cache_whole_page
    def view(request):
        calls.append(1)
        return view_body(request)

    return view, calls


@pytest.mark.parametrize(
    "view_body",
    [
        pytest.param(lambda request: HttpResponse(f"<p>{get_token(request)}</p>"), id="csrf"),
        pytest.param(
            lambda request: HttpResponse('<input name="csrfmiddlewaretoken">'), id="csrf-field"
        ),
        pytest.param(lambda request: HttpResponse(f"<p>{request.csp_nonce}</p>"), id="nonce"),
        pytest.param(lambda request: _with_cookie(HttpResponse("<p>hi</p>")), id="cookie"),
        pytest.param(lambda request: HttpResponse("<p>gone</p>", status=404), id="not-200"),
    ],
)
@pytest.mark.django_db
def test_a_page_that_is_not_the_same_for_everyone_is_never_shared(rf, view_body):
    view, calls = _guarded(view_body)
    for _ in range(2):
        view(_anonymous_request(rf))
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_page_that_is_the_same_for_everyone_is_rendered_once(rf):
    view, calls = _guarded(lambda request: HttpResponse("<p>plain</p>"))
    first = view(_anonymous_request(rf))
    again = view(_anonymous_request(rf))
    assert calls == [1]
    assert again.content == first.content == b"<p>plain</p>"


@pytest.mark.django_db
def test_the_whole_page_is_kept_only_for_a_visitor_without_a_session(rf, settings):
    view, calls = _guarded(lambda request: HttpResponse("<p>plain</p>"))
    for _ in range(2):
        request = _anonymous_request(rf)
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "some-session"
        view(request)
    signed_in = _anonymous_request(rf)
    signed_in.user = PlusUserFactory()
    view(signed_in)
    view(_anonymous_request(rf, q="radar"))  # a search is never cached
    assert len(calls) == 4


def _anonymous_request(rf, **params):
    request = rf.get(reverse("store:list"), params)
    request.user = AnonymousUser()
    CSPMiddleware(lambda request: None).process_request(request)
    return request


def _with_cookie(response):
    response.set_cookie("tracking", "1")
    return response
