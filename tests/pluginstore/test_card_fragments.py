"""The store's cards are shared fragments (store_cache.card_fragments): rendered once, reused for
every visitor, signed in or not. Each event that changes what a card shows is on the next
request, and nobody's page carries another visitor's state."""

import json
import re

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from core import fragments
from inbox.kinds import NotificationKind
from pluginstore import services, store_cache
from pluginstore.checks import check_plugin
from pluginstore.fetching import FetchedPlugin
from pluginstore.models import Category, Plugin
from pluginstore.services.lifecycle import plugin_unlist
from pluginstore.services.registration import plugin_version_store
from ratings.services import rating_save
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.inbox.test_views import deliver
from tests.pluginstore.helpers import approve, ban, make_plugin, manifest_for, register, spec_for

CARD = "pluginstore/_plugin_card.html"


@pytest.fixture(autouse=True)
def _empty_card_memory():
    # This process's memory and the local-memory cache outlive a test: start each empty.
    store_cache.card_memory.clear()
    store_cache.page_memory.clear()
    cache.clear()
    yield
    store_cache.card_memory.clear()
    store_cache.page_memory.clear()


def _store(client, **params) -> str:
    response = client.get(reverse("store:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def _card(page: str, name: str) -> str:
    """The card of the plugin called `name` on the page."""
    cards = re.findall(r"<article class=\"plugin-card\">.*?</article>", page, re.S)
    found = [c for c in cards if f">{name}</a>" in c]
    assert len(found) == 1, (name, len(found))
    return found[0]


def _signed_in(client, user):
    client.force_login(user)
    return client


def _card_renders(response) -> int:
    return sum(1 for t in response.templates if t.name == CARD)


# Shared: rendered once, for everyone ---------------------------------------------------------


@pytest.mark.django_db
def test_a_card_is_rendered_once_and_reused_by_the_next_visitor(client):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Shared Card")
    first = _signed_in(client, PlusUserFactory()).get(reverse("store:list"))
    assert _card_renders(first) == 1
    client.logout()
    other = _signed_in(client, PlusUserFactory()).get(reverse("store:list"))
    assert _card_renders(other) == 0  # from this process's memory
    assert "Shared Card" in other.content.decode()


@pytest.mark.django_db
def test_a_card_rendered_by_another_process_comes_from_the_shared_cache(client):
    make_plugin(DeveloperFactory(), status="approved", name_for_human="Across Workers")
    _signed_in(client, PlusUserFactory())
    _store(client)
    store_cache.card_memory.clear()  # as another worker's process would be
    again = client.get(reverse("store:list"))
    assert _card_renders(again) == 0
    assert "Across Workers" in again.content.decode()


@pytest.mark.django_db
def test_a_page_of_cards_costs_one_shared_cache_read(client, monkeypatch):
    owner = DeveloperFactory()
    for n in range(5):
        make_plugin(owner, status="approved", name_for_human=f"Many {n}")
    _signed_in(client, PlusUserFactory())
    # A search: its page is assembled from its ids and the cards on every request (a plain
    # listing's whole content is shared once rendered).
    _store(client, q="Many")
    store_cache.card_memory.clear()
    store_cache.page_memory.clear()
    calls = []
    real = store_cache.cache.get_many
    monkeypatch.setattr(
        store_cache.cache, "get_many", lambda keys: calls.append(list(keys)) or real(keys)
    )
    _store(client, q="Many")
    card_reads = [keys for keys in calls if any(k.startswith("store:card:") for k in keys)]
    assert len(card_reads) == 1
    assert len(card_reads[0]) == 5


# Nobody sees another visitor's state ---------------------------------------------------------


@pytest.mark.django_db
def test_a_page_built_from_shared_cards_carries_only_its_own_visitors_state(client):
    owner = DeveloperFactory(display_name="Owner Person")
    mine = make_plugin(owner, status="approved", name_for_human="Alice Installs This")
    make_plugin(owner, status="approved", name_for_human="Nobody Installs This")
    alice = PlusUserFactory(display_name="Alice Zephyrine", email="alice@example.com")
    bob = PlusUserFactory(display_name="Bob Quillfeather", email="bob@example.com")
    services.installation_create(user=alice, plugin_id=mine.pk)
    for n in range(3):
        deliver(alice, NotificationKind.DEVELOPER_ACCESS_GRANTED, n=n)

    alice_page = _store(_signed_in(client, alice))
    alice_token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    client.logout()
    bob_response = _signed_in(client, bob).get(reverse("store:list"))
    bob_page = bob_response.content.decode()
    assert _card_renders(bob_response) == 0  # Bob's cards are the ones Alice's page rendered

    # Alice's own state is on her page...
    assert "Installed" in _card(alice_page, "Alice Installs This")
    assert "Installed" not in _card(alice_page, "Nobody Installs This")
    assert "Alice Zephyrine" in alice_page
    assert "3 unread messages" in alice_page
    # ...and none of it on Bob's, built from the same shared cards.
    assert "Installed" not in _card(bob_page, "Alice Installs This")
    assert "Alice Zephyrine" not in bob_page and "alice@example.com" not in bob_page
    assert "unread messages" not in bob_page
    assert "Bob Quillfeather" in bob_page
    # Each page's CSRF token (the sign-out form) is its own.
    alice_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', alice_page).group(1)
    bob_form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', bob_page).group(1)
    assert alice_form not in bob_page and bob_form != alice_form
    if alice_token:
        assert alice_token not in bob_page
    # The shared cards themselves name nobody who visited, and carry no token or nonce.
    for plugin in Plugin.objects.all():
        shared = cache.get(store_cache.card_cache_key(plugin, CARD))
        assert shared is not None
        for private in ("Alice Zephyrine", "alice@", "Bob Quillfeather", "bob@", "csrf", "nonce"):
            assert private not in shared
        assert "Installed" not in shared
        assert re.findall(r"<!--card-slot:\d+-->", shared) == [store_cache.card_slot(plugin.pk)]
    # Nor does the listing below the header that both pages were assembled from.
    listing = cache.get(store_cache.store_page_cache_key(QueryDict("")) + ":in")[1]
    for private in ("Alice Zephyrine", "alice@", "Bob Quillfeather", "bob@", "csrf", "nonce"):
        assert private not in listing
    assert "Installed" not in listing and "unread" not in listing


@pytest.mark.django_db
def test_an_anonymous_visitor_after_a_signed_in_one_sees_no_installed_mark(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Marked For One")
    user = PlusUserFactory()
    services.installation_create(user=user, plugin_id=plugin.pk)
    assert "Installed" in _card(_store(_signed_in(client, user)), "Marked For One")
    client.logout()
    client.cookies.clear()
    assert "Installed" not in _card(_store(client), "Marked For One")


@pytest.mark.django_db
def test_user_text_in_a_shared_card_is_escaped_and_cannot_spell_the_slot(client):
    hostile = "<!--card-slot:1--><script>alert(1)</script>"
    make_plugin(
        DeveloperFactory(display_name=hostile),
        status="approved",
        name_for_human="Hostile Card",
    )
    user = PlusUserFactory()
    page = _store(_signed_in(client, user))
    card = _card(page, "Hostile Card")
    assert "<script>alert(1)</script>" not in card
    assert "&lt;!--card-slot:1--&gt;" in card  # the developer's name, escaped
    assert "<!--card-slot" not in page


# Each event that changes a card is on the next request ---------------------------------------


def _both_views(client, user, name: str) -> tuple[str, str]:
    """The plugin's card as this signed-in user sees it and as an anonymous visitor does (the
    anonymous page cache is keyed by the listing version; both share the cards)."""
    signed = _card(_store(_signed_in(client, user)), name)
    client.logout()
    client.cookies.clear()
    return signed, _card(_store(client), name)


@pytest.mark.django_db
def test_an_install_and_an_uninstall_change_the_count_on_the_next_request(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Counted")
    viewer, installer = PlusUserFactory(), PlusUserFactory()
    assert "0 installs" in _card(_store(_signed_in(client, viewer)), "Counted")
    services.installation_create(user=installer, plugin_id=plugin.pk)
    assert "1 install<" in _card(_store(client), "Counted")
    services.installation_delete(user=installer, plugin_id=plugin.pk)
    assert "0 installs" in _card(_store(client), "Counted")


@pytest.mark.django_db
def test_a_new_rating_changes_the_stars_on_the_next_request(client):
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Rated")
    rater = PlusUserFactory()
    services.installation_create(user=rater, plugin_id=plugin.pk)
    viewer = PlusUserFactory()
    assert "No ratings yet" in _card(_store(_signed_in(client, viewer)), "Rated")
    rating_save(user=rater, plugin_id=plugin.pk, stars=4)
    signed, anonymous = _both_views(client, viewer, "Rated")
    for card in (signed, anonymous):
        assert "No ratings yet" not in card
        assert "4.0" in card


def _new_version(plugin: Plugin, **manifest) -> int:
    """A newer version of the plugin stored as a refresh stores it (not live yet); its id."""
    manifest_url = f"https://{plugin.domain}/.well-known/ai-plugin.json"
    documents = (
        json.dumps(manifest_for(plugin.domain, **manifest)).encode(),
        json.dumps(spec_for()).encode(),
    )
    fetched = FetchedPlugin(
        manifest_url=manifest_url,
        spec_url=f"https://{plugin.domain}/openapi.json",
        manifest_bytes=documents[0],
        spec_bytes=documents[1],
        report=check_plugin(*documents, manifest_url=manifest_url, local_development=False),
    )
    version, created = plugin_version_store(plugin_id=plugin.pk, fetched=fetched, by=plugin.owner)
    assert created
    return version.pk


@pytest.mark.django_db
def test_an_approval_adds_a_card_and_a_new_live_version_changes_it(client):
    owner, viewer = DeveloperFactory(), PlusUserFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="First Name")
    assert "First Name" in _store(_signed_in(client, viewer))
    approve(register(owner, name_for_human="Newly Approved"))
    assert "Newly Approved" in _store(client)

    version_id = _new_version(
        plugin, name_for_human="Second Name", description_for_human="Now with tides."
    )
    assert "First Name" in _store(client)  # stored, not live: the card is the approved one
    services.plugin_version_make_live(
        plugin_id=plugin.pk, version_id=version_id, by=make_reviewer()
    )
    signed, anonymous = _both_views(client, viewer, "Second Name")
    for card in (signed, anonymous):
        assert "Now with tides." in card
    assert "First Name" not in _store(client)


@pytest.mark.django_db
def test_a_ban_an_unlisting_and_unavailability_show_on_the_next_request(client):
    owner, viewer = DeveloperFactory(), PlusUserFactory()
    banned = make_plugin(owner, status="approved", name_for_human="Soon Banned")
    unlisted = make_plugin(owner, status="approved", name_for_human="Soon Unlisted")
    down = make_plugin(owner, status="approved", name_for_human="Soon Down")
    page = _store(_signed_in(client, viewer))
    assert "Soon Banned" in page and "Soon Unlisted" in page
    assert "Unavailable" not in _card(page, "Soon Down")

    ban(banned)
    plugin_unlist(plugin_id=unlisted.pk, by=owner)
    # The watch marks a plugin unavailable with this update and a new listing version
    # (watch.services._unreachable).
    Plugin.objects.filter(pk=down.pk).update(unavailable_since=timezone.now())
    store_cache.store_listing_changed()

    signed, anonymous_card = _both_views(client, viewer, "Soon Down")
    assert "Unavailable" in signed
    page = _store(_signed_in(client, viewer))
    assert "Soon Banned" not in page and "Soon Unlisted" not in page
    # Back: the first check that answers clears it.
    Plugin.objects.filter(pk=down.pk).update(unavailable_since=None)
    store_cache.store_listing_changed()
    assert "Unavailable" not in _card(_store(client), "Soon Down")


@pytest.mark.django_db
def test_a_category_or_a_developer_name_change_shows_on_the_next_request(client):
    owner, viewer = DeveloperFactory(display_name="Old Studio"), PlusUserFactory()
    plugin = make_plugin(owner, status="approved", name_for_human="Moving")
    card = _card(_store(_signed_in(client, viewer)), "Moving")
    assert "by Old Studio" in card
    services.plugin_set_category(user=owner, plugin_id=plugin.pk, category=Category.COMPUTATION)
    owner.display_name = "New Studio"
    owner.save(update_fields=["display_name"])
    card = _card(_store(client), "Moving")
    assert "by New Studio" in card
    assert Category.COMPUTATION.label in card


# Keys ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cards_key_changes_with_each_field_it_shows_and_only_names_its_content():
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Keyed")
    listed = Plugin.objects.select_related("owner").get(pk=plugin.pk)
    key = store_cache.card_cache_key(listed, CARD)
    assert key.startswith(f"store:card:{plugin.pk}:")
    assert store_cache.card_cache_key(listed, CARD) == key  # the same content, the same key
    changes = {
        "name": "Renamed",
        "description": "Another description.",
        "logo_url": "https://example.com/other.png",
        "category": Category.COMPUTATION,
        "install_count": 7,
        "rating_count": 2,
        "rating_sum": 9,
        "unavailable_since": timezone.now(),
        "slug": "another-slug",
    }
    for field, value in changes.items():
        changed = Plugin.objects.select_related("owner").get(pk=plugin.pk)
        setattr(changed, field, value)
        assert store_cache.card_cache_key(changed, CARD) != key, field
    owner_renamed = Plugin.objects.select_related("owner").get(pk=plugin.pk)
    owner_renamed.owner.display_name = "Someone Else"
    assert store_cache.card_cache_key(owner_renamed, CARD) != key


def test_the_cards_key_follows_its_templates_sources(settings, monkeypatch):
    settings.DEBUG = True  # read the sources again on every call, as a new deploy would
    before = store_cache._template_digest(CARD)
    sources = store_cache._template_sources
    monkeypatch.setattr(
        store_cache,
        "_template_sources",
        lambda name, seen: [*sources(name, seen), "a changed partial"],
    )
    assert store_cache._template_digest(CARD) != before


def test_the_cards_key_covers_its_included_templates():
    names = store_cache._template_sources(CARD, set())[::2]
    assert names == [CARD, "pluginstore/_logo.html", "ratings/_card_rating.html"]


def test_the_process_memory_keeps_at_most_its_size():
    memory = fragments.Memory(3)
    memory.set_many({f"k{n}": f"v{n}" for n in range(5)})
    assert memory.get_many([f"k{n}" for n in range(5)]) == {"k2": "v2", "k3": "v3", "k4": "v4"}
    memory.get_many(["k2"])  # used: kept over k3 when the next one comes
    memory.set_many({"k5": "v5"})
    assert set(memory.get_many([f"k{n}" for n in range(6)])) == {"k2", "k4", "k5"}


def test_templates_are_compiled_once_by_the_cached_loader(settings):
    """No settings module names its loaders, so Django's default applies, which wraps the
    file loaders in the cached loader (DEBUG or not): production compiles each template
    once per process."""
    from django.template import engines

    assert all("loaders" not in engine.get("OPTIONS", {}) for engine in settings.TEMPLATES)
    loaders = engines["django"].engine.template_loaders
    assert [loader.__module__ for loader in loaders] == ["django.template.loaders.cached"]


@pytest.mark.django_db
def test_shared_cards_keep_the_signed_in_store_inside_its_query_budget(client):
    """24 cards cost no query of their own, rendered or fetched: the page's budget (6, as in
    test_store_views) holds with the cards cold and warm, and both cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = DeveloperFactory()
    for n in range(30):
        make_plugin(owner, status="approved", name_for_human=f"Budget {n}")
    _signed_in(client, PlusUserFactory())
    _store(client)  # the listing's count is cached from here on
    store_cache.card_memory.clear()
    listed = Plugin.objects.select_related("owner").order_by("-approved_at", "-id")[:24]
    cache.delete_many([store_cache.card_cache_key(p, CARD) for p in listed])
    with CaptureQueriesContext(connection) as cold:
        cold_page = _store(client)
    with CaptureQueriesContext(connection) as warm:
        page = _store(client)
    assert page.count('<article class="plugin-card">') == 24
    cards = re.compile(r"<article class=\"plugin-card\">.*?</article>", re.S)
    assert cards.findall(page) == cards.findall(cold_page)
    assert len(cold) == len(warm) <= 6
