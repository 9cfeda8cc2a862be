"""Journey: a developer registers a plugin, is refused at submission because its domain is not
proved, follows the Domain page's instructions (the token file), verifies, and files.

The demo plugin is served on localhost, which counts as verified under local development; this
journey turns that exemption off (PLUGINSTORE_LOCAL_DOMAINS_VERIFIED) so the domain must be
proved for real: the token file is fetched over HTTP from the test's server through the safe
fetcher (its local development exception), and the DNS TXT lookup asks a real local DNS server
that has no record for it.
"""

import re

import pytest
from playwright.sync_api import expect

from demo.management.commands.serve_demo_plugin import VERIFICATION_FILE
from domains.models import DomainClaim
from inbox.models import Notification
from tests.browser.bot import submit_through_the_bot
from tests.domains.dns_server import dns_server
from tests.factories import DeveloperFactory

JOURNEY = "domain-ownership"


@pytest.fixture
def proved_for_real(settings, demo_plugin):
    settings.PLUGINSTORE_LOCAL_DOMAINS_VERIFIED = False
    with dns_server() as dns:
        settings.PLUGINSTORE_DNS_NAMESERVERS = ["127.0.0.1"]
        settings.PLUGINSTORE_DNS_PORT = dns.port
        settings.PLUGINSTORE_DNS_TIMEOUT_SECONDS = 1.0
        yield demo_plugin, dns


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_developer_proves_the_domain_with_the_token_file_and_then_files(person, proved_for_real):
    (folder, port), dns = proved_for_real
    developer = DeveloperFactory(email="omar@example.com", display_name="Omar")
    # The demo manifest's one finding, fixed where it is served before registering.
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("borrow them", "borrow them."),
        encoding="utf-8",
    )

    omar = person()
    omar.sign_in(developer.email)
    page = omar.page
    page.goto("/developer/plugins/")
    page.get_by_label("Plugin domain").fill(f"http://localhost:{port}")
    page.get_by_label("Store category").select_option(label="Retrieval")
    page.get_by_role("button", name="Fetch and check").click()
    expect(page.get_by_text("Every blocking check passed.")).to_be_visible()
    page.get_by_role("link", name="Open the plugin").click()

    # The plugin page offers no submission yet: the domain card says why.
    expect(page.get_by_role("heading", name="Book Finder", level=1)).to_be_visible()
    domain_card = page.locator("#domain")
    expect(domain_card).to_contain_text("Not verified")
    expect(page.get_by_role("link", name="Submit for review")).to_have_count(0)
    omar.shot("plugin-unverified")

    # The submission bot refuses it, says why and links to the Domain page.
    page.goto("/help/submit/")
    blocked = page.locator(".bot-choice", has_text="Book Finder")
    expect(blocked).to_contain_text(f"Its domain localhost:{port} isn't verified yet")
    expect(blocked.get_by_role("radio")).to_have_count(0)
    omar.shot("bot-refuses")
    blocked.get_by_role("link", name=re.compile("Verify the domain")).click()

    # The Domain page: the token, both methods, Check now.
    expect(page.get_by_role("heading", name=f"Domain: localhost:{port}")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Copy"))).to_have_count(4)
    file_url = page.get_by_label("File address").input_value()
    assert file_url == f"http://localhost:{port}/.well-known/pluginstore-verification.txt"
    token = page.get_by_label("File content (the token)").input_value()
    assert token == DomainClaim.objects.get(developer=developer).token
    assert page.get_by_label("TXT record value").input_value() == (
        f"pluginstore-verification={token}"
    )
    omar.shot("domain-page")

    # Checked before the file is served: both methods say what is missing.
    page.get_by_role("button", name="Check now").click()
    expect(page.get_by_text("Proof not found.")).to_be_visible()
    expect(page.locator(".domain-attempts")).to_contain_text("does not exist in DNS")
    expect(page.locator(".domain-attempts")).to_contain_text("HTTP 404")
    assert "localhost" in dns.asked
    omar.shot("not-found")

    # The developer serves the token file, as the page says, and checks again.
    (folder / VERIFICATION_FILE).write_text(token + "\n", encoding="utf-8")
    page.get_by_role("button", name="Check now").click()
    expect(page.get_by_text("Proof found: the domain is verified.")).to_be_visible()
    expect(page.get_by_text(f"You own localhost:{port}")).to_be_visible()
    omar.shot("verified")
    assert Notification.objects.filter(recipient=developer, kind="domain_verified").count() == 1

    # At 375 px the page fits: no sideways scroll.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    _no_sideways_scroll(page)
    omar.shot("domain-page-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Now the plugin can be filed.
    page.get_by_role("link", name="Back to Book Finder").click()
    expect(page.locator("#domain")).to_contain_text("Verified")
    submit_through_the_bot(omar, plugin_name="Book Finder")
