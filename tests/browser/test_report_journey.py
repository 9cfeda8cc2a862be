"""Journey: a user reports a plugin and a reviewer bans it (issue 13's Done when). A Plus user
installs Book Finder, rates and reviews it, and its developer answers; another user reports it
from its page; a reviewer sees "open reports" in
the queue's risk flags and the report in the reports list, opens the plugin and bans it; the
reporter and the installer are each told in Help > Messages, and the install shows as removed
with the reason. Along the way: the store's card footers line up across a row, and the report
form fits a 375 px screen."""

import re

import pytest
from playwright.sync_api import expect

from pluginstore import services as plugin_services
from pluginstore.models import Category
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import fake_fetch, manifest_for, register, spec_for
from tests.reviews.helpers import approve, claim, submit

JOURNEY = "report"
REPORT = "It asks for my library card PIN and sends it to an unknown site."
BAN_REASON = "Collects library card PINs (privacy, C1). Reported by users."
REVIEW = "Finds every book, though it asked for my library card."
ANSWER = "Thanks! The library card is only needed to borrow."


@pytest.fixture
def reported_world(monkeypatch):
    """Book Finder approved, with version 2 waiting in the queue; Map Maker beside it."""
    reviewer = make_reviewer(email="rita@pluginstore.example", display_name="Rita")
    developer = DeveloperFactory(email="dana@bookfinder.example", display_name="Dana")
    plugin = register(
        developer,
        domain="bookfinder.example",
        name_for_human="Book Finder",
        description_for_human="Find books by title, author or subject.",
    )
    approve(claim(submit(plugin), reviewer), reviewer)
    fake_fetch(
        monkeypatch,
        lambda: (
            manifest_for(
                "bookfinder.example",
                name_for_human="Book Finder",
                description_for_human="Find books and where to borrow them.",
            ),
            spec_for(),
        ),
    )
    plugin_services.plugin_refresh_start(user=developer, plugin_id=plugin.pk)
    submit(plugin, note_to_reviewer="Now with libraries.")
    # A second card in the row, its long category pill once wrapped its footer.
    maps = register(DeveloperFactory(), name_for_human="Map Maker", category=Category.INTEROP)
    approve(claim(submit(maps), reviewer), reviewer)
    installer = PlusUserFactory(email="paul@example.com", display_name="Paul")
    reporter = UserFactory(email="nora@example.com", display_name="Nora")
    return plugin, reviewer, installer, reporter


def _open_messages(person) -> None:
    page = person.page
    page.goto("/store/")
    page.get_by_text("Help").click()
    page.get_by_role("link", name=re.compile("^Messages")).first.click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_reaches_the_reviewer_who_bans_and_everyone_is_told(person, reported_world):
    plugin, reviewer, installer, reporter = reported_world

    # The Plus user installs Book Finder from the store.
    paul = person()
    paul.sign_in(installer.email)
    # Three cards a row: Book Finder's footer fits one line, Map Maker's long category wraps its
    # footer onto a second line; both footers still start on the same line.
    paul.page.set_viewport_size({"width": 1060, "height": 900})
    paul.page.goto("/store/")
    footers = paul.page.locator(".plugin-card-meta")
    expect(footers).to_have_count(2)
    boxes = [footers.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["height"] > boxes[1]["height"] + 5, boxes
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1, boxes
    paul.shot("store-cards")
    paul.page.set_viewport_size({"width": 1280, "height": 900})
    paul.page.get_by_role("link", name="Book Finder").click()
    paul.page.get_by_role("button", name="Install").click()
    expect(paul.page.get_by_text("Book Finder is installed.")).to_be_visible()

    # ...rates and reviews it, and the developer answers the review publicly.
    reviews = paul.page.locator("#reviews")
    reviews.get_by_label("4 stars: good").check()
    reviews.get_by_label("Your review").fill(REVIEW)
    reviews.get_by_role("button", name="Publish rating").click()
    expect(paul.page.get_by_text("your rating is saved")).to_be_visible()
    dana = person()
    dana.sign_in(plugin.owner.email)
    dana.page.goto(f"/store/{plugin.slug}/")
    review = dana.page.locator("#reviews").get_by_role("listitem").filter(has_text=REVIEW)
    review.get_by_text("Answer publicly").click()
    review.get_by_label("Your answer").fill(ANSWER)
    review.get_by_role("button", name="Publish answer").click()
    expect(dana.page.get_by_text("Your answer is published under the review.")).to_be_visible()

    # Another user reports it from its page.
    nora = person()
    nora.sign_in(reporter.email)
    nora.page.goto(f"/store/{plugin.slug}/")
    nora.page.get_by_role("link", name="Report this plugin").click()
    expect(nora.page.get_by_role("heading", name="Report Book Finder")).to_be_visible()
    nora.page.get_by_label("Privacy").check()
    nora.page.get_by_label("Tell the reviewers more").fill(REPORT)
    nora.shot("report-form")
    nora.page.get_by_role("button", name="Send the report").click()
    expect(
        nora.page.get_by_text("your report of Book Finder reached the reviewers")
    ).to_be_visible()
    expect(nora.page.get_by_role("heading", name="Your reports")).to_be_visible()
    expect(nora.page.get_by_text(REPORT)).to_be_visible()
    nora.shot("your-reports")
    nora.page.goto(f"/store/{plugin.slug}/")
    expect(nora.page.get_by_text(re.compile("You reported this plugin"))).to_be_visible()
    # The form fits a phone's screen.
    nora.page.set_viewport_size({"width": 375, "height": 800})
    nora.page.goto(f"/reports/{plugin.slug}/new/")
    assert nora.page.evaluate("document.documentElement.scrollWidth") <= 375
    nora.shot("report-form-375-already-reported")
    nora.page.set_viewport_size({"width": 1280, "height": 900})

    # The reviewer hears of it, sees the flag in the queue and the report in the reports list.
    rita = person()
    rita.sign_in(reviewer.email, path="/admin/")
    _open_messages(rita)
    expect(rita.page.get_by_role("link", name=re.compile("Account notices"))).to_be_visible()
    rita.page.get_by_role("link", name=re.compile("Account notices")).click()
    expect(rita.page.get_by_text(REPORT)).to_be_visible()
    rita.shot("reviewer-told")
    rita.page.goto("/admin/reviews/submission/")
    row = rita.page.get_by_role("row").filter(has_text="Book Finder")
    expect(row.get_by_text("open reports (1)")).to_be_visible()
    rita.shot("queue-flag")
    rita.page.goto("/admin/reports/report/")
    group = rita.page.get_by_role("region", name=re.compile("Book Finder"))
    expect(group).to_contain_text("1 report")
    expect(group).to_contain_text(REPORT)
    rita.shot("reports-list")
    group.get_by_role("link", name=re.compile("Open the plugin's page")).click()
    rita.page.get_by_role("button", name="Ban").click()
    rita.page.get_by_label("Reason").fill(BAN_REASON)
    rita.page.get_by_role("button", name="Apply").click()
    expect(rita.page.get_by_text("Ban: done.")).to_be_visible()
    rita.page.goto("/admin/reports/report/")
    expect(rita.page.get_by_text("No open reports.")).to_be_visible()
    rita.page.goto("/admin/reports/report/?state=led_to_ban")
    expect(rita.page.get_by_role("region", name=re.compile("Book Finder"))).to_contain_text(REPORT)

    # The reporter is told the outcome, once.
    _open_messages(nora)
    nora.page.get_by_role("link", name=re.compile("Account notices")).click()
    expect(nora.page.get_by_text("Your report of Book Finder led to a ban")).to_have_count(1)
    nora.shot("reporter-told")
    nora.page.goto("/reports/")
    expect(nora.page.get_by_text("Led to a ban")).to_be_visible()

    # The installer is told of the answer and of the ban, and the install shows as removed
    # with the reason.
    _open_messages(paul)
    paul.page.get_by_role("link", name=re.compile("Account notices")).click()
    expect(paul.page.get_by_text(ANSWER)).to_be_visible()
    expect(paul.page.get_by_text("Book Finder was removed from your plugins")).to_have_count(1)
    expect(paul.page.get_by_text(BAN_REASON)).to_be_visible()
    paul.shot("installer-told")
    paul.page.goto("/store/installed/")
    item = paul.page.get_by_role("listitem").filter(has_text="Book Finder")
    expect(item).to_contain_text("Removed")
    expect(item).to_contain_text(BAN_REASON)
    paul.page.goto(f"/store/{plugin.slug}/")
    expect(paul.page.get_by_text("Removed: this plugin was banned.")).to_be_visible()
    expect(paul.page.get_by_text("(approved)")).to_have_count(0)
    paul.shot("banned-plugin-page")
