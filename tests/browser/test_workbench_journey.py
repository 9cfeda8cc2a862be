"""Journey 5 (issue 11's "Done when"): the reviewer's workbench at 1280 x 800.

A reviewer presses Review next and lands on a plugin's second version, reads the diff from the
approved version and the operations table, finds the machine-checked criteria preset from the
checker and the human ones unset, is refused when approving without choosing them, and asks for
changes instead. The developer replies in Help > Messages; the submission comes back to its old
place in the queue (before a plugin filed meanwhile, after an older one), the reviewer is told
in their own Messages, claims it again and approves it from the same page. Screenshots under
test-artifacts/screenshots/5-workbench/.

Review next opens the plugin under test because the one older open submission (Metro
Timetables) is already claimed by another reviewer, Sam: Review next takes the oldest
*unclaimed* one.
"""

import datetime
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pluginstore import services as plugin_services
from pluginstore.models import Category, PluginStatus
from reviews.models import CriterionResult, Submission, SubmissionEvent, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import fake_fetch, manifest_for, own_domain, register, spec_for
from tests.reviews.helpers import approve, claim, submit

JOURNEY = "5-workbench"
DOMAIN = "notes-keeper.example.com"
WIDTH, HEIGHT = 1280, 800
AUTO = ("C3", "C5", "C6", "C7", "C9", "C11")
HUMAN = ("C1", "C2", "C4", "C8", "C10")
CHANGES_NOTE = "Does deleteNote remove a note for good, or can the user undo it?"
REPLY = "For good: deleteNote removes the note at once; the description now says so."


def _manifest(**overrides) -> dict:
    fields = {
        "name_for_human": "Notes Keeper",
        "name_for_model": "notes_keeper",
        "description_for_human": "Keep short notes and find them again.",
        "description_for_model": "Find the user's notes when they ask about something they noted.",
        **overrides,
    }
    return manifest_for(DOMAIN, **fields)


def _spec(*, writes: bool) -> dict:
    spec = spec_for("Notes Keeper")
    spec["paths"] = {
        "/notes": {
            "get": {
                "operationId": "listNotes",
                "summary": "List the user's notes.",
                "responses": {"200": {"description": "The notes."}},
            }
        }
    }
    if writes:
        spec["paths"]["/notes"]["post"] = {
            "operationId": "createNote",
            "summary": "Create a note.",
            "responses": {"201": {"description": "Created."}},
        }
        spec["paths"]["/notes/{note_id}"] = {
            "parameters": [
                {"name": "note_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "delete": {
                "operationId": "deleteNote",
                "summary": "Delete a note.",
                "responses": {"204": {"description": "Deleted."}},
            },
        }
    return spec


def _age(submission: Submission, days: float) -> None:
    """Backdate a submission and its filing event: the queue orders by submitted_at."""
    when = timezone.now() - datetime.timedelta(days=days)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=when, due_at=when + datetime.timedelta(days=7)
    )
    SubmissionEvent.objects.filter(submission=submission, from_state="").update(created_at=when)


@pytest.fixture
def workbench_world(monkeypatch):
    """Notes Keeper: version 1 (one read operation) approved 10 days ago, version 2 (two writes,
    a contact address on another domain) filed 3 days ago; Metro Timetables filed 5 days ago
    and claimed by Sam."""
    rita = make_reviewer(email="rita@pluginstore.example", display_name="Rita")
    sam = make_reviewer(email="sam@pluginstore.example", display_name="Sam")
    dana = DeveloperFactory(email="dana@example.com", display_name="Dana")

    plugin = plugin_services.plugin_register_documents(
        owner=dana,
        manifest_url=f"https://{DOMAIN}/.well-known/ai-plugin.json",
        manifest=json.dumps(_manifest()).encode(),
        spec=json.dumps(_spec(writes=False)).encode(),
        spec_url=f"https://{DOMAIN}/openapi.json",
        category=Category.COMPUTATION,
    )
    first = submit(own_domain(plugin))
    _age(first, 10)
    approve(claim(first, sam), sam)

    # Version 2 through a real refresh (the fetch faked): writes, no OAuth, and a contact
    # address on another registrable domain, so the checker warns on C3 and C11.
    fake_fetch(
        monkeypatch,
        lambda: (
            _manifest(
                description_for_human="Keep short notes, find them again and delete them.",
                contact_email="help@other-notes.org",
            ),
            _spec(writes=True),
        ),
    )
    plugin_services.plugin_refresh_start(user=dana, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    version = plugin.latest_version
    assert version.number == 2 and version.is_submittable
    checked = {(f["criterion"], f["severity"]) for f in version.findings}
    assert {("C3", "warning"), ("C11", "warning")} <= checked, version.findings
    notes = submit(plugin, note_to_reviewer="Notes can now be created and deleted.")
    _age(notes, 3)

    metro = submit(register(DeveloperFactory(), name_for_human="Metro Timetables"))
    _age(metro, 5)
    claim(metro, sam)
    return rita, dana, plugin, Submission.objects.get(pk=notes.pk)


def _viewport_shot(shots, page, step: str) -> None:
    """A picture of the viewport as it is scrolled, numbered with the journey's others."""
    shots.count += 1
    path = shots.folder / f"{shots.count:02d}-{step}.png"
    page.screenshot(path=str(path))
    shots.paths.append(path)


def _right_edge(page, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().right")


def _queue_names(page) -> list[str]:
    """The queue's plugin names, top to bottom (the first column, without the version)."""
    cells = page.locator("#result_list tbody tr th, #result_list tbody tr td.field-submission")
    return [re.sub(r"\s*v\d+$", "", text.strip()) for text in cells.all_inner_texts()]


def _checked(page, criterion: str) -> list[str]:
    return page.eval_on_selector_all(
        f'input[name="result_{criterion}"]:checked', "inputs => inputs.map(i => i.value)"
    )


def _expected_preset(version, criterion: str) -> str:
    errors = [
        f
        for f in version.findings
        if f.get("criterion") == criterion and f.get("severity") == "error"
    ]
    return "fail" if errors else "pass"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_review_next_request_changes_reply_and_approve_on_the_workbench(
    person, shots, workbench_world
):
    rita_user, dana_user, plugin, notes = workbench_world
    filed_at = notes.submitted_at

    # 2. The reviewer signs in through the admin's login and opens the queue.
    rita = person()
    page = rita.page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    rita.sign_in(rita_user.email, path="/admin/")
    expect(page.get_by_role("heading", name="Reviewer's desk")).to_be_visible()
    page.goto("/admin/reviews/submission/")
    expect(page.locator("#result_list")).to_contain_text("Notes Keeper")
    expect(page.locator("#user-tools .admin-unread")).to_have_count(0)
    assert _queue_names(page) == ["Metro Timetables", "Notes Keeper"]
    expect(page.locator("#result_list thead th").last).to_contain_text("Risk flags")
    assert _right_edge(page, "#result_list") <= WIDTH
    assert _right_edge(page, "#result_list thead th:last-child") <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Review next is a button among links styled alike: one height, one row.
    tools = page.eval_on_selector_all(
        ".object-tools li > a, .object-tools li > form",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.height]; })",
    )
    assert len(tools) == 3 and len({tuple(tool) for tool in tools}) == 1, tools
    rita.shot("queue")

    page.get_by_role("button", name=re.compile("^Review next")).click()
    expect(page.get_by_text("You claimed Notes Keeper version 2")).to_be_visible()
    assert page.url.endswith(f"/admin/reviews/submission/{notes.pk}/change/")
    assert page.title() == "Review: Notes Keeper v2 | PluginStore review"

    # 3. The diff, the operations, the presets.
    for diff, added, removed in (
        ("#diff-manifest", "other-notes.org", f"support@{DOMAIN}"),
        ("#diff-spec", "createNote", None),
    ):
        expect(page.locator(f"{diff} tr.wb-diff-add").filter(has_text=added).first).to_be_visible()
        if removed:
            expect(
                page.locator(f"{diff} tr.wb-diff-del").filter(has_text=removed).first
            ).to_be_visible()
    operations = page.locator("#wb-operations tbody tr")
    expect(operations).to_have_count(3)
    for operation_id, method, writes in (
        ("listNotes", "GET", "No"),
        ("createNote", "POST", "Yes"),
        ("deleteNote", "DELETE", "Yes"),
    ):
        row = operations.filter(has_text=operation_id)
        expect(row.locator("td").first).to_have_text(method)
        expect(row.locator("td").last).to_have_text(writes)
    expect(page.locator("#wb-operations tr.wb-writes")).to_have_count(2)
    expect(operations.filter(has_text="listNotes")).not_to_have_class(re.compile("wb-writes"))
    expect(page.locator("#criterion-C3")).to_contain_text("1 warning")
    expect(page.locator("#criterion-C11")).to_contain_text("1 warning")
    for criterion in AUTO:
        assert _checked(page, criterion) == [_expected_preset(notes.version, criterion)], criterion
    for criterion in HUMAN:
        assert _checked(page, criterion) == [], criterion
    rita.shot("workbench")

    # Approve without choosing the human criteria: refused, each marked, nothing changed.
    page.locator("#wb-approve").click()
    errors = page.locator("#wb-decision-errors")
    expect(errors).to_contain_text("Nothing was decided.")
    assert errors.get_by_role("link").all_inner_texts() == list(HUMAN)
    for criterion in HUMAN:
        field = page.locator(f"#criterion-{criterion}")
        expect(field).to_have_class(re.compile("wb-invalid"))
        expect(field.locator(".wb-error")).to_contain_text("Choose pass, fail or not applicable")
    for criterion in AUTO:
        expect(page.locator(f"#criterion-{criterion}")).not_to_have_class(re.compile("wb-invalid"))
    assert page.title().startswith("Not decided:")
    expect(page.locator("#summary .wb-state")).to_have_text("In review")
    notes.refresh_from_db()
    assert notes.state == SubmissionState.IN_REVIEW and notes.decided_at is None
    assert not CriterionResult.objects.filter(submission=notes).exists()
    # What the reviewer sees: the answer lands at the decision, the sticky buttons below it.
    # (In the full-page picture after it, those buttons stick to the form's top instead.)
    page.locator("#decision").evaluate("e => e.scrollIntoView()")
    _viewport_shot(shots, page, "workbench-approve-refused-in-view")
    rita.shot("workbench-approve-refused")

    # 4. Request changes with a note, confirmed in the dialog.
    page.get_by_label("Note for the developer").fill(CHANGES_NOTE)
    page.locator("#wb-request_changes").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Request changes Notes Keeper version 2?")
    dialog.get_by_role("button", name="Yes, request changes").click()
    expect(page.get_by_text("Request changes: done.")).to_be_visible()
    expect(page.locator("#summary .wb-state")).to_have_text("Changes requested")
    expect(page.get_by_text("Waiting for the developer")).to_be_visible()
    rita.shot("workbench-changes-requested")

    # Meanwhile another developer files a plugin: it joins the queue's end.
    currency = submit(register(DeveloperFactory(), name_for_human="Currency Converter"))

    # 5. The developer reads the request in Help > Messages and replies in the thread.
    dana = person()
    page = dana.page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    dana.sign_in(dana_user.email)
    page.get_by_text("Help").click()
    page.get_by_role("link", name=re.compile("^Messages")).first.click()
    page.get_by_role("link", name=re.compile("Notes Keeper")).click()
    expect(
        page.get_by_role("heading", name="A reviewer asked for changes to Notes Keeper")
    ).to_be_visible()
    expect(page.get_by_text(CHANGES_NOTE)).to_be_visible()
    page.get_by_label("Reply to the reviewers").fill(REPLY)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Your reply was sent.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Notes Keeper is back in the review queue")
    ).to_be_visible()
    dana.shot("developer-replied")

    # 6. Back in the queue at its old place, and the reviewer is told.
    page = rita.page
    page.goto("/admin/reviews/submission/")
    assert _queue_names(page) == ["Metro Timetables", "Notes Keeper", "Currency Converter"]
    row = page.locator("#result_list tbody tr").nth(1)
    expect(row).to_contain_text("Submitted")
    expect(row).not_to_contain_text("you")
    notes.refresh_from_db()
    assert notes.state == SubmissionState.SUBMITTED and notes.claimed_by_id is None
    assert notes.submitted_at == filed_at < currency.submitted_at
    unread = page.locator("#user-tools .admin-unread")
    expect(unread).to_have_text("1 unread")
    rita.shot("queue-answered")
    page.locator("#user-tools").get_by_role("link", name=re.compile("^Messages")).click()
    page.get_by_role("link", name=re.compile("Account notices")).click()
    expect(page.get_by_role("heading", name="Dana replied about Notes Keeper")).to_be_visible()
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.get_by_text("the submission is back in the review queue")).to_be_visible()
    rita.shot("reviewer-messages")

    # 7. The reviewer opens it from the queue, claims it again and approves from the same page.
    page.goto("/admin/reviews/submission/")
    page.locator("#result_list").get_by_role("link", name=re.compile("^Notes Keeper")).click()
    expect(page.get_by_text(REPLY)).to_be_visible()
    page.locator("#wb-claim").click()
    expect(page.get_by_text("Claim: done.")).to_be_visible()
    for criterion in AUTO:
        assert _checked(page, criterion) == [_expected_preset(notes.version, criterion)], criterion
    for criterion in HUMAN:
        page.get_by_role("group", name=re.compile(f"^{criterion}:")).get_by_label("Pass").check()
    page.get_by_label("Note for the developer").fill("Thanks for the answer. Approved.")
    page.locator("#wb-approve").click()
    page.get_by_role("dialog").get_by_role("button", name="Yes, approve").click()
    expect(page.get_by_text("Approve: done.")).to_be_visible()
    expect(page.locator("#summary .wb-state")).to_have_text("Approved")
    rita.shot("workbench-approved")

    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED
    assert plugin.live_version_id == notes.version_id
    page = dana.page
    page.goto(f"/store/{plugin.slug}/")
    expect(page.get_by_role("heading", name="Notes Keeper", level=1)).to_be_visible()
    expect(page.get_by_text("find them again and delete them")).to_be_visible()

    # 8. Queue health.
    page = rita.page
    page.goto("/admin/reviews/submission/")
    page.locator("#queue-health-link").click()
    expect(page.get_by_role("heading", name="Queue size")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    rita.shot("health")
