"""The rough edges a new developer hit (issue 14 item 5), in Chromium: the job page of a check
with errors shows a failed check, the submission bot picks up a version refreshed on the plugin
page, an 80-character display name keeps the header on one line at 1280 and 375 px, a link in
a message is clickable, and the review queue's "Ban appeals" pill does not wrap at 375 px
(screenshots in test-artifacts/screenshots/rough-edges/)."""

import re

import pytest
from playwright.sync_api import expect

from pluginstore.models import Plugin
from reviews.services import submission_create
from tests.factories import DeveloperFactory, make_reviewer

JOURNEY = "rough-edges"
# 80 characters, as many as the display name field allows.
LONG_NAME = "Dana Kowalczyk-Abernathy, Lead Developer of Public Library Reading Tools, Europe"


def _header_on_one_line(page) -> None:
    """The brand, the main navigation and the account menu share one row; the account menu's
    summary is one line of text and the page does not scroll sideways."""
    header = page.get_by_role("banner")
    brand = header.locator(".brand").bounding_box()
    summary = header.locator(".account-nav details:not(.menu-help) > summary").bounding_box()
    width = page.viewport_size["width"]
    assert summary["height"] < 48, summary  # one line, not the name wrapped
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert summary["x"] + summary["width"] <= width
    if width >= 1000:
        # Side by side with the brand: the header did not wrap onto a second row.
        assert abs((brand["y"] + brand["height"] / 2) - (summary["y"] + summary["height"] / 2)) < 8
        assert header.locator(".header-row").bounding_box()["height"] < 70


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_rough_edges_a_new_developer_hit(person, demo_plugin):
    folder, port = demo_plugin
    dana = DeveloperFactory(email="dana@example.com", display_name=LONG_NAME)
    assert len(LONG_NAME) == 80
    someone = person()
    someone.sign_in(dana.email)
    page = someone.page

    # A long display name: cut with an ellipsis, whole in the title, the header on one line.
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/store/")
        _header_on_one_line(page)
        someone.shot(f"header-{width}")
    name = page.get_by_role("banner").locator(".account-name")
    expect(name).to_have_attribute("title", LONG_NAME)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/store/")
    assert name.evaluate("el => el.scrollWidth > el.clientWidth")  # cut, with its ellipsis
    assert name.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"

    # Registering the demo plugin, whose manifest has one error: a failed check, not green.
    page.goto("/developer/plugins/")
    page.get_by_label("Plugin domain").fill(f"http://localhost:{port}")
    page.get_by_label("Store category").select_option(label="Retrieval")
    page.get_by_role("button", name="Fetch and check").click()
    expect(page.get_by_text("Version 1 stored with 1 error: fix it and refresh.")).to_be_visible()
    expect(page.get_by_text("Stored as version")).to_have_count(0)
    expect(page.locator(".alert-success")).to_have_count(0)
    tiles = page.get_by_role("list", name="Progress").locator("li")
    expect(tiles).to_have_count(4)
    expect(page.locator(".step-failed")).to_have_count(2)
    expect(tiles.nth(2)).to_contain_text("Checking: 1 error")
    tops = [tiles.nth(i).bounding_box()["y"] for i in range(4)]
    assert max(tops) - min(tops) < 1, tops  # "1. Queued" in line with the others
    assert tiles.nth(0).evaluate("el => getComputedStyle(el).backgroundColor") != tiles.nth(
        2
    ).evaluate("el => getComputedStyle(el).backgroundColor")
    someone.shot("job-with-errors")
    plugin = Plugin.objects.get(owner=dana)

    # The bot checks it and finds the error.
    page.goto(f"/help/submit/?plugin={plugin.pk}")
    current = page.locator("#current")
    current.get_by_role("button", name="Continue").click()
    expect(page.locator("#current")).to_contain_text("Version 1 has 1 error")
    someone.shot("bot-error")

    # The developer fixes the manifest and refreshes on the plugin page, not in the bot.
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("borrow them", "borrow them."),
        encoding="utf-8",
    )
    page.goto(f"/developer/plugins/{plugin.pk}/")
    page.get_by_role("button", name="Refresh manifest").click()
    expect(page.get_by_text("Stored as version 2. Every blocking check passed.")).to_be_visible()
    expect(page.locator(".step-failed")).to_have_count(0)

    # Reopened, the bot talks about version 2 without a Re-check.
    page.goto("/help/submit/")
    current = page.locator("#current")
    expect(current).to_contain_text("Version 2 passed every blocking check")
    expect(page.get_by_text("You refreshed the plugin since my check")).to_be_visible()
    expect(page.get_by_text("Version 1 has 1 error")).to_have_count(0)
    someone.shot("bot-picked-up-version-2")
    current.get_by_role("button", name="Continue").click()
    expect(page.locator("#current")).to_contain_text(re.compile(r"Criterion 1 of \d+"))
    page.get_by_role("button", name="Cancel").click()

    # Filed (here through the service): the plugin's thread gets the "received" message, and
    # a reply with an address in it shows the address as a link.
    submission_create(plugin_id=plugin.pk, by=dana)
    page.goto("/help/messages/")
    page.get_by_role("link", name=re.compile("Book Finder")).first.click()
    page.get_by_label("Reply to the reviewers").fill(
        "What changed: https://book.example.com/changelog. <b>Thanks</b>"
    )
    page.get_by_role("button", name=re.compile("Send", re.I)).click()
    link = page.get_by_role("link", name="https://book.example.com/changelog")
    expect(link).to_have_attribute("href", "https://book.example.com/changelog")
    expect(link).to_have_attribute("rel", "nofollow noopener")
    expect(page.get_by_text("<b>Thanks</b>")).to_be_visible()  # the text stays text
    someone.shot("message-link")
    page.route(
        "https://book.example.com/**",
        lambda route: route.fulfill(status=200, content_type="text/plain", body="Changelog"),
    )
    link.click()
    expect(page).to_have_url("https://book.example.com/changelog")
    expect(page.get_by_text("Changelog")).to_be_visible()

    # The reviewer's queue at 375 px: "Ban appeals (N)" keeps to one line, like its neighbour.
    rita = make_reviewer(email="rita@pluginstore.example", display_name="Rita")
    reviewer = person()
    reviewer.sign_in(rita.email, path="/admin/")
    page = reviewer.page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/admin/reviews/submission/")
    appeals = page.locator("#ban-appeals-link")
    expect(appeals).to_contain_text("Ban appeals (0)")
    health = page.locator("#queue-health-link").bounding_box()
    box = appeals.bounding_box()
    assert box["height"] <= health["height"] + 1, (box, health)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    reviewer.shot("review-queue-375")
