"""The reviewer's queue, queue health and plugin page in Chromium: every queue column inside a
1280 px viewport, Review next opens the oldest unclaimed submission, and screenshots of each
page at 1280 x 800 and 375 px wide (test-artifacts/screenshots/review-queue/)."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Thread
from inbox.services import thread_reply_create
from pluginstore import services as plugin_services
from pluginstore.models import Category
from reviews import moderation, services
from reviews.models import Submission, SubmissionEvent
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import manifest_for, own_domain, register, spec_for
from tests.reviews.helpers import approve, claim, reject, submit

JOURNEY = "review-queue"
NAMES = [
    "Weather Forecasts EU",
    "Book Finder",
    "Recipe Planner Pro",
    "Metro Timetables",
    "Currency Converter",
    "Museum Guide Paris",
]


def _writing_plugin(owner):
    domain = "notes-keeper.example.com"
    spec = spec_for()
    spec["paths"]["/notes"] = {
        "post": {
            "operationId": "createNote",
            "summary": "Create a note.",
            "responses": {"201": {"description": "Created."}},
        }
    }
    return plugin_services.plugin_register_documents(
        owner=owner,
        manifest_url=f"https://{domain}/.well-known/ai-plugin.json",
        manifest=json.dumps(
            manifest_for(
                domain, name_for_human="Notes Keeper", contact_email="help@other-notes.org"
            )
        ).encode(),
        spec=json.dumps(spec).encode(),
        spec_url=f"https://{domain}/openapi.json",
        category=Category.COMPUTATION,
    )


def _age(submission: Submission, days: float) -> None:
    """Backdate a test submission and its filing event: the queue's order and health use time."""
    when = timezone.now() - datetime.timedelta(days=days)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=when, due_at=when + datetime.timedelta(days=7)
    )
    SubmissionEvent.objects.filter(submission=submission, from_state="").update(created_at=when)


def _decided_days_ago(submission: Submission, days: float) -> None:
    when = timezone.now() - datetime.timedelta(days=days)
    Submission.objects.filter(pk=submission.pk).update(decided_at=when)
    SubmissionEvent.objects.filter(submission=submission, from_state="in_review").update(
        created_at=when
    )


@pytest.fixture
def queue_world():
    """Two reviewers, a queue of open submissions in every state, and 60 days of decisions."""
    rita = make_reviewer(email="rita@pluginstore.example", display_name="Rita")
    sam = make_reviewer(email="sam.longname-reviewer@pluginstore.example", display_name="Sam")
    developers = [DeveloperFactory() for _ in NAMES]
    # History: decisions spread over the last 60 days.
    for index in range(12):
        plugin = register(DeveloperFactory())
        submission = claim(submit(plugin), rita if index % 3 else sam)
        _age(submission, 60 - index * 5 + 3)
        if index % 4 == 0:
            reject(submission, submission.claimed_by)
        else:
            approve(submission, submission.claimed_by)
        _decided_days_ago(submission, 60 - index * 5)
    # The open queue, oldest first.
    opened = []
    ages = (12, 9, 6, 4, 2, 1)
    for days, name, owner in zip(ages, NAMES, developers, strict=True):
        submission = submit(register(owner, name_for_human=name))
        _age(submission, days)
        opened.append(submission)
    claim(opened[0], sam)
    claim(opened[2], rita)
    asked = claim(opened[3], sam)
    services.submission_request_changes(
        submission_id=asked.pk, reviewer=sam, note="Which cities does it cover?"
    )
    writing = submit(own_domain(_writing_plugin(DeveloperFactory())))
    _age(writing, 0.2)
    # A banned plugin whose owner appealed: its admin page shows the appeal.
    banned_owner = DeveloperFactory(email="owner@bookshelf.example")
    banned = register(banned_owner, name_for_human="Bookshelf")
    approve(claim(submit(banned), sam), sam)
    moderation.plugin_ban(plugin_id=banned.pk, by=sam, reason="It copies book covers (C1).")
    thread = Thread.objects.get(owner=banned_owner, plugin=banned)
    thread_reply_create(
        thread_id=thread.pk,
        author=banned_owner,
        body="We removed the covers in version 2; please look again.",
    )
    return rita, opened, banned


def _right_edge(page, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().right")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_queue_fits_1280_and_review_next_opens_the_oldest_unclaimed(person, queue_world):
    rita, opened, banned = queue_world
    reviewer = person()
    page = reviewer.page
    page.set_viewport_size({"width": 1280, "height": 800})
    reviewer.sign_in(rita.email, path="/admin/")
    page.goto("/admin/reviews/submission/")
    assert page.title() == "Review queue | PluginStore review"
    table = page.locator("#result_list")
    expect(table).to_contain_text("Weather Forecasts EU")
    # Every column inside the viewport, and nothing to scroll sideways.
    assert _right_edge(page, "#result_list") <= 1280
    last_header = page.locator("#result_list thead th").last
    expect(last_header).to_contain_text("Risk flags")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _right_edge(page, "#result_list thead th:last-child") <= 1280
    reviewer.shot("queue-1280")

    page.get_by_role("button", name="Review next").click()
    expect(page.get_by_text("You claimed Book Finder version 1")).to_be_visible()
    assert page.url.endswith(f"/admin/reviews/submission/{opened[1].pk}/change/")
    assert Submission.objects.get(pk=opened[1].pk).claimed_by_id == rita.pk
    reviewer.shot("submission-1280")

    page.goto("/admin/reviews/submission/health/")
    expect(page.get_by_role("heading", name="Queue size")).to_be_visible()
    assert page.title() == "Queue health | PluginStore review"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    reviewer.shot("health-1280")

    page.goto(f"/admin/pluginstore/plugin/{banned.pk}/change/")
    expect(page.get_by_text("We removed the covers in version 2")).to_be_visible()
    reviewer.shot("plugin-appeal-1280")
    # A section a page adds after the main column starts below it, its header one line high
    # (the admin floats #content-main; such a header's background showed through every gap).
    extra_top, main_bottom, header_height = page.evaluate(
        """() => {
            const main = document.querySelector('#content-main');
            const extra = document.createElement('div');
            extra.className = 'module';
            extra.innerHTML = '<h2>Added section</h2><p>Text.</p>';
            main.after(extra);
            const header = extra.querySelector('h2').getBoundingClientRect();
            return [extra.getBoundingClientRect().top, main.getBoundingClientRect().bottom,
                    header.height];
        }"""
    )
    assert extra_top >= main_bottom - 1 and header_height < 40

    page.set_viewport_size({"width": 375, "height": 800})
    for name, path in (
        ("queue", "/admin/reviews/submission/"),
        ("health", "/admin/reviews/submission/health/"),
        ("plugin-appeal", f"/admin/pluginstore/plugin/{banned.pk}/change/"),
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        reviewer.shot(f"{name}-375")
