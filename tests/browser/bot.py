"""Walking through the submission bot at /help/submit/, as a developer does."""

import re

from playwright.sync_api import expect


def submit_through_the_bot(someone, *, plugin_name: str, note: str = "") -> None:
    """From the developer's plugin page: pick, check, confirm every criterion, note, file."""
    page = someone.page
    page.get_by_role("link", name="Submit for review").click()
    expect(page.get_by_role("heading", name="Submit a plugin for review")).to_be_visible()
    current = page.locator("#current")

    # The plugin page's link preselects the plugin.
    expect(current.get_by_role("radio", name=plugin_name)).to_be_checked()
    someone.shot("bot-pick")
    current.get_by_role("button", name="Continue").click()

    # Celery is eager here, so the check has finished by the time the page comes back.
    expect(current).to_contain_text(re.compile(r"passed every blocking check"))
    someone.shot("bot-checked")
    current.get_by_role("button", name="Continue").click()

    expect(current).to_contain_text(re.compile(r"Criterion 1 of \d+"))
    total = int(re.search(r"Criterion 1 of (\d+)", current.inner_text()).group(1))
    someone.shot("bot-criterion")
    for position in range(1, total + 1):
        expect(current).to_contain_text(f"Criterion {position} of {total}")
        current.get_by_role("button", name="Confirm").click()

    current.get_by_label("Anything the reviewer should know?").fill(note)
    current.get_by_role("button", name="Continue").click()

    expect(current).to_contain_text("Here is what I'll file.")
    someone.shot("bot-summary")
    current.get_by_role("button", name="File submission").click()

    expect(page.get_by_text("Filed!")).to_be_visible()
    expect(current).to_contain_text(plugin_name)
    someone.shot("bot-filed")
