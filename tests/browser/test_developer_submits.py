"""Journey 2: a Plus user becomes a developer, registers the demo plugin, fixes it, submits it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.bot import submit_through_the_bot
from tests.factories import PlusUserFactory, make_reviewer

JOURNEY = "2-developer-submits"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_plus_user_gets_developer_access_registers_fixes_and_submits_the_demo_plugin(
    person, demo_plugin
):
    folder, port = demo_plugin
    member = PlusUserFactory(email="dana@example.com", display_name="Dana")
    reviewer = make_reviewer(email="rita@pluginstore.example")

    # A Plus user asks for developer access on the profile page.
    dana = person()
    dana.sign_in(member.email)
    dana.page.goto("/accounts/profile/")
    dana.page.get_by_label("What do you plan to build?").fill(
        "A book search for public libraries, for readers who borrow rather than buy."
    )
    dana.page.get_by_role("button", name="Request developer access").click()
    expect(dana.page.get_by_text("Your request was sent.")).to_be_visible()
    dana.shot("access-requested")

    # A reviewer grants it in the admin.
    rita = person()
    rita.sign_in(reviewer.email, path="/admin/")
    rita.page.get_by_role("link", name="Developer access requests").first.click()
    rita.page.get_by_role("link", name=member.email).click()
    expect(rita.page.get_by_text("A book search for public libraries")).to_be_visible()
    rita.shot("reviewer-access-request")
    rita.page.get_by_role("button", name="Grant developer access").click()
    expect(rita.page.get_by_text("Grant developer access: done.")).to_be_visible()

    # The developer registers the demo plugin and sees its one finding.
    page = dana.page
    page.goto("/accounts/profile/")
    expect(page.get_by_text("Developer access is on for your account.")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Developer").click()
    expect(page.get_by_role("heading", name="Your plugins")).to_be_visible()
    page.get_by_label("Plugin domain").fill(f"http://localhost:{port}")
    page.get_by_label("Store category").select_option(label="Retrieval")
    dana.shot("register-form")
    page.get_by_role("button", name="Fetch and check").click()
    expect(page.get_by_text("Version 1 stored with 1 error: fix it and refresh.")).to_be_visible()
    finding = page.locator(".finding").filter(has_text="manifest.punctuation")
    expect(finding).to_contain_text("Error")
    expect(page.locator(".finding")).to_have_count(1)
    dana.shot("finding")

    # The developer fixes the manifest where it is served and refreshes.
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("borrow them", "borrow them."),
        encoding="utf-8",
    )
    page.get_by_role("link", name="Open the plugin").click()
    expect(page.get_by_role("heading", name="Book Finder", level=1)).to_be_visible()
    page.get_by_role("button", name="Refresh manifest").click()
    expect(page.get_by_text("Stored as version 2. Every blocking check passed.")).to_be_visible()
    expect(page.get_by_text("No findings: every automatic check passed.")).to_be_visible()
    dana.shot("fixed")

    # The developer submits through the bot and reads "received" in Help > Messages.
    page.get_by_role("link", name="Open the plugin").click()
    submit_through_the_bot(dana, plugin_name="Book Finder")
    # Help sits in the top right of the header, not in the main navigation.
    assert page.get_by_role("navigation", name="Main").get_by_text("Help").count() == 0
    help_menu = page.get_by_role("banner").locator("summary", has_text="Help")
    box = help_menu.bounding_box()
    assert box["x"] > page.viewport_size["width"] / 2, box  # the right-hand side
    expect(help_menu.locator(".badge")).to_be_visible()  # the unread badge is on it
    help_menu.click()
    page.get_by_role("link", name=re.compile("^Messages")).first.click()
    dana.shot("messages")
    page.get_by_role("link", name=re.compile("Book Finder")).click()
    expect(
        page.get_by_role("heading", name="We received Book Finder version 2 for review")
    ).to_be_visible()
    expect(page.get_by_text("It is now in the review queue, at position 1.")).to_be_visible()
    dana.shot("received")
