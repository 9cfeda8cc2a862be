"""Ratings at the same moment, in real concurrent transactions: the plugin's aggregates count
every one of them (each service locks the plugin row and recounts), and one user's double
submit is still one rating."""

import threading

import pytest
from django.db import connection

from pluginstore.models import Plugin
from ratings import services
from ratings.models import Rating
from tests.ratings.helpers import approved_plugin, installer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(*actions) -> list:
    """Run the actions at once, one thread each; None, or the exception raised, per action."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
        except Exception as error:  # noqa: BLE001 - the test reports these
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_concurrent_ratings_are_all_counted():
    plugin = approved_plugin()
    users = [installer(plugin) for _ in range(6)]
    stars = [5, 4, 3, 5, 1, 2]

    outcomes = _race(
        *(
            lambda u=u, s=s: services.rating_save(user=u, plugin_id=plugin.pk, stars=s)
            for u, s in zip(users, stars, strict=True)
        )
    )

    assert outcomes == [None] * len(users)
    plugin = Plugin.objects.get(pk=plugin.pk)
    assert (plugin.rating_count, plugin.rating_sum) == (6, 20)


def test_one_users_double_submit_is_one_rating():
    plugin = approved_plugin()
    user = installer(plugin)

    outcomes = _race(
        lambda: services.rating_save(user=user, plugin_id=plugin.pk, stars=2),
        lambda: services.rating_save(user=user, plugin_id=plugin.pk, stars=4),
    )

    assert outcomes == [None, None]
    rating = Rating.objects.get(plugin=plugin, user=user)
    plugin = Plugin.objects.get(pk=plugin.pk)
    assert (plugin.rating_count, plugin.rating_sum) == (1, rating.stars)
