"""Walking through the submission bot at /help/submit/, as a developer does."""

import re

from playwright.sync_api import expect


def submit_through_the_bot(someone, *, plugin_name: str, note: str = "") -> None:
    """From the developer's plugin page, file a submission (interim: the plugin page's button)."""
    page = someone.page
    if note:
        page.get_by_label("Note to the reviewer").fill(note)
    page.get_by_role("button", name=re.compile("^Submit version")).click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
