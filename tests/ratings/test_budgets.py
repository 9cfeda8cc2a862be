"""Query budgets: the store list and the detail page cost the same with 10 or 1,000 reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from ratings import services
from ratings.models import EverInstalled, Rating
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, PlusUserFactory
from tests.ratings.helpers import approved_plugin, installer

pytestmark = pytest.mark.django_db


def _reviewed(plugin, count: int):
    """`count` ratings with reviews and answers; bulk rows, then one real rating recounts."""
    users = User.objects.bulk_create(
        [User(email=f"r{plugin.pk}-{n}@example.com", account_type="plus") for n in range(count)]
    )
    EverInstalled.objects.bulk_create([EverInstalled(user=u, plugin=plugin) for u in users])
    Rating.objects.bulk_create(
        [
            Rating(
                plugin=plugin,
                user=u,
                stars=1 + n % 5,
                review=f"Review {n}",
                answer="Thanks!" if n % 2 else "",
                answered_by=plugin.owner if n % 2 else None,
                answered_at=u.date_joined if n % 2 else None,
            )
            for n, u in enumerate(users)
        ]
    )
    services.rating_save(user=installer(plugin), plugin_id=plugin.pk, stars=5, review="Last")


def _queries(client, url, **params) -> int:
    """The page's queries with nothing in the cache or memory: the most it can cost
    (core/versions.py copies and the store's memories only take queries off)."""
    forget_copies()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["anonymous", "installer", "owner"])
def test_the_detail_page_costs_the_same_with_10_or_1000_reviews(client, role):
    owner = DeveloperFactory()
    few, many = approved_plugin(owner), approved_plugin(owner)
    _reviewed(few, 10)
    _reviewed(many, 1000)
    if role == "owner":
        client.force_login(owner)
    elif role == "installer":
        user = PlusUserFactory()
        installer(few, user)
        installer(many, user)
        client.force_login(user)

    costs = {
        (plugin.rating_count, page): _queries(
            client, reverse("store:detail", args=[plugin.slug]), page=page
        )
        for plugin in (few, many)
        for page in (1, 2)
        if plugin.refresh_from_db() is None
    }

    assert len(set(costs.values())) == 1, costs
    # Anonymous: the plugin's id and page (with its co-developers), the distribution and the
    # page of reviews. Signed in, also: the session and the user, the header's badge, the
    # visitor's installs, own rating and past installs, and their latest report.
    assert max(costs.values()) <= (5 if role == "anonymous" else 12), costs
    many.refresh_from_db()
    assert many.rating_count == 1001


def test_the_store_list_costs_the_same_with_many_rated_plugins(client):
    owner = DeveloperFactory()
    plugins = [approved_plugin(owner) for _ in range(3)]
    client.force_login(PlusUserFactory())
    before = _queries(client, reverse("store:list"), sort="rating")
    for plugin in plugins:
        _reviewed(plugin, 300)

    after = _queries(client, reverse("store:list"), sort="rating")

    assert after == before
    assert after <= 8


def test_the_rating_form_page_costs_the_same_with_10_or_1000_reviews(client):
    owner = DeveloperFactory()
    few, many = approved_plugin(owner), approved_plugin(owner)
    _reviewed(few, 10)
    _reviewed(many, 1000)
    user = PlusUserFactory()
    for plugin in (few, many):
        services.rating_save(user=installer(plugin, user), plugin_id=plugin.pk, stars=3)
    client.force_login(user)

    costs = [_queries(client, reverse("ratings:edit", args=[p.slug])) for p in (few, many)]

    assert costs[0] == costs[1]
    assert costs[0] <= 10, costs
