"""The submission page decides (reviews/admin/workbench.py): criteria preset from the checker,
human criteria unset, refusals marked at their fields, approve / reject / request changes from
the page with a confirmation, and a page that stays small and within its query budget."""

import json
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Notification
from pluginstore.models import PluginStatus, PluginVersion
from reviews import bot, services
from reviews.choices import AUTO_CRITERIA
from reviews.forms import OVERRIDE, UNSET, ReviewDecisionForm
from reviews.models import (
    CannedReason,
    Criterion,
    CriterionResult,
    Submission,
    SubmissionState,
)
from reviews.workbench_selectors import (
    OPERATIONS_SHOWN,
    criterion_presets,
    findings_by_criterion,
    spec_operations,
)
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import fake_fetch, make_plugin, manifest_for, register, spec_for
from tests.reviews.helpers import claim, new_version, submit

pytestmark = pytest.mark.django_db

HUMAN_CRITERIA = [c for c in Criterion.values if c not in AUTO_CRITERIA]


def _url(submission) -> str:
    return reverse("admin:reviews_submission_change", args=[submission.pk])


def _state(submission) -> str:
    return Submission.objects.values_list("state", flat=True).get(pk=submission.pk)


class Page(HTMLParser):
    """What the tests read on the page: its inputs, and each element with an id (its classes
    and text)."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict] = []
        self.elements: dict[str, dict] = {}
        self._open: list[str | None] = []
        self._textarea: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag in ("input", "textarea", "button"):
            self.inputs.append({"tag": tag, **attrs, "text": ""})
            self._textarea = self.inputs[-1] if tag == "textarea" else None
        if tag in self.VOID:
            return
        self._open.append(attrs.get("id"))
        if attrs.get("id"):
            self.elements[attrs["id"]] = {"tag": tag, "class": attrs.get("class", ""), "text": ""}

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._open.pop()
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.elements[element_id]["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def checked(self, name: str) -> str | None:
        """The value of the checked radio called name, or None."""
        found = [i["value"] for i in self.inputs if i.get("name") == name and "checked" in i]
        return found[0] if found else None

    def textarea(self, name: str) -> str:
        return next(i["text"] for i in self.inputs if i.get("name") == name).strip()

    def button(self, name: str, value: str) -> dict | None:
        return next(
            (i for i in self.inputs if i.get("name") == name and i.get("value") == value), None
        )

    def marked(self, element_id: str) -> bool:
        return "wb-invalid" in self.elements[element_id]["class"].split()

    def text(self, element_id: str) -> str:
        return " ".join(self.elements[element_id]["text"].split())


def _page(client, submission) -> Page:
    response = client.get(_url(submission))
    assert response.status_code == 200
    return Page(response.content.decode())


def _decision(page: Page | None = None, **chosen) -> dict:
    """The decision form as the page shows it (presets included), with `chosen` results
    (criterion -> "pass" / "fail" / "na", or (result, note))."""
    data = {"developer_note": "", "private_note": ""}
    for criterion in Criterion.values:
        preset = page.checked(f"result_{criterion}") if page else None
        if preset:
            data[f"result_{criterion}"] = preset
        data[f"note_{criterion}"] = page.textarea(f"note_{criterion}") if page else ""
    for criterion, value in chosen.items():
        result, note = value if isinstance(value, tuple) else (value, None)
        data[f"result_{criterion}"] = result
        if note is not None:
            data[f"note_{criterion}"] = note
    return data


def _every_human(**chosen) -> dict:
    """Every human criterion passes, except those chosen otherwise."""
    return dict.fromkeys(HUMAN_CRITERIA, "pass") | chosen


@pytest.fixture
def claimed(reviewer):
    return claim(submit(register(DeveloperFactory())), reviewer)


# Presets ------------------------------------------------------------------------------------


def test_an_error_presets_its_criterion_to_fail_with_the_message_and_no_finding_to_pass():
    # A name with "GPT" in it: the checker's manifest.reserved_words error, criterion C9.
    version = register(DeveloperFactory(), name_for_human="GPT Weather").latest_version
    error = next(f for f in version.findings if f["criterion"] == "C9")
    assert error["severity"] == "error"

    presets = criterion_presets(version.findings)
    assert presets["C9"].result == "fail"
    assert error["message"] in presets["C9"].note
    assert presets["C9"].error_count == 1
    for criterion in AUTO_CRITERIA - {"C9", "C3"}:
        assert presets[criterion].result == "pass", criterion
        assert presets[criterion].note == ""
    for criterion in HUMAN_CRITERIA:
        assert presets[criterion].result is None, criterion

    form = ReviewDecisionForm(presets=presets)
    page = Page(str(form["result_C9"]) + str(form["note_C9"]) + str(form["result_C1"]))
    assert page.checked("result_C9") == "fail"
    assert error["message"] in page.textarea("note_C9")
    assert page.checked("result_C1") is None


def test_a_warning_does_not_fail_its_criterion():
    version = register(DeveloperFactory(), contact_email="help@weather-help.org").latest_version
    assert [f["severity"] for f in version.findings if f["criterion"] == "C3"] == ["warning"]
    preset = criterion_presets(version.findings)["C3"]
    assert (preset.result, preset.warning_count) == ("pass", 1)


def test_the_page_presets_machine_checked_criteria_and_leaves_human_ones_unset(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    for criterion in AUTO_CRITERIA:
        assert page.checked(f"result_{criterion}") == "pass", criterion
    for criterion in HUMAN_CRITERIA:
        assert page.checked(f"result_{criterion}") is None, criterion
    # Nothing on the page starts as "pass" that nobody looked at.
    assert "checked" not in ReviewDecisionForm().as_div()


def test_findings_are_grouped_by_criterion_errors_first_and_bounded():
    findings = [
        {"code": f"spec.operation_id.descriptive.{n}", "severity": "warning", "criterion": "C5"}
        for n in range(500)
    ] + [
        {"code": "spec.operation_id", "severity": "error", "criterion": "C5", "message": "x"},
        {"code": "manifest.https", "severity": "error", "criterion": "C3", "message": "y"},
        {"code": "odd", "severity": "warning"},
        "not a finding",
    ]
    groups = findings_by_criterion(findings, shown=20)
    assert [g.criterion for g in groups] == ["C3", "C5", ""]
    c5 = groups[1]
    assert c5.findings[0].code == "spec.operation_id"  # the error before the warnings
    assert (len(c5.findings), c5.error_count, c5.warning_count, c5.hidden) == (20, 1, 500, 481)


# The operations table ------------------------------------------------------------------------


def test_the_operations_table_reads_the_spec_and_is_bounded():
    spec = spec_for()
    spec["paths"]["/forecast"]["post"] = {"operationId": "saveCity", "summary": "Save a city."}
    spec["paths"].update({f"/items/{n}": {"delete": {}} for n in range(OPERATIONS_SHOWN + 50)})
    operations = spec_operations(spec)
    first, second = operations.rows[:2]
    assert (first.method, first.path, first.operation_id, first.summary, first.writes) == (
        "GET",
        "/forecast",
        "getForecast",
        "Forecast for a city.",
        False,
    )
    assert (second.method, second.operation_id, second.writes) == ("POST", "saveCity", True)
    assert operations.total == OPERATIONS_SHOWN + 52
    assert operations.write_total == OPERATIONS_SHOWN + 51
    assert len(operations.rows) == OPERATIONS_SHOWN
    assert operations.hidden == 52
    assert not spec_operations("not a spec").spec_parsed


def test_the_page_shows_the_operations_table(
    client, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = register(DeveloperFactory())
    spec = spec_for()
    spec["paths"]["/forecast"]["post"] = {
        "operationId": "saveFavouriteCity",
        "summary": "Save a city as a favourite.",
        "responses": {"200": {"description": "ok"}},
    }
    fake_fetch(monkeypatch, lambda: (manifest_for(plugin.domain), spec))
    from pluginstore import services as plugin_services

    with django_capture_on_commit_callbacks(execute=True):
        plugin_services.plugin_refresh_start(user=plugin.owner, plugin_id=plugin.pk)
    submission = submit(plugin)
    client.force_login(reviewer)
    page = _page(client, submission)
    table = page.text("wb-operations")
    assert "GET /forecast getForecast Forecast for a city. No" in table
    assert "POST /forecast saveFavouriteCity Save a city as a favourite. Yes" in table
    assert "2 operations, 1 writing" in page.text("operations")


# The diff -----------------------------------------------------------------------------------


def test_the_page_shows_the_diff_from_the_approved_version_as_marked_lines(
    client, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = make_plugin(DeveloperFactory(), status=PluginStatus.APPROVED)
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Rain")
    client.force_login(reviewer)
    html = client.get(_url(submit(plugin))).content.decode()
    assert '<tr class="wb-diff-del">' in html and '<tr class="wb-diff-add">' in html
    page = Page(html)
    assert "removed -  &quot;name_for_human&quot;" not in html  # escaped once, not twice
    manifest = page.text("diff-manifest")
    assert 'removed - "name_for_human": "Test Weather",' in manifest
    assert 'added + "name_for_human": "Rain",' in manifest
    assert "+1 -1" in manifest
    assert "No changes." in page.text("diff-spec")


def test_a_first_submission_says_there_is_nothing_to_compare_with(client, claimed):
    client.force_login(claimed.claimed_by)
    assert "No version of this plugin was approved before" in _page(client, claimed).text("changes")


# What the developer said --------------------------------------------------------------------


def test_the_page_shows_the_criteria_the_developer_confirmed_in_the_bot(
    client, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = register(DeveloperFactory())
    submission = _file_through_the_bot(plugin, monkeypatch, django_capture_on_commit_callbacks)
    client.force_login(reviewer)
    page = _page(client, submission)
    confirmed = page.text("wb-confirmations")
    for criterion, _ in bot.BOT_CRITERIA:
        assert f"{criterion} confirmed" in confirmed
    assert "Try Paris." in page.text("wb-note-to-reviewer")


def _file_through_the_bot(plugin, monkeypatch, capture_on_commit) -> Submission:
    owner = plugin.owner
    fake_fetch(monkeypatch, lambda: (manifest_for(plugin.domain), spec_for()))
    with capture_on_commit(execute=True):
        bot.conversation_start(user=owner, plugin_id=plugin.pk)
    conversation, _ = bot.conversation_accept_check(user=owner)
    while (criterion := bot.next_criterion(conversation)) is not None:
        conversation, _ = bot.conversation_confirm_criterion(user=owner, criterion=criterion)
    bot.conversation_set_note(user=owner, note="Try Paris.")
    with capture_on_commit(execute=True):
        conversation, _ = bot.conversation_file(user=owner)
    return conversation.submission


def test_the_page_says_when_the_confirmations_were_for_an_earlier_version(
    client, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    plugin = register(DeveloperFactory())
    submission = claim(
        _file_through_the_bot(plugin, monkeypatch, django_capture_on_commit_callbacks), reviewer
    )
    client.force_login(reviewer)
    assert "wb-confirmed-version" not in _page(client, submission).elements
    services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Say which cities."
    )
    # The developer answers with a new version, which replaces the one under review.
    new_version(
        plugin,
        monkeypatch,
        django_capture_on_commit_callbacks,
        description_for_human="Weather forecasts for Paris and Lyon.",
    )
    submission.refresh_from_db()
    assert submission.version.number == 2
    page = _page(client, submission)
    assert "Confirmed when filing version 1; this is version 2." in page.text(
        "wb-confirmed-version"
    )
    assert "C1 confirmed" in page.text("wb-confirmations")


def test_a_submission_filed_without_the_bot_says_no_confirmations_were_recorded(client, claimed):
    client.force_login(claimed.claimed_by)
    assert "no confirmations recorded" in _page(client, claimed).text("developer")


# Deciding -----------------------------------------------------------------------------------


def test_approving_with_unset_criteria_is_refused_with_each_field_marked_and_nothing_changed(
    client, claimed
):
    client.force_login(claimed.claimed_by)
    intents_before = Notification.objects.count()
    page = _page(client, claimed)
    # Straight to the confirmation, as a hand-made POST would: still refused.
    data = _decision(page, C1="pass") | {"_confirm": "approve"}
    response = client.post(_url(claimed), data)
    assert response.status_code == 200
    refused = Page(response.content.decode())
    for criterion in ("C2", "C4", "C8", "C10"):
        assert refused.marked(f"criterion-{criterion}"), criterion
        assert UNSET in refused.text(f"criterion-{criterion}")
    assert not refused.marked("criterion-C1")
    assert not refused.marked("criterion-C9")
    assert "Nothing was decided" in refused.text("wb-decision-errors")
    assert refused.checked("result_C1") == "pass"  # what the reviewer chose is kept
    assert response.context["title"].startswith("Review: ")
    assert _state(claimed) == SubmissionState.IN_REVIEW
    assert not CriterionResult.objects.filter(submission=claimed).exists()
    assert Notification.objects.count() == intents_before


def test_overriding_the_checker_needs_a_note(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    data = _decision(page, **_every_human(C9="fail")) | {"_decision": "reject"}
    data["developer_note"] = "Rename it."
    refused = Page(client.post(_url(claimed), data).content.decode())
    assert refused.marked("criterion-C9")
    assert OVERRIDE in refused.text("criterion-C9")
    assert _state(claimed) == SubmissionState.IN_REVIEW


def test_approving_with_a_failed_criterion_is_refused_at_that_criterion(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    data = _decision(page, **_every_human(C8=("fail", "No limits stated."))) | {
        "_confirm": "approve"
    }
    refused = Page(client.post(_url(claimed), data).content.decode())
    assert refused.marked("criterion-C8")
    assert "press Reject" in refused.text("criterion-C8")
    assert _state(claimed) == SubmissionState.IN_REVIEW


def test_a_full_approve_from_the_page_asks_to_confirm_then_decides(client, claimed):
    reviewer = claimed.claimed_by
    client.force_login(reviewer)
    page = _page(client, claimed)
    data = _decision(page, **_every_human(C10="na")) | {
        "developer_note": "Welcome!",
        "private_note": "Clean.",
    }
    # The first press comes back with the confirmation (without JavaScript) and changes nothing.
    asked = client.post(_url(claimed), data | {"_decision": "approve"})
    assert asked.status_code == 200
    asking = Page(asked.content.decode())
    assert asking.button("_confirm", "approve") is not None
    assert "Approve" in asking.text("wb-confirm-title")
    assert _state(claimed) == SubmissionState.IN_REVIEW

    done = client.post(_url(claimed), data | {"_confirm": "approve"})
    assert done.status_code == 302
    assert done["Location"] == _url(claimed)
    claimed.refresh_from_db()
    assert claimed.state == SubmissionState.APPROVED
    assert claimed.developer_note == "Welcome!"
    assert claimed.reviewer_private_note == "Clean."
    assert claimed.plugin.status == PluginStatus.APPROVED
    results = dict(claimed.criterion_results.values_list("criterion", "result"))
    assert results["C10"] == "na" and results["C9"] == "pass" and len(results) == 11
    # The decided page shows the record instead of the form.
    after = _page(client, claimed)
    assert "wb-results" in after.elements and "wb-decision-form" not in after.elements


def test_a_full_reject_from_the_page_with_a_canned_reason(client, claimed):
    client.force_login(claimed.claimed_by)
    canned = CannedReason.objects.create(
        criterion="C1", title="Misleading", text="The description promises what it can't do."
    )
    page = _page(client, claimed)
    data = _decision(page, **_every_human(C1=("fail", "Promises too much."))) | {
        "canned_reasons": [canned.pk],
        "private_note": "Looked twice.",
    }
    # A rejection needs a note: with only the canned reason it has one.
    client.post(_url(claimed), data | {"_decision": "reject"})
    assert _state(claimed) == SubmissionState.IN_REVIEW
    assert client.post(_url(claimed), data | {"_confirm": "reject"}).status_code == 302
    claimed.refresh_from_db()
    assert claimed.state == SubmissionState.REJECTED
    assert claimed.developer_note == canned.text
    assert claimed.reviewer_private_note == "Looked twice."
    assert claimed.criterion_results.get(criterion="C1").note == "Promises too much."


def test_a_canned_reason_already_in_the_note_is_not_added_twice(client, claimed):
    client.force_login(claimed.claimed_by)
    canned = CannedReason.objects.create(criterion="C1", title="Policy", text="Against policy.")
    page = _page(client, claimed)
    data = _decision(page, **_every_human(C1=("fail", "Policy."))) | {
        "canned_reasons": [canned.pk],
        "developer_note": "Sorry.\n\nAgainst policy.",  # what workbench.js puts in the note
        "_confirm": "reject",
    }
    client.post(_url(claimed), data)
    claimed.refresh_from_db()
    assert claimed.developer_note == "Sorry.\n\nAgainst policy."


def test_rejecting_without_a_failed_criterion_or_a_note_is_refused_at_the_fields(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    response = client.post(
        _url(claimed), _decision(page, **_every_human()) | {"_confirm": "reject"}
    )
    refused = Page(response.content.decode())
    assert "at least one failed criterion" in refused.text("wb-decision-errors")
    assert refused.marked("wb-field-developer_note")
    assert "Tell the developer what to fix." in refused.text("wb-field-developer_note")
    assert _state(claimed) == SubmissionState.IN_REVIEW


def test_request_changes_from_the_page(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    assert page.button("_decision", "request_changes") is not None
    # Without a note: refused at the note.
    refused = client.post(_url(claimed), _decision(page) | {"_confirm": "request_changes"})
    refused = Page(refused.content.decode())
    assert refused.marked("wb-field-developer_note")
    assert "Tell the developer what to change or answer." in refused.text("wb-field-developer_note")
    assert _state(claimed) == SubmissionState.IN_REVIEW

    data = _decision(page) | {"developer_note": "Which cities does it cover?"}
    assert client.post(_url(claimed), data | {"_decision": "request_changes"}).status_code == 200
    assert _state(claimed) == SubmissionState.IN_REVIEW
    response = client.post(_url(claimed), data | {"_confirm": "request_changes"})
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.state == SubmissionState.CHANGES_REQUESTED
    assert claimed.changes_note == "Which cities does it cover?"


def test_a_request_for_changes_keeps_no_private_note_so_it_refuses_one(client, claimed):
    client.force_login(claimed.claimed_by)
    page = _page(client, claimed)
    data = _decision(page) | {"developer_note": "A question.", "private_note": "Secret."}
    refused = Page(
        client.post(_url(claimed), data | {"_confirm": "request_changes"}).content.decode()
    )
    assert refused.marked("wb-field-private_note")
    assert "keeps no private note" in refused.text("wb-field-private_note")
    assert _state(claimed) == SubmissionState.IN_REVIEW


def test_only_the_claiming_reviewer_sees_the_form_and_others_get_403(client, claimed):
    other = make_reviewer()
    client.force_login(other)
    page = _page(client, claimed)
    assert "wb-decision-form" not in page.elements
    assert "only they can decide it" in page.text("decision")
    page_data = _decision(None, **dict.fromkeys(Criterion.values, "pass"))
    for decision in ("approve", "reject", "request_changes"):
        for param in ("_decision", "_confirm"):
            response = client.post(_url(claimed), page_data | {param: decision})
            assert response.status_code == 403, (decision, param)
    assert client.post(_url(claimed), page_data | {"_decision": "delete"}).status_code == 403
    assert _state(claimed) == SubmissionState.IN_REVIEW


def test_the_page_never_sends_the_reviewer_to_the_old_transition_pages(client, claimed):
    client.force_login(claimed.claimed_by)
    html = client.get(_url(claimed)).content.decode()
    assert "/transition/" not in html
    assert 'name="_fsm_transition_to" value="approve"' not in html
    assert 'name="_fsm_transition_to" value="reject"' not in html


def test_the_page_title_names_the_plugin_and_version(client, claimed):
    client.force_login(claimed.claimed_by)
    html = client.get(_url(claimed)).content.decode()
    name = claimed.plugin.display_name
    assert f"<title>Review: {name} v1 | " in html


# Size and queries ---------------------------------------------------------------------------

PAGE_QUERY_BUDGET = 20


def _bulk_history(plugin, count):
    """Closed submissions written in bulk: only for query-count tests of read pages."""
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            plugin=plugin,
            version=plugin.latest_version,
            submitted_by=plugin.owner,
            submitted_at=now,
            due_at=now,
            state=SubmissionState.REJECTED,
        )
        for _ in range(count)
    )


def _big_version(plugin, operations: int) -> PluginVersion:
    """A version holding a spec of `operations` empty operations and, as the checker stored
    before findings were capped, one finding per operation. Written directly (a version is
    immutable, so only create): the real checker would take minutes and refuse to file it."""
    spec = spec_for()
    spec["paths"].update({f"/p{n}": {"get": {}} for n in range(operations)})
    findings = [
        {
            "code": "spec.operation_id",
            "severity": "error",
            "field": f"spec.paths./p{n}.get",
            "criterion": "C5",
            "message": f"GET /p{n} has no operationId.",
        }
        for n in range(operations)
    ]
    latest = plugin.latest_version
    return PluginVersion.objects.create(
        plugin=plugin,
        number=latest.number + 1,
        manifest_url=latest.manifest_url,
        spec_url=latest.spec_url,
        manifest_text=latest.manifest_text,
        manifest=latest.manifest,
        spec_text=json.dumps(spec),
        spec=spec,
        content_hash="big",
        findings=findings,
        error_count=len(findings),
        fetched_at=timezone.now(),
    )


def _claimed_submission_of(version, reviewer) -> Submission:
    now = timezone.now()
    submission = Submission.objects.create(
        plugin=version.plugin,
        version=version,
        submitted_by=version.plugin.owner,
        submitted_at=now,
        due_at=now,
    )
    return services.submission_claim(submission_id=submission.pk, reviewer=reviewer)


def test_the_page_keeps_its_query_budget_whatever_the_history_and_the_spec(client, reviewer):
    plugin = register(DeveloperFactory())
    submission = claim(submit(plugin), reviewer)
    client.force_login(reviewer)
    client.get(_url(submission))  # Django caches content types per process: warm it up
    counts = []
    for history in (10, 1000):
        _bulk_history(plugin, history - Submission.objects.filter(plugin=plugin).count())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(submission)).status_code == 200
        counts.append(len(queries))

    big = register(DeveloperFactory())
    big_submission = _claimed_submission_of(_big_version(big, 5000), reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(big_submission)).status_code == 200
    counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= PAGE_QUERY_BUDGET, counts


def test_the_page_stays_small_with_an_88000_operation_spec(client, reviewer):
    big = register(DeveloperFactory())
    submission = _claimed_submission_of(_big_version(big, 88_000), reviewer)
    client.force_login(reviewer)
    response = client.get(_url(submission))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(html) < 600_000, len(html)
    page = Page(html)
    assert "88001 operations" in page.text("operations") or "88,001 operations" in page.text(
        "operations"
    )
    assert "and 87801 more operations" in page.text("operations").replace(",", "")
    assert "more findings for C5 not shown" in page.text("findings")
    assert "88000 errors" in page.text("findings-title")  # the version's count
    # The checker's errors preset C5 to fail, with the first messages and how many more.
    assert page.checked("result_C5") == "fail"
    assert "more errors" in page.textarea("note_C5")


def test_the_reject_page_of_old_still_works_for_hand_made_urls(client, claimed):
    """The admin's transition URL stays (the security matrix lists it), every criterion unset."""
    client.force_login(claimed.claimed_by)
    url = reverse("admin:reviews_submission_transition", args=[claimed.pk, "reject"])
    response = client.get(url)
    assert response.status_code == 200
    radios = [i for i in Page(response.content.decode()).inputs if i.get("type") == "radio"]
    assert len(radios) == 3 * len(Criterion.values)
    assert not any("checked" in radio for radio in radios)
