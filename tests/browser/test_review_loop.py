"""Journey 3: a reviewer rejects a submission citing a criterion, the developer fixes and
resubmits, the reviewer approves, and a Plus user installs the plugin from the store."""

import re

import pytest
from playwright.sync_api import expect

from pluginstore import services as plugin_services
from pluginstore.models import Category, Plugin
from reviews import services as review_services
from tests.browser.bot import submit_through_the_bot
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer

JOURNEY = "3-review-loop"
REJECTION_NOTE = "Say which libraries Book Finder covers, in the description."


@pytest.fixture
def submitted_plugin(demo_plugin):
    """The fixed demo plugin, registered and submitted by its developer through the services."""
    folder, port = demo_plugin
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("borrow them", "borrow them."),
        encoding="utf-8",
    )
    developer = DeveloperFactory(email="dana@example.com", display_name="Dana")
    plugin_services.plugin_registration_start(
        user=developer, target=f"http://localhost:{port}", category=Category.RETRIEVAL
    )
    plugin = Plugin.objects.get(owner=developer)
    review_services.submission_create(
        plugin_id=plugin.pk, by=developer, note_to_reviewer="First submission of Book Finder."
    )
    return plugin, developer, folder


def _open_the_queue_and_claim(rita, plugin_name: str) -> None:
    page = rita.page
    page.goto("/admin/")
    page.get_by_role("link", name="Submissions").first.click()
    row = page.get_by_role("row").filter(has_text=plugin_name)
    expect(row).to_contain_text("Submitted")
    rita.shot("reviewer-queue")
    row.get_by_role("link").first.click()
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("Claim: done.")).to_be_visible()


def _judge(page, *criteria: str) -> None:
    """Pass the human criteria on the submission page's decision form."""
    for criterion in criteria:
        group = page.get_by_role("group", name=re.compile(f"^{criterion}:"))
        group.get_by_label("Pass").check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rejection_is_fixed_resubmitted_approved_and_installed(person, submitted_plugin):
    plugin, developer, folder = submitted_plugin
    reviewer = make_reviewer(email="rita@pluginstore.example")
    reader = PlusUserFactory(email="paul@example.com")

    # The reviewer signs in to the admin through the site's login, claims and rejects.
    rita = person()
    rita.page.goto("/admin/login/")
    expect(rita.page).to_have_url(re.compile(r"/accounts/login/"))
    rita.shot("admin-sign-in")
    rita.sign_in(reviewer.email, path=rita.page.url)
    expect(rita.page.get_by_role("heading", name="Reviewer's desk")).to_be_visible()
    _open_the_queue_and_claim(rita, "Book Finder")
    rita.shot("reviewer-claimed")
    page = rita.page
    # The decision form is on the submission page; the human criteria start unset.
    _judge(page, "C1", "C2", "C4", "C10")
    c8 = page.get_by_role("group", name=re.compile("^C8:"))
    c8.get_by_label("Fail").check()
    page.get_by_label("C8 note").fill("The description does not say which libraries.")
    page.get_by_label("Note for the developer").fill(REJECTION_NOTE)
    rita.shot("reviewer-reject-form")
    page.locator("#decision").get_by_role("button", name="Reject").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, reject").click()
    expect(page.get_by_text("Reject: done.")).to_be_visible()

    # The developer reads the reason in Help > Messages.
    dana = person()
    dana.sign_in(developer.email)
    page = dana.page
    page.goto("/help/messages/")
    page.get_by_role("link", name=re.compile("Book Finder")).click()
    expect(page.get_by_role("heading", name="Book Finder needs changes before it can be approved"))
    expect(
        page.get_by_text(re.compile("C8: States geographical or functional limits"))
    ).to_be_visible()
    expect(page.get_by_text(REJECTION_NOTE)).to_be_visible()
    dana.shot("developer-reads-rejection")

    # The developer fixes the description, refreshes the plugin and resubmits.
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "Find books by title, author or subject and see where to borrow them.",
            "Find books in Dutch public libraries by title, author or subject to borrow.",
        ),
        encoding="utf-8",
    )
    page.get_by_role("link", name="Plugin page").click()
    page.get_by_role("button", name="Refresh manifest").click()
    expect(page.get_by_text("Stored as version 2. Every blocking check passed.")).to_be_visible()
    page.get_by_role("link", name="Open the plugin").click()
    submit_through_the_bot(dana, plugin_name="Book Finder", note="Says which libraries now.")
    dana.shot("developer-resubmitted")

    # The reviewer claims the resubmission and approves it.
    _open_the_queue_and_claim(rita, "Book Finder")
    page = rita.page
    expect(page.get_by_text("Says which libraries now.", exact=True)).to_be_visible()
    _judge(page, "C1", "C2", "C4", "C8", "C10")
    page.get_by_label("Note for the developer").fill("Thanks, approved.")
    page.locator("#decision").get_by_role("button", name="Approve").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, approve").click()
    expect(page.get_by_text("Approve: done.")).to_be_visible()
    rita.shot("reviewer-approved")

    # A Plus user finds it in the store and installs it.
    paul = person()
    paul.sign_in(reader.email)
    page = paul.page
    page.goto("/store/")
    page.get_by_role("searchbox", name="Search plugins").fill("books")
    page.get_by_role("button", name="Show plugins").click()
    page.get_by_role("link", name="Book Finder").click()
    expect(page.get_by_role("heading", name="Book Finder", level=1)).to_be_visible()
    expect(page.get_by_text("Dutch public libraries")).to_be_visible()
    page.get_by_role("button", name="Install").click()
    expect(page.get_by_role("button", name="Uninstall")).to_be_visible()
    paul.shot("reader-installed")
