import pytest
from django.conf import settings

from core.exceptions import ApplicationError
from inbox.models import Message, Notification
from pluginstore import services as plugin_services
from pluginstore.models import Plugin
from ratings import services
from ratings.models import Rating, ReviewReport
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import ban, make_plugin
from tests.ratings.helpers import approved_plugin, installer, rate

pytestmark = pytest.mark.django_db


def _aggregates(plugin):
    plugin = Plugin.objects.get(pk=plugin.pk)
    return plugin.rating_count, plugin.rating_sum, plugin.rating_score


def _score(count, total):
    weight, mean = settings.RATING_PRIOR_WEIGHT, settings.RATING_PRIOR_MEAN
    return (weight * mean + total) / (weight + count)


# Who may rate -----------------------------------------------------------------------------


def test_an_installer_rates_and_the_aggregates_follow():
    plugin = approved_plugin()
    rating = rate(plugin, stars=4, review="Handy.")

    assert (rating.stars, rating.review) == (4, "Handy.")
    assert _aggregates(plugin) == (1, 4, pytest.approx(_score(1, 4)))


def test_someone_who_never_installed_cannot_rate():
    plugin = approved_plugin()
    stranger = PlusUserFactory()

    with pytest.raises(ApplicationError, match="Install this plugin to rate it"):
        services.rating_save(user=stranger, plugin_id=plugin.pk, stars=5)
    assert not Rating.objects.exists()
    assert _aggregates(plugin) == (0, 0, 0.0)


def test_a_former_installer_keeps_the_right_to_rate():
    plugin = approved_plugin()
    user = installer(plugin)
    plugin_services.installation_delete(user=user, plugin_id=plugin.pk)

    rating = services.rating_save(user=user, plugin_id=plugin.pk, stars=3)

    assert rating.stars == 3


def test_the_owner_cannot_rate_their_own_plugin():
    owner = DeveloperFactory()
    plugin = approved_plugin(owner)
    plugin_services.installation_create(user=owner, plugin_id=plugin.pk)

    with pytest.raises(ApplicationError, match="your own plugin"):
        services.rating_save(user=owner, plugin_id=plugin.pk, stars=5)


def test_a_plugin_out_of_the_store_cannot_be_rated():
    plugin = approved_plugin()
    user = installer(plugin)
    ban(plugin)

    with pytest.raises(ApplicationError, match="Only plugins in the store"):
        services.rating_save(user=user, plugin_id=plugin.pk, stars=5)


@pytest.mark.parametrize("stars", [0, 6, -1])
def test_stars_are_one_to_five(stars):
    plugin = approved_plugin()
    user = installer(plugin)

    with pytest.raises(ApplicationError, match="1 to 5 stars"):
        services.rating_save(user=user, plugin_id=plugin.pk, stars=stars)
    assert not Rating.objects.exists()


def test_a_review_longer_than_the_limit_is_refused():
    plugin = approved_plugin()
    user = installer(plugin)

    with pytest.raises(ApplicationError, match="at most 3000 characters"):
        services.rating_save(user=user, plugin_id=plugin.pk, stars=5, review="x" * 3001)
    assert not Rating.objects.exists()


# One per plugin, edit, delete -------------------------------------------------------------


def test_rating_again_changes_the_one_rating():
    plugin = approved_plugin()
    first = rate(plugin, stars=2, review="Meh.")

    second = services.rating_save(user=first.user, plugin_id=plugin.pk, stars=5, review="Fixed!")

    assert second.pk == first.pk
    assert Rating.objects.filter(plugin=plugin).count() == 1
    assert (second.stars, second.review) == (5, "Fixed!")
    assert _aggregates(plugin) == (1, 5, pytest.approx(_score(1, 5)))


def test_deleting_a_rating_takes_it_out_of_the_aggregates():
    plugin = approved_plugin()
    rate(plugin, stars=5)
    mine = rate(plugin, stars=1)

    assert services.rating_delete(user=mine.user, plugin_id=plugin.pk) is True
    assert services.rating_delete(user=mine.user, plugin_id=plugin.pk) is False
    assert _aggregates(plugin) == (1, 5, pytest.approx(_score(1, 5)))


def test_the_bayesian_score_keeps_one_five_star_rating_below_many_good_ones():
    lone = approved_plugin()
    rate(lone, stars=5)
    loved = approved_plugin()
    for stars in [5, 5, 5, 4, 5, 4, 5, 5, 5, 4]:
        rate(loved, stars=stars)

    lone_score, loved_score = _aggregates(lone)[2], _aggregates(loved)[2]
    assert lone_score == pytest.approx((5 * 3.5 + 5) / 6)
    assert loved_score == pytest.approx((5 * 3.5 + 47) / 15)
    assert loved_score > lone_score


def test_deleting_an_account_takes_its_ratings_out_of_the_aggregates():
    plugin = approved_plugin()
    rate(plugin, stars=4)
    gone = rate(plugin, stars=1)

    gone.user.delete()

    assert _aggregates(plugin) == (1, 4, pytest.approx(_score(1, 4)))


# The developer's answer -------------------------------------------------------------------


def test_the_developer_answers_once_and_the_author_is_told_once(
    django_capture_on_commit_callbacks,
):
    owner = DeveloperFactory()
    plugin = approved_plugin(owner)
    rating = rate(plugin, stars=2, review="Slow.")

    with django_capture_on_commit_callbacks(execute=True):
        services.rating_answer(
            user=owner, plugin_id=plugin.pk, rating_id=rating.pk, answer="Faster now."
        )
        with pytest.raises(ApplicationError, match="already answered"):
            services.rating_answer(
                user=owner, plugin_id=plugin.pk, rating_id=rating.pk, answer="Again."
            )

    rating.refresh_from_db()
    assert (rating.answer, rating.answered_by) == ("Faster now.", owner)
    notice = Notification.objects.get(recipient=rating.user)
    assert notice.kind == "review_answered"
    message = Message.objects.get(notification=notice)
    assert "Faster now." in message.body


@pytest.mark.parametrize("who", ["stranger", "other_developer", "reviewer"])
def test_only_the_owner_answers(who):
    plugin = approved_plugin()
    rating = rate(plugin)
    user = {"stranger": PlusUserFactory, "other_developer": DeveloperFactory}.get(
        who, make_reviewer
    )()

    with pytest.raises(ApplicationError, match="can't answer"):
        services.rating_answer(user=user, plugin_id=plugin.pk, rating_id=rating.pk, answer="Hi")
    rating.refresh_from_db()
    assert rating.answered_at is None
    assert not Notification.objects.exists()


def test_an_empty_answer_is_refused():
    owner = DeveloperFactory()
    plugin = approved_plugin(owner)
    rating = rate(plugin)

    with pytest.raises(ApplicationError, match="Write an answer"):
        services.rating_answer(user=owner, plugin_id=plugin.pk, rating_id=rating.pk, answer="  ")


def test_a_review_of_another_plugin_cannot_be_answered_through_mine():
    owner = DeveloperFactory()
    mine = approved_plugin(owner)
    elsewhere = rate(approved_plugin())

    with pytest.raises(ApplicationError, match="no longer exists"):
        services.rating_answer(user=owner, plugin_id=mine.pk, rating_id=elsewhere.pk, answer="x")


# Reports ----------------------------------------------------------------------------------


def test_anyone_signed_in_reports_a_review_once():
    plugin = approved_plugin()
    rating = rate(plugin, review="Spam spam.")
    reporter = UserFactory()

    services.rating_report(user=reporter, plugin_id=plugin.pk, rating_id=rating.pk, reason="Spam")
    with pytest.raises(ApplicationError, match="already reported"):
        services.rating_report(
            user=reporter, plugin_id=plugin.pk, rating_id=rating.pk, reason="Spam!"
        )

    assert ReviewReport.objects.get().reason == "Spam"


def test_the_author_cannot_report_their_own_review_and_a_reason_is_needed():
    plugin = approved_plugin()
    rating = rate(plugin)

    ids = {"plugin_id": plugin.pk, "rating_id": rating.pk}
    with pytest.raises(ApplicationError, match="can't report"):
        services.rating_report(user=rating.user, reason="x", **ids)
    with pytest.raises(ApplicationError, match="Write what is wrong"):
        services.rating_report(user=UserFactory(), reason="", **ids)
    assert not ReviewReport.objects.exists()


def test_reports_per_day_are_bounded(monkeypatch):
    monkeypatch.setattr(services, "REPORTS_PER_DAY", 2)
    plugin = approved_plugin()
    ratings = [rate(plugin) for _ in range(3)]
    reporter = UserFactory()
    for rating in ratings[:2]:
        services.rating_report(user=reporter, plugin_id=plugin.pk, rating_id=rating.pk, reason="x")

    with pytest.raises(ApplicationError, match="at most 2 reviews a day"):
        services.rating_report(
            user=reporter, plugin_id=plugin.pk, rating_id=ratings[2].pk, reason="x"
        )
    assert ReviewReport.objects.count() == 2


# Hiding -----------------------------------------------------------------------------------


def test_a_reviewer_hides_a_review_it_leaves_the_average_and_the_author_is_told_once(
    django_capture_on_commit_callbacks,
):
    plugin = approved_plugin()
    rate(plugin, stars=5)
    rude = rate(plugin, stars=1, review="Rude words.")
    reviewer = make_reviewer()

    with django_capture_on_commit_callbacks(execute=True):
        services.rating_hide(rating_id=rude.pk, by=reviewer, reason="Insults the developer.")
        with pytest.raises(ApplicationError, match="already hidden"):
            services.rating_hide(rating_id=rude.pk, by=reviewer, reason="Again.")

    rude.refresh_from_db()
    assert (rude.state, rude.hidden_by, rude.hidden_reason) == (
        "hidden",
        reviewer,
        "Insults the developer.",
    )
    assert _aggregates(plugin) == (1, 5, pytest.approx(_score(1, 5)))
    notice = Notification.objects.get(recipient=rude.user)
    assert notice.kind == "review_hidden"
    assert "Insults the developer." in Message.objects.get(notification=notice).body


def test_a_hidden_review_cannot_be_edited_but_can_be_deleted():
    plugin = approved_plugin()
    rating = rate(plugin, stars=1)
    services.rating_hide(rating_id=rating.pk, by=make_reviewer(), reason="Off topic.")

    with pytest.raises(ApplicationError, match="hid your review"):
        services.rating_save(user=rating.user, plugin_id=plugin.pk, stars=5, review="Nice now")
    assert services.rating_delete(user=rating.user, plugin_id=plugin.pk)
    assert _aggregates(plugin) == (0, 0, 0.0)


def test_a_restored_review_counts_again():
    plugin = approved_plugin()
    rating = rate(plugin, stars=2)
    reviewer = make_reviewer()
    services.rating_hide(rating_id=rating.pk, by=reviewer, reason="Mistake.")

    services.rating_restore(rating_id=rating.pk, by=reviewer)

    assert _aggregates(plugin) == (1, 2, pytest.approx(_score(1, 2)))


@pytest.mark.parametrize("who", ["staff", "owner_reviewer", "plus"])
def test_only_reviewers_hide_and_never_on_their_own_plugin(who):
    if who == "owner_reviewer":
        owner = make_reviewer(account_type="developer")
        user = owner
    else:
        owner = DeveloperFactory()
        user = UserFactory(is_staff=True) if who == "staff" else PlusUserFactory()
    plugin = approved_plugin(owner)
    rating = rate(plugin)

    with pytest.raises(ApplicationError, match="can't hide"):
        services.rating_hide(rating_id=rating.pk, by=user, reason="x")
    rating.refresh_from_db()
    assert rating.state == "visible"


def test_the_store_cache_is_invalidated_when_the_aggregates_change():
    from pluginstore.store_cache import store_generation

    plugin = approved_plugin()
    before = store_generation()
    rate(plugin)

    assert store_generation() != before


def test_an_unverified_plugin_cannot_be_rated_by_its_tester():
    owner = DeveloperFactory()
    plugin = make_plugin(owner)
    tester = DeveloperFactory()
    plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    plugin_services.installation_create(user=tester, plugin_id=plugin.pk)

    with pytest.raises(ApplicationError, match="Only plugins in the store"):
        services.rating_save(user=tester, plugin_id=plugin.pk, stars=5)
