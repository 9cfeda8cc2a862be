"""A review's journey: a Plus user installs a plugin, rates and reviews it; the developer
answers on the store page; the user reads the answer in Help > Messages and under the review.
At 375 px the reviews section fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import approve, claim, submit

JOURNEY = "rating-journey"
REVIEW = "Found every book I asked for, but the borrowing links are slow."
ANSWER = "Thank you! The library links are cached now, so they open at once."


@pytest.fixture
def listed_plugin():
    """Book Finder, approved through a real review."""
    developer = DeveloperFactory(email="dev@bookfinder.example", display_name="Book Finder Team")
    reviewer = make_reviewer()
    plugin = register(
        developer,
        domain="bookfinder.example",
        name_for_human="Book Finder",
        description_for_human="Find books by title, author or subject and where to borrow them.",
    )
    approve(claim(submit(plugin), reviewer), reviewer, developer_note="Welcome to the store.")
    reader = PlusUserFactory(email="paul@example.com", display_name="Paul")
    return plugin, developer, reader


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_plus_user_rates_and_reviews_and_reads_the_developers_answer(person, listed_plugin):
    plugin, developer, reader = listed_plugin
    detail = f"/store/{plugin.slug}/"

    # The Plus user installs Book Finder from its page; the reviews section invites a rating.
    paul = person()
    paul.sign_in(reader.email)
    paul.page.goto(detail)
    reviews = paul.page.locator("#reviews")
    expect(reviews.get_by_text("Install this plugin to rate it")).to_be_visible()
    paul.page.get_by_role("button", name="Install").click()
    expect(paul.page.get_by_text("Book Finder is installed.")).to_be_visible()

    # Four stars and a review.
    reviews.get_by_label("4 stars: good").check()
    reviews.get_by_label("Your review").fill(REVIEW)
    paul.shot("reader-rates")
    reviews.get_by_role("button", name="Publish rating").click()
    expect(paul.page.get_by_text("your rating is saved")).to_be_visible()
    expect(reviews.get_by_role("heading", name="Your rating")).to_be_visible()
    expect(reviews.get_by_text("4.0")).to_be_visible()
    review = reviews.get_by_role("listitem").filter(has_text=REVIEW)
    expect(review.get_by_role("img", name="4 out of 5 stars")).to_be_visible()
    expect(reviews.get_by_role("meter", name="4 stars: 100% of ratings")).to_be_attached()
    paul.shot("reader-review-published")

    # The store's card shows the average and the count; Top rated lists it.
    paul.page.goto("/store/?sort=rating")
    card = paul.page.locator(".plugin-card").filter(has_text="Book Finder")
    expect(card).to_contain_text("4.0")
    expect(card).to_contain_text("(1")

    # The developer answers the review, once, publicly.
    dev = person()
    dev.sign_in(developer.email)
    dev.page.goto(detail)
    dev_review = dev.page.locator("#reviews").get_by_role("listitem").filter(has_text=REVIEW)
    dev_review.get_by_text("Answer publicly").click()
    dev_review.get_by_label("Your answer").fill(ANSWER)
    dev.shot("developer-answers")
    dev_review.get_by_role("button", name="Publish answer").click()
    expect(dev.page.get_by_text("Your answer is published under the review.")).to_be_visible()
    expect(dev_review.get_by_text(ANSWER)).to_be_visible()
    expect(dev_review.get_by_text("Answer publicly")).to_have_count(0)

    # The reader is told in Help > Messages and sees the answer under the review.
    paul.page.goto("/help/messages/")
    paul.page.get_by_role("link", name=re.compile("Account notices")).click()
    expect(
        paul.page.get_by_role("heading", name=re.compile("developer of Book Finder answered"))
    ).to_be_visible()
    expect(paul.page.get_by_text(ANSWER)).to_be_visible()
    paul.shot("reader-told")
    paul.page.goto(detail)
    answer = paul.page.locator("#reviews .review-answer")
    expect(answer).to_contain_text("Answer from Book Finder Team")
    expect(answer).to_contain_text(ANSWER)

    # On a phone the section fits: no sideways scroll.
    paul.page.set_viewport_size({"width": 375, "height": 800})
    paul.page.goto(detail)
    wide = paul.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, wide
    paul.shot("reader-phone")
