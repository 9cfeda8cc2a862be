"""Browser journeys: Debian's Chromium via pytest-playwright against pytest-django's live_server.

Every person in a journey gets a browser context of their own (their own cookies), signs in
through the real pages, and each journey saves full-page screenshots of its key pages under
test-artifacts/screenshots/<journey>/ (git-ignored).
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page, expect

from tests.factories import PASSWORD
from tests.services import CHROMIUM, chromium_available, require_services

# Playwright's sync API runs an event loop in this thread, which trips Django's async-unsafe
# check on every ORM call the test makes; the calls are synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "screenshots"

expect.set_options(timeout=10_000)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Put pytest-django's test order back after pytest-playwright's parametrization moved it.

    pytest-playwright parametrizes every test that uses its fixtures by a session-scoped
    browser_name, and pytest then groups those tests together, pulling these transactional
    journeys in among the tests that run inside a rolled-back transaction. A transactional
    test ends by flushing the database, so the migrations' data (the Reviewers group, the
    canned reasons) would be gone for the tests after it. Sort again, stably, as pytest-django
    does: database tests in a transaction first, then transactional ones, then the rest.
    """
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    django_order(items)


@pytest.fixture(scope="session", autouse=True)
def _migrated_data(django_db_setup):
    """The database as migrations left it, serialized by pytest-django for serialized_rollback."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _restore_migrated_data(_migrated_data):
    """Give each journey the migrations' data (the Reviewers group, the canned reasons).

    serialized_rollback restores it from an attribute on the test thread's connection object.
    Django keeps connections in contextvars, and once Playwright's sync API has started (its
    greenlet and event loop), a test that ran before the journeys can leave this code with a
    connection object that lacks the attribute: then nothing is restored and the group is
    gone after the previous journey's flush. Put the attribute back and restore here; the
    attribute also tells the flush after the test not to recreate permissions.
    """
    from django.db import connection

    if _migrated_data and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = _migrated_data
        connection.creation.deserialize_db_from_string(_migrated_data)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The browser fixture is session-scoped, so it launches before tests/conftest.py's
    # per-test check can skip: make the same decision here first.
    ok, reason = chromium_available()
    if not ok:
        if require_services():
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


class Person:
    """One person at their own browser: a context with its own cookies, and one page."""

    def __init__(self, browser: Browser, base_url: str, shots: "Screenshots"):
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self._shots = shots

    def shot(self, step: str) -> None:
        self._shots.take(self.page, step)

    def sign_in(self, email: str, password: str = PASSWORD, *, path: str = "/accounts/login/"):
        page = self.page
        page.goto(path)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


NAMED_ROLES = {
    "button",
    "link",
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
    "menuitem",
    "tab",
}


def unnamed_controls(page: Page) -> list[str]:
    """Controls Chromium's accessibility tree gives no name: a screen reader says "button"."""
    cdp = page.context.new_cdp_session(page)
    try:
        found = []
        for node in cdp.send("Accessibility.getFullAXTree")["nodes"]:
            role = (node.get("role") or {}).get("value")
            name = ((node.get("name") or {}).get("value") or "").strip()
            if role in NAMED_ROLES and not name and not node.get("ignored"):
                found.append(_describe(cdp, role, node.get("backendDOMNodeId")))
        return found
    finally:
        cdp.detach()


def _describe(cdp, role: str, backend_id) -> str:
    try:
        element = cdp.send("DOM.describeNode", {"backendNodeId": backend_id})["node"]
    except Exception:  # noqa: BLE001 - only for the message
        return role
    attributes = element.get("attributes", [])
    pairs = " ".join(f'{k}="{v}"' for k, v in zip(attributes[::2], attributes[1::2], strict=True))
    return f"{role}: <{element.get('localName')} {pairs}>"


class Screenshots:
    def __init__(self, journey: str):
        self.folder = SCREENSHOTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.paths: list[Path] = []
        self.unnamed: dict[str, list[str]] = {}

    def take(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        # A page opened at an anchor is scrolled; the sticky header would land mid-picture.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=True)
        self.paths.append(path)
        unnamed = unnamed_controls(page)
        if unnamed:
            self.unnamed[f"{path.name} {page.url}"] = unnamed
        return path


@pytest.fixture
def shots(request) -> Screenshots:
    journey = getattr(request.module, "JOURNEY", None) or request.node.name.removeprefix("test_")
    shots = Screenshots(journey)
    yield shots
    assert not shots.unnamed, f"controls without an accessible name: {shots.unnamed}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def person(request, browser, live_server, shots):
    """Open a browser for someone: person() -> Person; closed after the test."""
    people: list[Person] = []

    def open_browser() -> Person:
        someone = Person(browser, live_server.url, shots)
        people.append(someone)
        return someone

    yield open_browser
    for number, someone in enumerate(people, start=1):
        if getattr(request.node, "journey_failed", False):
            someone.shot(f"failed-person{number}")
        someone.context.close()


@pytest.fixture
def demo_plugin(tmp_path, settings):
    """The Book Finder demo plugin served on a free localhost port, as `serve_demo_plugin` does."""
    from tests.pluginstore.helpers import serving_demo_plugin

    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    with serving_demo_plugin(tmp_path / "demo-plugin") as served:
        yield served
