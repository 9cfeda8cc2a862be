import pytest
from django.urls import reverse

from pluginstore.models import Category, Installation
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import approve, make_plugin, register


def _store(client, **params):
    return client.get(reverse("store:list"), params)


def _names(response):
    return [p.display_name for p in response.context["page"].object_list]


@pytest.mark.django_db
def test_the_store_lists_approved_plugins_only(client):
    owner = DeveloperFactory()
    make_plugin(owner, status="approved", name_for_human="Shown One")
    make_plugin(owner, status="unverified", name_for_human="Hidden Draft")
    make_plugin(owner, status="banned", name_for_human="Hidden Banned")
    response = _store(client)
    assert response.status_code == 200
    assert _names(response) == ["Shown One"]
    assert b"Hidden" not in response.content


@pytest.mark.django_db
def test_the_store_has_a_helpful_empty_state(client):
    response = _store(client)
    assert b"The store is empty for now" in response.content
    response = _store(client, q="nothing-matches-this")
    assert b"No plugins match" in response.content


@pytest.mark.django_db
def test_search_finds_by_name_and_description(client):
    owner = DeveloperFactory()
    make_plugin(owner, status="approved", name_for_human="Rain Radar")
    make_plugin(
        owner,
        status="approved",
        name_for_human="Pantry Chef",
        description_for_human="Recipes from what is in your fridge.",
    )
    assert _names(_store(client, q="radar")) == ["Rain Radar"]
    assert _names(_store(client, q="recipes")) == ["Pantry Chef"]
    assert _names(_store(client, q="no such thing")) == []


@pytest.mark.django_db
@pytest.mark.postgres
def test_search_ranks_a_name_match_above_a_description_match(client):
    owner = DeveloperFactory()
    make_plugin(
        owner,
        status="approved",
        name_for_human="Flight Deals",
        description_for_human="Cheap tickets for travel.",
    )
    make_plugin(
        owner,
        status="approved",
        name_for_human="Travel Buddy",
        description_for_human="Packing lists for any flight you take.",
    )
    assert _names(_store(client, q="flight")) == ["Flight Deals", "Travel Buddy"]
    # Stemming: "flights" finds "flight".
    assert set(_names(_store(client, q="flights"))) == {"Flight Deals", "Travel Buddy"}


@pytest.mark.django_db
def test_category_filter_and_sorting(client):
    owner = DeveloperFactory()
    a = make_plugin(owner, status="approved", name_for_human="Alpha", category=Category.COMPUTATION)
    make_plugin(owner, status="approved", name_for_human="Bravo", category=Category.RETRIEVAL)
    c = make_plugin(
        owner, status="approved", name_for_human="Charlie", category=Category.COMPUTATION
    )
    from pluginstore import services

    services.installation_create(user=PlusUserFactory(), plugin_id=c.pk)
    assert _names(_store(client, category="computation", sort="name")) == ["Alpha", "Charlie"]
    assert _names(_store(client, sort="name")) == ["Alpha", "Bravo", "Charlie"]
    assert _names(_store(client, sort="popular"))[0] == "Charlie"
    assert _names(_store(client, sort="newest"))[0] == "Charlie"
    # Unknown values fall back instead of failing.
    response = _store(client, category="<script>", sort="drop table", page="x")
    assert response.status_code == 200
    assert len(_names(response)) == 3
    assert a.pk


@pytest.mark.django_db
def test_a_search_typed_on_the_plain_listing_ranks_by_best_match(client):
    # The sort control's default is "": newest without a query, best match with one, so the
    # form (which always sends the control's value) does not pin a new search to "newest".
    page = _store(client).content.decode()
    assert '<option value="" selected>Newest</option>' in page
    assert 'value="newest"' not in page
    searched = _store(client, q="weather", sort="")
    assert searched.context["query"].sort == "relevance"
    page = searched.content.decode()
    assert '<option value="" selected>Best match</option>' in page
    assert '<option value="newest" >Newest</option>' in page


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client):
    owner = DeveloperFactory()
    for n in range(26):
        make_plugin(
            owner, status="approved", name_for_human=f"Tool {n:02d}", category=Category.RETRIEVAL
        )
    response = _store(client, category="retrieval", sort="name", page=2)
    assert _names(response) == ["Tool 24", "Tool 25"]
    assert b"category=retrieval&amp;sort=name&amp;page=1" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user_factory", "expected"),
    [
        (None, b"Sign in to install plugins."),
        (UserFactory, b"Upgrade to Plus"),
        (PlusUserFactory, b">Install</button>"),
    ],
)
def test_the_detail_page_offers_install_or_says_why_not(client, user_factory, expected):
    plugin = make_plugin(DeveloperFactory(), status="approved")
    if user_factory:
        client.force_login(user_factory())
    response = client.get(reverse("store:detail", args=[plugin.slug]))
    assert response.status_code == 200
    assert expected in response.content
    assert b"support@" in response.content  # contact link
    assert b"Get weather forecasts for a European city" in response.content  # for the model
    assert b"/legal" in response.content  # legal link


@pytest.mark.django_db
def test_unverified_and_banned_plugins_are_not_found_for_strangers(client):
    owner = DeveloperFactory()
    draft = make_plugin(owner)
    banned = make_plugin(owner, status="banned")
    client.force_login(PlusUserFactory())
    assert client.get(reverse("store:detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("store:detail", args=[banned.slug])).status_code == 404


@pytest.mark.django_db
def test_a_plus_user_installs_and_uninstalls(client):
    user = PlusUserFactory()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    client.force_login(user)
    response = client.post(reverse("store:install", args=[plugin.slug]), follow=True)
    assert b"is installed" in response.content
    assert Installation.objects.filter(user=user, plugin=plugin).exists()
    client.post(reverse("store:uninstall", args=[plugin.slug]))
    assert not Installation.objects.filter(user=user, plugin=plugin).exists()


@pytest.mark.django_db
def test_a_normal_user_cannot_install_even_by_posting(client):
    user = UserFactory()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    client.force_login(user)
    response = client.post(reverse("store:install", args=[plugin.slug]), follow=True)
    assert b"Upgrade to Plus to install plugins." in response.content
    assert not Installation.objects.exists()


@pytest.mark.django_db
def test_install_requires_csrf(client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(PlusUserFactory())
    plugin = make_plugin(DeveloperFactory(), status="approved")
    assert csrf_client.post(reverse("store:install", args=[plugin.slug])).status_code == 403
    assert not Installation.objects.exists()


@pytest.mark.django_db
def test_a_banned_plugins_installs_show_as_removed(client):
    from tests.pluginstore.helpers import ban

    user = PlusUserFactory()
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Gone Soon")
    from pluginstore import services

    services.installation_create(user=user, plugin_id=plugin.pk)
    ban(plugin)
    client.force_login(user)
    response = client.get(reverse("store:installed"))
    assert b"Gone Soon" in response.content
    assert b"Removed" in response.content
    detail = client.get(reverse("store:detail", args=[plugin.slug]))
    assert b"Removed: this plugin was banned." in detail.content
    assert b">Install</button>" not in detail.content


@pytest.mark.django_db
def test_user_text_is_escaped(client):
    plugin = make_plugin(
        DeveloperFactory(display_name="<b>Evil</b>"),
        status="approved",
        description_for_human="<script>alert(1)</script> Safe.",
    )
    response = client.get(reverse("store:detail", args=[plugin.slug]))
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert b"<b>Evil</b>" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_store_page_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    _bulk_approved(count)
    client.force_login(PlusUserFactory())
    # User, count or search, page rows, installs, unread count (the session is cached).
    with django_assert_max_num_queries(5):
        response = _store(client, sort="popular")
    assert response.status_code == 200
    with django_assert_max_num_queries(5):
        _store(client, q="tool", page=2)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_detail_page_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    plugins = _bulk_approved(count)
    user = PlusUserFactory()
    from pluginstore import services

    for p in plugins[:5]:
        services.installation_create(user=user, plugin_id=p.pk)
    client.force_login(user)
    url = reverse("store:detail", args=[plugins[0].slug])
    # Cold, every copy made afresh (tests/budget.py): the session and the user, the plugin's
    # id and page (with its co-developers), the user's installs, rating and past installs,
    # the reviews section and its distribution, the report box and the unread count.
    forget_copies()
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    # Warm: every part from a copy.
    with django_assert_max_num_queries(0):
        client.get(url)
    forget_copies()
    with django_assert_max_num_queries(5):
        client.get(reverse("store:installed"))


def _bulk_approved(count):
    """Many approved plugins, each registered, checked and approved by the real services."""
    owner, reviewer = DeveloperFactory(), make_reviewer()
    plugins = []
    for i in range(count):
        plugin = register(owner, name_for_human=f"Tool {i}")
        plugins.append(approve(plugin, reviewer))
    return plugins


@pytest.mark.django_db
def test_the_cached_store_count_follows_approvals_and_bans(client):
    from tests.pluginstore.helpers import ban

    owner = DeveloperFactory()
    make_plugin(owner, status="approved")
    assert _store(client).context["page"].paginator.count == 1
    second = make_plugin(owner, status="approved")
    assert _store(client).context["page"].paginator.count == 2
    ban(second)
    assert _store(client).context["page"].paginator.count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["newest", "popular", "name"])
def test_a_search_sorts_its_matches_as_the_listing_does(client, sort):
    # On PostgreSQL the search orders in its own SQL, derived from the listing's SORTS.
    from pluginstore import services

    owner, fan = DeveloperFactory(), PlusUserFactory()
    plugins = [make_plugin(owner, status="approved", name_for_human=f"Radar {c}") for c in "CADB"]
    for plugin in plugins[1:3]:
        services.installation_create(user=fan, plugin_id=plugin.pk)
    listing = _names(_store(client, sort=sort))
    assert len(listing) == 4
    assert _names(_store(client, q="radar", sort=sort)) == listing
