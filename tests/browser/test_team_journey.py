"""A plugin's team in the browser (PRODUCT.md section 13): the owner invites a co-developer
from the plugin's page; the invitee reads it in Help > Messages, accepts on the invitation's
page and works on the plugin without the owner's controls; every page fits 375 px
(screenshots in test-artifacts/screenshots/team/)."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register

JOURNEY = "team"


def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, page.url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_owner_invites_a_co_developer_who_accepts_and_works_on_the_plugin(person):
    olga = DeveloperFactory(email="olga@example.com", display_name="Olga")
    cody = DeveloperFactory(email="cody@example.com", display_name="Cody")
    # A long domain: unbroken text once widened the page past a phone's screen.
    plugin = register(olga, name_for_human="Team Radar", domain="teamradarplugin12345.example.com")

    owner = person()
    owner.sign_in(olga.email)
    page = owner.page
    page.goto(f"/developer/plugins/{plugin.pk}/")
    team = page.get_by_role("region", name="Developers")
    team.get_by_label("Developer's email").fill(cody.email)
    team.get_by_role("button", name="Invite co-developer").click()
    expect(page.get_by_text(re.compile(r"Invitation sent to cody@example\.com"))).to_be_visible()
    expect(team.get_by_text("cody@example.com")).to_be_visible()  # waiting for an answer
    owner.shot("owner-invited")
    fits(page, 375)
    owner.shot("owner-invited-375")

    invitee = person()
    invitee.sign_in(cody.email)
    page = invitee.page
    page.goto("/help/messages/")
    page.get_by_role("link", name=re.compile("Account notices")).first.click()
    expect(page.get_by_text("You are invited to develop Team Radar").first).to_be_visible()
    invitee.shot("invitee-message")
    page.goto("/developer/plugins/")
    page.get_by_role("region", name="Invitations waiting for you").get_by_role(
        "link", name="Team Radar"
    ).click()
    expect(page.get_by_role("heading", name="Develop Team Radar?")).to_be_visible()
    fits(page, 375)
    invitee.shot("invitation-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You are a co-developer of Team Radar.")).to_be_visible()
    expect(page.get_by_role("button", name="Refresh manifest")).to_be_visible()
    expect(page.get_by_role("button", name="Leave this plugin")).to_be_visible()
    assert page.get_by_role("button", name="Invite co-developer").count() == 0
    assert page.get_by_role("button", name="Offer the plugin").count() == 0
    invitee.shot("co-developer-page")
    fits(page, 375)
    invitee.shot("co-developer-page-375")

    # The owner sees the new co-developer, and heard of it in the plugin's thread.
    page = owner.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/developer/plugins/{plugin.pk}/")
    expect(
        page.get_by_role("region", name="Developers").get_by_text("Co-developer", exact=True)
    ).to_be_visible()
    page.goto("/help/messages/")
    page.get_by_role("link", name=re.compile("Team Radar")).first.click()
    expect(page.get_by_text("cody@example.com joined Team Radar").first).to_be_visible()
    owner.shot("owner-told")
