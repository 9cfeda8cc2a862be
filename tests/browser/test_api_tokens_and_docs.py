"""The developer API in a browser: a developer creates a token on their profile (the secret shown
once), uses it, revokes it; the API docs page renders Swagger UI under the site's CSP with no
violation. Screenshots in test-artifacts/screenshots/api/ at 1280 and 375 px."""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from tests.factories import DeveloperFactory

JOURNEY = "api"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_developer_creates_uses_and_revokes_a_token(person, live_server):
    dana = DeveloperFactory(email="dana@example.com", display_name="Dana")
    someone = person()
    someone.sign_in(dana.email)
    page = someone.page

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Manage API tokens").click()
    expect(page.get_by_role("heading", name="No tokens yet")).to_be_visible()
    page.get_by_label("Name").fill("GitHub Actions")
    page.get_by_label(re.compile("Publish: read")).check()
    page.get_by_label("Expires in").select_option("30")
    page.get_by_role("button", name="Create token").click()

    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("psk_")
    assert ApiToken.objects.get().secret_hash != secret
    someone.shot("created-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    someone.shot("created-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The browser's session cookie goes along, and opens nothing; the token does.
    api = someone.context.request
    assert api.get(f"{live_server.url}/api/v1/plugins").status == 401
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get(f"{live_server.url}/api/v1/plugins", headers=headers).status == 200

    page.goto("/accounts/tokens/")
    expect(page.get_by_text(secret)).to_have_count(0)
    expect(page.get_by_text("never")).to_have_count(0)  # last use recorded
    page.get_by_role("button", name="Revoke GitHub Actions").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    someone.shot("revoked")
    refused = api.get(f"{live_server.url}/api/v1/plugins", headers=headers)
    assert refused.status == 401 and refused.json()["code"] == "token_revoked"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_docs_render_under_the_csp(person):
    someone = person()
    page = someone.page
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto("/api/v1/docs")
    expect(page.get_by_text("PluginStore developer API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/plugins/{plugin_id}/refresh").first).to_be_visible()
    someone.shot("docs")

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
