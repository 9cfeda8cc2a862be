"""The site header: Help sits in the top right (the seed: "Select Help in the top right, then
Messages"), with Messages in it and the unread badge on it, at 1280 and 375 px wide
(screenshots in test-artifacts/screenshots/header/)."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from inbox import kinds
from inbox.services import notification_intent_create
from tests.factories import DeveloperFactory

JOURNEY = "header"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_help_is_in_the_top_right_with_messages_and_the_unread_badge(
    person, django_capture_on_commit_callbacks
):
    dana = DeveloperFactory(email="dana@example.com", display_name="Dana")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification_intent_create(
            recipient=dana,
            notice=kinds.AccountTypeChanged(
                account_type_change_id=1,
                from_type="plus",
                from_type_label="Plus",
                to_type="developer",
                to_type_label="Developer",
                reason="Developer access granted.",
            ),
            thread_plugin_id=None,
        )
    someone = person()
    someone.sign_in(dana.email)
    page = someone.page
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/store/")
        header = page.get_by_role("banner")
        help_menu = header.locator("summary", has_text="Help")
        assert page.get_by_role("navigation", name="Main").get_by_text("Help").count() == 0
        # In the header's right-hand group (on its own row at 375 px, still right-aligned),
        # right of the brand and the main navigation.
        right_group = header.locator(".account-nav")
        assert right_group.locator("summary", has_text="Help").count() == 1
        group = right_group.bounding_box()
        row = header.locator(".header-row").bounding_box()
        assert group["x"] + group["width"] >= row["x"] + row["width"] - 1, (width, group, row)
        box = help_menu.bounding_box()
        nav = page.get_by_role("navigation", name="Main").bounding_box()
        assert box["y"] < 120, (width, box)  # at the top
        assert box["x"] >= nav["x"] + nav["width"] or box["y"] >= nav["y"] + nav["height"]
        if width >= 1000:
            assert box["x"] > width / 2, (width, box)
        expect(help_menu.get_by_label("1 unread messages")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        help_menu.click()
        messages = header.get_by_role("link", name="Messages 1")
        expect(messages).to_be_visible()
        menu = header.locator(".menu-help .menu-list").bounding_box()
        assert menu["x"] >= 0 and menu["x"] + menu["width"] <= width, (width, menu)
        someone.shot(f"help-open-{width}")
        help_menu.click()
    messages = page.get_by_role("banner").get_by_role("link", name="Messages 1")
    page.get_by_role("banner").locator("summary", has_text="Help").click()
    messages.click()
    expect(page).to_have_url(re.compile(r"/help/messages/$"))
