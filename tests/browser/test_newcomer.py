"""Journey 1: a newcomer signs up, verifies the email, upgrades to Plus, installs a plugin."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, DeveloperFactory
from tests.pluginstore.helpers import approve, register

JOURNEY = "1-newcomer"


def _code_from_last_mail(address: str) -> str:
    message = mail.outbox[-1]
    assert message.to == [address]
    match = re.search(r"browser window\.\s+(\S+)\s", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_newcomer_signs_up_verifies_upgrades_and_installs_a_plugin(person):
    studio = DeveloperFactory(email="studio@northwind.example", display_name="Northwind Labs")
    for domain, name, description in [
        ("skycast.example", "SkyCast Weather", "Hourly forecasts and rain alerts for Europe."),
        ("pantry.example", "Pantry Chef", "Recipes from what is already in your fridge."),
        ("railwise.example", "RailWise", "Train times and delays across Germany."),
    ]:
        approve(
            register(studio, domain=domain, name_for_human=name, description_for_human=description)
        )

    ada = person()
    page = ada.page
    page.goto("/store/")
    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile("/accounts/signup/"))
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(PASSWORD)
    ada.shot("sign-up")
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile("/accounts/confirm-email/"))
    ada.shot("verify-email")
    page.get_by_label("Code").fill(_code_from_last_mail("ada@example.com"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".account-name")).to_have_text("ada")

    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    ada.shot("profile-normal")
    page.get_by_role("link", name="Upgrade to Plus").first.click()
    expect(page.get_by_role("heading", name="Upgrade to Plus")).to_be_visible()
    ada.shot("upgrade-confirm")
    page.get_by_role("button", name=re.compile("Confirm upgrade")).click()
    expect(page.get_by_text("Welcome to Plus")).to_be_visible()
    expect(page.get_by_text("You have Plus")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Store").click()
    page.get_by_role("searchbox", name="Search plugins").fill("forecasts")
    page.get_by_role("button", name="Show plugins").click()
    expect(page.get_by_text("1 plugin for “forecasts”")).to_be_visible()
    ada.shot("search")
    page.get_by_role("link", name="SkyCast Weather").click()
    expect(page.get_by_role("heading", name="SkyCast Weather", level=1)).to_be_visible()
    page.get_by_role("button", name="Install").click()
    expect(page.get_by_role("button", name="Uninstall")).to_be_visible()
    ada.shot("installed-detail")

    page.goto("/store/installed/")
    row = page.get_by_role("listitem").filter(has_text="SkyCast Weather")
    expect(row).to_contain_text("Working")
    ada.shot("installed-list")
