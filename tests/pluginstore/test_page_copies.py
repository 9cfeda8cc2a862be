"""Signed-in pages assembled from shared parts and per-user copies (issue 15): the store, a
search, a plugin's page and Help > Messages show every event on the next request, cost no
query once warm, and never carry another user's state."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_update_profile
from core import versions
from inbox.kinds import NotificationKind
from inbox.receivers import INBOX_SCOPE
from inbox.services import threads_mark_all_read
from pluginstore import selectors, services, store_cache
from pluginstore.models import Plugin
from ratings import services as ratings_services
from reports.services import report_create
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.inbox.test_views import deliver
from tests.pluginstore.helpers import ban, make_plugin
from tests.pluginstore.test_card_fragments import _new_version
from tests.ratings.helpers import installer, rate

pytestmark = pytest.mark.django_db

STORE = reverse("store:list")
MESSAGES = reverse("help:messages")


@pytest.fixture(autouse=True)
def _empty_caches():
    cache.clear()
    store_cache.card_memory.clear()
    store_cache.page_memory.clear()
    yield
    store_cache.page_memory.clear()


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _detail(plugin) -> str:
    return reverse("store:detail", args=[plugin.slug])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _csrf(page: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)


# Warm pages cost no query --------------------------------------------------------------------


def test_warm_signed_in_pages_cost_no_query(client):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="Quiet Page")
    user = installer(plugin)
    rate(plugin, 4, "Fine.")
    deliver(user)
    client.force_login(user)
    for url in (STORE, STORE + "?q=quiet", _detail(plugin), MESSAGES):
        _page(client, url)  # the copies made
        assert _queries(client, url) == 0, url


def test_a_warm_anonymous_plugin_page_costs_no_query_and_is_the_same_page(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Open Page")
    rate(plugin, 5, "Lovely.")
    first = _page(client, _detail(plugin))
    client.cookies.clear()
    with CaptureQueriesContext(connection) as captured:
        again = _page(client, _detail(plugin))
    assert len(captured) == 0
    assert again == first
    assert "Lovely." in again and "csrfmiddlewaretoken" not in again


# Every event shows on the next request -------------------------------------------------------


def test_the_header_follows_name_role_and_messages_on_the_next_request(client):
    user = PlusUserFactory(display_name="Before Name")
    client.force_login(user)
    page = _page(client, STORE)
    assert "Before Name" in page and "unread messages" not in page

    user_update_profile(user=user, display_name="After Name")
    deliver(user)
    page = _page(client, STORE)
    assert "After Name" in page and "Before Name" not in page
    assert 'aria-label="1 unread messages"' in page

    user.account_type = "developer"
    user.save()
    assert reverse("developer:plugins") in _page(client, STORE)
    threads_mark_all_read(user=user)
    assert "unread messages" not in _page(client, STORE)


def test_a_user_whose_row_changes_is_read_again(client):
    user = PlusUserFactory()
    client.force_login(user)
    assert _page(client, STORE)
    user.is_active = False
    user.save()
    response = client.get(reverse("store:installed"))
    assert response.status_code == 302  # signed out: sent to sign in


def test_a_password_changed_elsewhere_signs_this_session_out(client):
    user = PlusUserFactory()
    client.force_login(user)
    assert client.get(reverse("store:installed")).status_code == 200  # the user's copy made
    user.password = make_password("another long password")
    user.save()
    assert client.get(reverse("store:installed")).status_code == 302


def test_installs_ratings_and_reports_show_on_the_plugin_page_on_the_next_request(client):
    owner = DeveloperFactory(display_name="Maker")
    plugin = make_plugin(owner, status="approved", name_for_human="Lively")
    user = PlusUserFactory()
    client.force_login(user)
    page = _page(client, _detail(plugin))
    assert ">Install</button>" in page and "Your rating" not in page

    services.installation_create(user=user, plugin_id=plugin.pk)
    page = _page(client, _detail(plugin))
    assert "Uninstall" in page and "Rate this plugin" in page
    assert "<dt>Installs</dt><dd>1</dd>" in page

    ratings_services.rating_save(user=user, plugin_id=plugin.pk, stars=4, review="Solid work.")
    page = _page(client, _detail(plugin))
    assert "Your rating" in page and "Solid work." in page
    assert '<span class="rating-big">4.0</span>' in page

    report_create(user=user, plugin_id=plugin.pk, reason="broken", text="It fails.")
    assert "You reported this plugin" in _page(client, _detail(plugin))

    rating = plugin.ratings.get(user=user)
    ratings_services.rating_answer(
        user=owner, plugin_id=plugin.pk, rating_id=rating.pk, answer="Thank you!"
    )
    assert "Thank you!" in _page(client, _detail(plugin))

    ratings_services.rating_hide(rating_id=rating.pk, by=make_reviewer(), reason="Off topic.")
    page = _page(client, _detail(plugin))
    assert "A reviewer hid your review" in page and "No ratings yet." in page

    services.installation_delete(user=user, plugin_id=plugin.pk)
    assert ">Install</button>" in _page(client, _detail(plugin))


def test_a_new_version_a_rename_and_a_ban_show_on_the_plugin_page_on_the_next_request(client):
    owner = DeveloperFactory(display_name="First Studio")
    plugin = make_plugin(owner, status="approved", name_for_human="Versioned")
    anonymous = _page(client, _detail(plugin))
    assert "by First Studio" in anonymous

    user_update_profile(user=owner, display_name="Second Studio")
    client.cookies.clear()
    assert "by Second Studio" in _page(client, _detail(plugin))

    version_id = _new_version(plugin, description_for_human="A better description.")
    services.plugin_version_make_live(
        plugin_id=plugin.pk, version_id=version_id, by=make_reviewer()
    )
    client.cookies.clear()
    assert "A better description." in _page(client, _detail(plugin))

    installer_user = installer(plugin)
    ban(plugin)
    client.force_login(installer_user)
    page = _page(client, _detail(plugin))
    assert "Removed: this plugin was banned." in page


def test_unavailability_shows_on_the_plugin_page_on_the_next_request(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Flaky")
    assert "Unavailable:" not in _page(client, _detail(plugin))
    # What the watch does (watch.services._unreachable): a bulk update, then the bumps.
    Plugin.objects.filter(pk=plugin.pk).update(unavailable_since=timezone.now())
    store_cache.plugin_changed([plugin.pk])
    client.cookies.clear()
    assert "Unavailable:" in _page(client, _detail(plugin))


def test_approvals_bans_and_ratings_show_in_a_search_on_the_next_request(client):
    owner = DeveloperFactory()
    first = make_plugin(owner, status="approved", name_for_human="Zebra Maps")
    client.force_login(PlusUserFactory())
    assert "Zebra Maps" in _page(client, STORE, q="zebra")
    second = make_plugin(owner, status="approved", name_for_human="Zebra Notes")
    assert "Zebra Notes" in _page(client, STORE, q="zebra")
    rate(second, 2)
    assert "★</span> 2.0" in _page(client, STORE, q="zebra")
    ban(first)
    assert "Zebra Maps" not in _page(client, STORE, q="zebra")


def test_help_messages_follows_deliveries_reads_and_renames_on_the_next_request(client):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, name_for_human="Inbox Plugin")
    client.force_login(owner)
    before = _page(client, MESSAGES)
    deliver(owner, NotificationKind.APPROVED, plugin=plugin)
    page = _page(client, MESSAGES)
    assert page != before and "thread-unread" in page and "Mark all read" in page

    threads_mark_all_read(user=owner)
    page = _page(client, MESSAGES)
    assert "thread-unread" not in page and "Mark all read" not in page

    Plugin.objects.filter(pk=plugin.pk).update(name="Renamed Plugin")
    plugin.refresh_from_db()
    plugin.save()  # a save with every field, as the catalogue makes when a version goes live
    assert "Renamed Plugin" in _page(client, MESSAGES)


# Nobody sees another user's state ------------------------------------------------------------


def test_a_plugin_page_carries_only_its_own_visitors_state(client):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="Shared Page")
    alice = PlusUserFactory(display_name="Alice Zephyrine")
    bob = PlusUserFactory(display_name="Bob Quillfeather")
    rate(plugin, 3, "Alice thinks it is fine.", user=alice)
    report_create(user=alice, plugin_id=plugin.pk, reason="broken", text="Alice's report.")
    for n in range(2):
        deliver(alice, n=n)

    client.force_login(alice)
    alice_page = _page(client, _detail(plugin))
    client.logout()
    client.force_login(bob)
    bob_page = _page(client, _detail(plugin))

    assert "Your rating" in alice_page and "You reported this plugin" in alice_page
    assert "2 unread messages" in alice_page and "Alice Zephyrine" in alice_page
    # Bob's page is built from the same shared reviews section...
    assert "Alice thinks it is fine." in bob_page  # her public review
    # ...with none of Alice's own state.
    assert "Your rating" not in bob_page and "You reported" not in bob_page
    assert "unread messages" not in bob_page
    assert "Bob Quillfeather" in bob_page
    assert 'class="account-name" title="Alice Zephyrine"' not in bob_page
    # Bob may report Alice's review; Alice may not report her own.
    assert "Report this review" in bob_page and "Report this review" not in alice_page
    # Each page's forms carry its own visitor's token.
    assert _csrf(bob_page) and set(_csrf(alice_page)).isdisjoint(_csrf(bob_page))

    # The shared copies themselves hold nobody's own state, no token and no form.
    found = selectors.store_plugin_page(plugin.slug)
    assert found is not None
    section = cache.get(versions.version_key(selectors.PLUGIN_SCOPE, plugin.pk) + ":reviews:1")
    html = section[1].html
    for private in ("Your rating", "You reported", "csrfmiddlewaretoken", "Bob", "unread"):
        assert private not in html
    assert "<form" not in html


def test_help_messages_copies_are_each_users_own(client):
    alice, bob = DeveloperFactory(), DeveloperFactory()
    plugin = make_plugin(alice, name_for_human="Alices Secret Plugin")
    deliver(alice, plugin=plugin)
    client.force_login(alice)
    alice_page = _page(client, MESSAGES)
    client.logout()
    client.force_login(bob)
    bob_page = _page(client, MESSAGES)
    assert "Alices Secret Plugin" in alice_page
    assert "Alices Secret Plugin" not in bob_page and "No messages yet" in bob_page
    assert cache.get(versions.version_key(INBOX_SCOPE, alice.pk)) != cache.get(
        versions.version_key(INBOX_SCOPE, bob.pk)
    )


# Page frames ---------------------------------------------------------------------------------


def test_an_anonymous_frame_sends_each_visitor_back_to_their_own_page(client):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Back Again")
    first = _page(client, STORE, q="back")
    second = _page(client, STORE, q="again")
    assert "?next=/store/%3Fq%3Dback" in first
    assert "?next=/store/%3Fq%3Dagain" in second and "%3Fq%3Dback" not in second


def test_a_framed_plugin_page_escapes_its_title_and_its_forms_work(client):
    from django.test import Client

    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="<b>Bold</b> & Co")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(PlusUserFactory())
    for _ in range(2):  # the frame made, then reused
        page = _page(strict, _detail(plugin))
        assert "<title>&lt;b&gt;Bold&lt;/b&gt; &amp; Co · PluginStore</title>" in page
    token = _csrf(page)[0]
    response = strict.post(
        reverse("store:install", args=[plugin.slug]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    page = _page(strict, response["Location"])
    assert "is installed." in page  # the flash message: a page with one is rendered in full
    assert "Uninstall" in page


# What a stranger types stays bounded -----------------------------------------------------------


def _keys(fragment: str) -> list[str]:
    return [key for key in cache._cache if fragment in key]


def test_made_up_page_numbers_share_one_search_entry(client):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Paged Notes")
    for page in ("43", "999999", "123456789012", "-5", "0"):
        assert "Paged Notes" in _page(client, STORE, q="paged", page=page)
    # Every one of them is the last page: one shared entry (and the first page none yet).
    assert len(_keys("store:search:")) == 1


def test_only_the_plain_plugin_page_is_kept_whole_for_anonymous_visitors(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Kept Once")
    for params in ({}, {"page": "2"}, {"page": "9999"}, {"utm": "x"}, {"page": "1", "a": "b"}):
        client.cookies.clear()
        assert "Kept Once" in _page(client, _detail(plugin), **params)
    whole = versions.version_key(selectors.PLUGIN_SCOPE, plugin.pk) + ":anonymous:"
    assert len(_keys(whole)) == 1
