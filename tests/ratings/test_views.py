"""The reviews section on the store's detail page and its actions, through the client."""

import pytest
from django.urls import reverse

from pluginstore import services as plugin_services
from ratings import services
from ratings.models import Rating, ReviewReport
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.ratings.helpers import approved_plugin, installer, rate

pytestmark = pytest.mark.django_db


def _detail(client, plugin, **params):
    return client.get(reverse("store:detail", args=[plugin.slug]), params)


def test_an_installer_rates_from_the_detail_page_and_sees_it(client):
    plugin = approved_plugin()
    user = installer(plugin)
    client.force_login(user)

    page = _detail(client, plugin).content.decode()
    assert "Rate this plugin" in page
    response = client.post(
        reverse("ratings:edit", args=[plugin.slug]), {"stars": "4", "review": "Works well."}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/store/{plugin.slug}/#your-rating")
    page = _detail(client, plugin).content.decode()
    assert "Your rating" in page
    assert "Works well." in page
    assert "4.0" in page


def test_someone_who_never_installed_is_told_how_to_earn_the_right(client):
    plugin = approved_plugin()
    client.force_login(PlusUserFactory())

    page = _detail(client, plugin).content.decode()
    response = client.post(reverse("ratings:edit", args=[plugin.slug]), {"stars": "5"})

    assert "Install this plugin to rate it" in page
    assert response.status_code == 302
    assert not Rating.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client):
    plugin = approved_plugin()
    rate(plugin, review="Lovely.")

    page = _detail(client, plugin).content.decode()
    response = client.post(reverse("ratings:edit", args=[plugin.slug]), {"stars": "5"})

    assert "Lovely." in page
    assert "Sign in</a> to rate it" in page
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Rating.objects.count() == 1


def test_a_bad_rating_form_says_why_and_changes_nothing(client):
    plugin = approved_plugin()
    client.force_login(installer(plugin))

    response = client.post(
        reverse("ratings:edit", args=[plugin.slug]), {"stars": "9", "review": "x" * 3001}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "at most 3000 characters" in page
    assert not Rating.objects.exists()


def test_the_author_edits_and_deletes_their_rating(client):
    plugin = approved_plugin()
    rating = rate(plugin, stars=2, review="Meh.")
    client.force_login(rating.user)

    edit = client.get(reverse("ratings:edit", args=[plugin.slug]))
    client.post(reverse("ratings:edit", args=[plugin.slug]), {"stars": "5", "review": "Great."})
    rating.refresh_from_db()
    assert edit.status_code == 200
    assert "Meh." in edit.content.decode()
    assert (rating.stars, rating.review) == (5, "Great.")

    client.post(reverse("ratings:delete", args=[plugin.slug]))
    assert not Rating.objects.exists()


def test_the_owner_answers_publicly_once_and_the_author_sees_it(client):
    owner = DeveloperFactory()
    plugin = approved_plugin(owner)
    rating = rate(plugin, stars=3, review="Could be faster.")
    client.force_login(owner)
    url = reverse("ratings:answer", args=[plugin.slug, rating.pk])

    assert "Answer publicly" in _detail(client, plugin).content.decode()
    client.post(url, {"answer": "It is faster now."})
    again = client.post(url, {"answer": "Second answer."}, follow=True)

    assert "already answered" in again.content.decode()
    client.force_login(rating.user)
    page = _detail(client, plugin).content.decode()
    assert "It is faster now." in page
    assert "Second answer." not in page


def test_another_users_answer_url_is_a_404_and_changes_nothing(client):
    plugin = approved_plugin()
    rating = rate(plugin)
    for user in (DeveloperFactory(), rating.user, make_reviewer()):
        client.force_login(user)
        response = client.post(
            reverse("ratings:answer", args=[plugin.slug, rating.pk]), {"answer": "Mine!"}
        )
        assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.answered_at is None


def test_a_rating_through_another_plugins_url_is_a_404(client):
    owner = DeveloperFactory()
    mine = approved_plugin(owner)
    elsewhere = rate(approved_plugin())
    client.force_login(owner)

    answer = client.post(
        reverse("ratings:answer", args=[mine.slug, elsewhere.pk]), {"answer": "Hi"}
    )
    client.force_login(UserFactory())
    report = client.post(reverse("ratings:report", args=[mine.slug, elsewhere.pk]), {"reason": "x"})

    assert (answer.status_code, report.status_code) == (404, 404)
    assert not ReviewReport.objects.exists()


def test_a_signed_in_user_reports_a_review_once(client):
    plugin = approved_plugin()
    rating = rate(plugin, review="Buy my other plugin!")
    client.force_login(UserFactory())
    url = reverse("ratings:report", args=[plugin.slug, rating.pk])

    first = client.post(url, {"reason": "Advertising."}, follow=True)
    second = client.post(url, {"reason": "Advertising again."}, follow=True)
    empty = client.post(url, {"reason": ""}, follow=True)

    assert "reviewers will look" in first.content.decode()
    assert "already reported" in second.content.decode()
    assert "This field is required" in empty.content.decode()
    assert ReviewReport.objects.get().reason == "Advertising."


def test_a_hidden_review_leaves_the_page_and_its_author_sees_why(client):
    plugin = approved_plugin()
    rating = rate(plugin, stars=1, review="Zhiddenqx")
    services.rating_hide(rating_id=rating.pk, by=make_reviewer(), reason="Zreasonqx")

    client.force_login(UserFactory())
    other = _detail(client, plugin).content.decode()
    report = client.post(reverse("ratings:report", args=[plugin.slug, rating.pk]), {"reason": "x"})
    client.force_login(rating.user)
    own = _detail(client, plugin).content.decode()

    assert "Zhiddenqx" not in other
    assert "No ratings yet." in other
    assert report.status_code == 404
    assert "Zreasonqx" in own


def test_reviews_are_paginated_newest_first(client):
    plugin = approved_plugin()
    for n in range(12):
        rate(plugin, stars=5, review=f"Review number {n:02d}.")

    first = _detail(client, plugin).content.decode()
    second = _detail(client, plugin, page=2).content.decode()

    assert "Review number 11." in first
    assert "Review number 02." in first
    assert "Review number 01." not in first
    assert "Review number 01." in second
    assert "Review number 00." in second
    assert "Page 1 of 2" in first


def test_the_distribution_counts_each_number_of_stars(client):
    plugin = approved_plugin()
    for stars in (5, 5, 4, 1):
        rate(plugin, stars=stars)

    response = _detail(client, plugin)
    page = response.content.decode()

    assert "4 ratings" in page
    assert "3.8" in page  # 15 / 4
    assert 'aria-label="5 stars: 50% of ratings"' in page
    assert 'aria-label="4 stars: 25% of ratings"' in page
    assert 'aria-label="3 stars: 0% of ratings"' in page
    assert 'aria-label="1 star: 25% of ratings"' in page


def test_cards_show_the_average_and_count_and_the_store_sorts_by_rating(client):
    owner = DeveloperFactory()
    lone = approved_plugin(owner, name_for_human="Lone Five")
    rate(lone, stars=5)
    loved = approved_plugin(owner, name_for_human="Much Loved")
    for _ in range(6):
        rate(loved, stars=5)
    approved_plugin(owner, name_for_human="Unrated")

    response = client.get(reverse("store:list"), {"sort": "rating"})
    names = [p.display_name for p in response.context["page"].object_list]
    page = response.content.decode()

    assert names == ["Much Loved", "Lone Five", "Unrated"]
    assert "5.0" in page
    assert "(6<span" in page
    assert "No ratings yet" in page
    assert 'value="rating" selected' in page


def test_the_cached_store_page_shows_a_new_rating(client):
    plugin = approved_plugin(name_for_human="Cached One")
    first = client.get(reverse("store:list")).content.decode()
    assert "No ratings yet" in first

    rate(plugin, stars=4)
    second = client.get(reverse("store:list")).content.decode()

    assert "4.0" in second


def test_a_former_installer_can_still_rate_from_the_page(client):
    plugin = approved_plugin()
    user = installer(plugin)
    plugin_services.installation_delete(user=user, plugin_id=plugin.pk)
    client.force_login(user)

    assert "Rate this plugin" in _detail(client, plugin).content.decode()
    client.post(reverse("ratings:edit", args=[plugin.slug]), {"stars": "3"})

    assert Rating.objects.get().stars == 3


def test_a_search_sorted_by_rating_ranks_as_the_listing_does(client):
    owner = DeveloperFactory()
    low = approved_plugin(owner, name_for_human="Weather Low")
    rate(low, stars=2)
    high = approved_plugin(owner, name_for_human="Weather High")
    rate(high, stars=5)
    approved_plugin(owner, name_for_human="Weather Unrated")

    response = client.get(reverse("store:list"), {"q": "weather", "sort": "rating"})

    names = [p.display_name for p in response.context["page"].object_list]
    assert names == ["Weather High", "Weather Low", "Weather Unrated"]
