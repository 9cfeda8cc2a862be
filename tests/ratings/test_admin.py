"""The reviewers' Rating admin: reported reviews first, with their reports; Hide with a reason
(the author told once) and Show again; everyone else refused, nothing changed."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import Notification
from pluginstore.models import Plugin
from ratings import services
from ratings.models import Rating
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.ratings.helpers import approved_plugin, rate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:ratings_rating_changelist")


def _transition_url(rating, name):
    return reverse("admin:ratings_rating_transition", args=[rating.pk, name])


def _report(rating, count):
    for _ in range(count):
        services.rating_report(
            user=UserFactory(), plugin_id=rating.plugin_id, rating_id=rating.pk, reason="Rude."
        )


def test_reported_reviews_come_first_with_their_count_and_reports(client):
    plugin = approved_plugin(name_for_human="Listed Weather")
    quiet = rate(plugin, review="Fine.")
    loud = rate(plugin, review="Zloudqx")
    _report(loud, 2)
    client.force_login(make_reviewer())

    page = client.get(LIST_URL)
    reported = client.get(LIST_URL, {"reported": "yes"})
    change = client.get(reverse("admin:ratings_rating_change", args=[loud.pk])).content.decode()

    assert list(page.context["cl"].result_list) == [loud, quiet]
    assert list(reported.context["cl"].result_list) == [loud]
    assert "Zloudqx" in change
    assert change.count("Rude.") == 2
    assert "Hide" in change


def test_a_reviewer_hides_with_a_reason_through_the_form(
    client, django_capture_on_commit_callbacks
):
    plugin = approved_plugin()
    rate(plugin, stars=5)
    rating = rate(plugin, stars=1, review="Insults.")
    client.force_login(make_reviewer())

    empty = client.post(_transition_url(rating, "hide"), {"reason": ""})
    rating.refresh_from_db()
    assert empty.status_code == 200
    assert rating.state == "visible"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_transition_url(rating, "hide"), {"reason": "Insults the developer."})
        again = client.post(_transition_url(rating, "hide"), {"reason": "Twice."}, follow=True)

    rating.refresh_from_db()
    assert (rating.state, rating.hidden_reason) == ("hidden", "Insults the developer.")
    assert "already hidden" in again.content.decode()
    assert Plugin.objects.get(pk=plugin.pk).rating_count == 1
    assert Notification.objects.filter(recipient=rating.user, kind="review_hidden").count() == 1


def test_a_reviewer_shows_a_hidden_review_again(client):
    plugin = approved_plugin()
    rating = rate(plugin, stars=2)
    reviewer = make_reviewer()
    services.rating_hide(rating_id=rating.pk, by=reviewer, reason="Oops.")
    client.force_login(reviewer)

    client.post(
        reverse("admin:ratings_rating_change", args=[rating.pk]),
        {"_fsm_transition_to": "restore"},
    )

    rating.refresh_from_db()
    assert rating.state == "visible"
    assert Plugin.objects.get(pk=plugin.pk).rating_count == 1


@pytest.mark.parametrize("who", ["staff", "owner_reviewer"])
def test_staff_outside_reviewers_and_the_plugins_owner_cannot_hide(client, who):
    owner = make_reviewer(account_type="developer") if who == "owner_reviewer" else None
    plugin = approved_plugin(owner or DeveloperFactory())
    rating = rate(plugin)
    client.force_login(owner or UserFactory(is_staff=True))
    change_url = reverse("admin:ratings_rating_change", args=[rating.pk])

    button = client.post(change_url, {"_fsm_transition_to": "hide"})
    form = client.post(_transition_url(rating, "hide"), {"reason": "Mine."})

    assert (button.status_code, form.status_code) == (403, 403)
    assert Rating.objects.get(pk=rating.pk).state == "visible"


def test_the_rating_list_query_count_does_not_grow(client):
    plugin = approved_plugin()
    client.force_login(make_reviewer())
    for _ in range(3):
        _report(rate(plugin), 1)
    cache.clear()  # both measured with nothing copied (the header's unread count)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for _ in range(20):
        _report(rate(plugin), 1)

    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(LIST_URL)

    assert len(many) == len(few)
