"""Journey 4: a reviewer bans an approved plugin, its developer appeals, the reviewer reinstates."""

import re

import pytest
from playwright.sync_api import expect

from pluginstore import services as plugin_services
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import approve, claim, submit

JOURNEY = "4-ban-and-appeal"
BAN_REASON = "It sends every search to an undisclosed third party (content policy, C1)."


@pytest.fixture
def installed_plugin():
    """Book Finder, approved through a real review, installed by a Plus user."""
    developer = DeveloperFactory(email="dev@bookfinder.example")
    reviewer = make_reviewer(email="rita@pluginstore.example")
    plugin = register(
        developer,
        domain="bookfinder.example",
        name_for_human="Book Finder",
        description_for_human="Find books by title, author or subject and where to borrow them.",
    )
    approve(claim(submit(plugin), reviewer), reviewer, developer_note="Welcome to the store.")
    reader = PlusUserFactory(email="paul@example.com")
    plugin_services.installation_create(user=reader, plugin_id=plugin.pk)
    return plugin, developer, reviewer, reader


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_ban_removes_the_install_and_an_appeal_gets_it_reinstated(person, installed_plugin):
    plugin, developer, reviewer, reader = installed_plugin

    # The reviewer signs in through the admin's (allauth) login and bans the plugin.
    rita = person()
    rita.sign_in(reviewer.email, path="/admin/")
    expect(rita.page.get_by_role("heading", name="Reviewer's desk")).to_be_visible()
    rita.page.goto(f"/admin/pluginstore/plugin/{plugin.pk}/change/")
    rita.page.get_by_role("button", name="Ban").click()
    rita.page.get_by_label("Reason").fill(BAN_REASON)
    rita.shot("reviewer-ban-form")
    rita.page.get_by_role("button", name="Apply").click()
    expect(rita.page.get_by_text("Ban: done.")).to_be_visible()
    rita.shot("reviewer-plugin-banned")

    # The Plus user's install is listed as removed.
    paul = person()
    paul.sign_in(reader.email)
    paul.page.goto("/store/installed/")
    row = paul.page.get_by_role("listitem").filter(has_text="Book Finder")
    expect(row).to_contain_text("Removed")
    expect(row.get_by_role("button", name="Remove")).to_be_visible()
    paul.shot("reader-install-removed")

    # The developer reads the reason in Help > Messages and appeals in the thread.
    dev = person()
    dev.sign_in(developer.email)
    dev.page.get_by_text("Help").click()
    dev.page.get_by_role("link", name=re.compile("^Messages")).first.click()
    dev.page.get_by_role("link", name=re.compile("Book Finder")).click()
    expect(dev.page.get_by_role("heading", name=re.compile("was removed"))).to_be_visible()
    expect(dev.page.get_by_text(BAN_REASON)).to_be_visible()
    dev.page.get_by_label("Reply to the reviewers").fill(
        "The third party is our own CDN; the privacy page now says so. Please look again."
    )
    dev.page.get_by_role("button", name="Send reply").click()
    expect(dev.page.get_by_text("Your reply was sent.")).to_be_visible()
    dev.shot("developer-appeal-sent")

    # The reviewer finds the appeal and reinstates the plugin.
    rita.page.goto("/admin/reviews/submission/")
    rita.page.get_by_role("link", name="Ban appeals (1)").click()
    appeal = rita.page.get_by_role("row").filter(has_text="our own CDN")
    expect(appeal).to_be_visible()
    rita.shot("reviewer-ban-appeals")
    appeal.get_by_role("link", name="Book Finder").click()
    rita.page.get_by_role("button", name="Reinstate").click()
    rita.page.get_by_label("Reason").fill("The appeal explains the CDN; the privacy page is fixed.")
    rita.page.get_by_role("button", name="Apply").click()
    expect(rita.page.get_by_text("Reinstate: done.")).to_be_visible()
    rita.shot("reviewer-plugin-reinstated")

    # The developer sees the reinstatement in the same thread.
    dev.page.goto("/help/messages/")
    dev.page.get_by_role("link", name=re.compile("Book Finder")).click()
    expect(dev.page.get_by_role("heading", name=re.compile("no longer banned"))).to_be_visible()
    expect(dev.page.get_by_text("the privacy page is fixed")).to_be_visible()
    dev.shot("developer-reinstated")
