"""The reviewers' side of reports (issue 13 item 1, PRODUCT.md section 7): the reports list in
the admin, grouped by plugin, dismissing from it, the queue's "open reports" flag; who may see
and do what; the list's query budget with many reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountType
from reports.choices import ReportState
from reports.models import Report
from reports.selectors import PLUGINS_PER_PAGE, REPORTS_SHOWN_PER_PLUGIN
from reviews import moderation
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin
from tests.reports.helpers import file_report, told
from tests.reviews.helpers import new_version, submit

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:reports_report_changelist")
DISMISS_URL = reverse("admin:reports_report_dismiss")


def _age(report, minutes: int) -> None:
    Report.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_the_list_groups_reports_by_plugin_newest_first_with_counts_and_texts(
    client, owner, plugin, reviewer
):
    other_plugin = make_plugin(owner, status="approved", name_for_human="Map Maker")
    older = file_report(plugin, UserFactory(), text="Old text about books.")
    newer = file_report(plugin, UserFactory(), reason="privacy", text="New text about books.")
    maps = file_report(other_plugin, UserFactory(), text="Maps text.")
    _age(older, 50)
    _age(newer, 40)
    _age(maps, 10)
    client.force_login(reviewer)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    page = response.content.decode()
    # Map Maker was reported last, so it comes first; within a plugin, the newest report first.
    assert page.index("Map Maker") < page.index("Book Finder")
    assert page.index("New text about books.") < page.index("Old text about books.")
    assert "2 reports" in page and "1 report<" in page
    assert "Privacy" in page
    assert reverse("admin:pluginstore_plugin_change", args=[plugin.pk]) in page
    # One plugin only, as the reviewers' notice links it.
    page = client.get(LIST_URL, {"plugin": plugin.pk}).content.decode()
    assert "Book Finder" in page and "Map Maker" not in page


def test_a_reviewer_dismisses_the_ticked_reports_with_a_note(
    client, plugin, reviewer, django_capture_on_commit_callbacks
):
    kept = file_report(plugin, UserFactory(), text="Keep me open.")
    gone = file_report(plugin, UserFactory(), text="Dismiss me.")
    client.force_login(reviewer)
    # Without a note nothing changes and the page says why.
    response = client.post(
        DISMISS_URL, {"plugin": plugin.pk, "report": [gone.pk], "note": ""}, follow=True
    )
    assert "Nothing was dismissed" in response.content.decode()
    assert Report.objects.filter(state=ReportState.OPEN).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DISMISS_URL,
            {"plugin": plugin.pk, "report": [gone.pk], "note": "Works as described."},
            follow=True,
        )
    assert "Dismissed 1 report" in response.content.decode()
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.state, gone.decided_by, gone.decision_note) == (
        ReportState.DISMISSED,
        reviewer,
        "Works as described.",
    )
    assert kept.state == ReportState.OPEN
    assert told("report_dismissed") == [gone.reporter_id]
    # The dismissed report is listed under its state, with the decision.
    page = client.get(LIST_URL, {"state": "dismissed"}).content.decode()
    assert "Dismiss me." in page and "Works as described." in page and "Keep me open." not in page


@pytest.mark.parametrize(
    "data",
    [
        {"plugin": "x", "report": ["1"], "note": "n"},
        {"plugin": "1", "report": ["<script>"], "note": "n"},
        {"plugin": "1", "note": "n"},
        {"plugin": "1", "report": ["1"], "note": "n" * 2001},
        {"plugin": "9" * 30, "report": ["9" * 30], "note": "Out of range."},
        {},
    ],
)
def test_bad_dismiss_posts_are_refused_with_a_message_never_a_500(client, plugin, reviewer, data):
    report = file_report(plugin, UserFactory())
    client.force_login(reviewer)
    response = client.post(DISMISS_URL, data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    refusals = ("Nothing was dismissed", "None of these", "This plugin does not exist.")
    assert any(refusal in page for refusal in refusals), page
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_odd_list_parameters_show_the_open_reports(client, plugin, reviewer):
    file_report(plugin, UserFactory(), text="Still listed.")
    client.force_login(reviewer)
    for params in ({"state": "bogus"}, {"plugin": "9" * 30}, {"p": "9" * 30}, {"plugin": "x"}):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert response.context["state"] == "open"
    assert "Still listed." in client.get(LIST_URL, {"p": "9" * 30}).content.decode()


def test_who_may_see_the_list_and_dismiss(client, plugin):
    report = file_report(plugin, UserFactory())
    post = {"plugin": plugin.pk, "report": [report.pk], "note": "No."}
    for user in (UserFactory(), plugin.owner):
        client.force_login(user)
        assert client.get(LIST_URL).url.startswith(reverse("admin:login"))
        assert client.post(DISMISS_URL, post).url.startswith(reverse("admin:login"))
    client.force_login(UserFactory(is_staff=True))
    assert client.get(LIST_URL).status_code == 403
    assert client.post(DISMISS_URL, post).status_code == 403
    assert client.get(DISMISS_URL).status_code == 403
    client.force_login(make_reviewer())
    assert client.get(DISMISS_URL).status_code == 405
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_a_reviewer_does_not_decide_reports_of_their_own_plugin(client):
    reviewer_dev = make_reviewer(account_type=AccountType.DEVELOPER)
    own = make_plugin(reviewer_dev, status="approved", name_for_human="Own Tool")
    report = file_report(own, UserFactory(), text="About the tool of a reviewer.")
    client.force_login(reviewer_dev)
    page = client.get(LIST_URL).content.decode()
    assert "About the tool of a reviewer." in page
    assert "another reviewer decides its reports" in page
    response = client.post(
        DISMISS_URL, {"plugin": own.pk, "report": [report.pk], "note": "Mine is fine."}, follow=True
    )
    assert "your own plugin" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_a_ban_from_the_plugins_page_empties_the_plugins_group(client, plugin, reviewer):
    file_report(plugin, UserFactory(), text="Phishing.")
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Phishing.")
    client.force_login(reviewer)
    assert "No open reports" in client.get(LIST_URL).content.decode()
    page = client.get(LIST_URL, {"state": "led_to_ban"}).content.decode()
    assert "Book Finder" in page and "Phishing." in page


def test_the_queue_shows_the_open_reports_flag_with_its_count(
    client, plugin, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Book F")
    submit(plugin)
    client.force_login(reviewer)
    queue = reverse("admin:reviews_submission_changelist")
    assert "open reports" not in client.get(queue).content.decode()
    file_report(plugin, UserFactory())
    file_report(plugin, UserFactory())
    page = client.get(queue).content.decode()
    assert "open reports (2)" in page
    assert "Users reported this plugin: 2 open reports" in page


def _many_reports(plugins: int, per_plugin: int) -> None:
    """Reports written in bulk: only for the query budget."""
    owner = DeveloperFactory()
    reporters = [UserFactory() for _ in range(per_plugin)]
    rows = []
    for _ in range(plugins):
        plugin = make_plugin(owner, status="approved")
        rows += [
            Report(plugin=plugin, reporter=user, reason="broken", text=f"Broken {plugin.pk}.")
            for user in reporters
        ]
    Report.objects.bulk_create(rows)


def test_the_reports_list_keeps_its_query_budget_with_many_reports(client, reviewer):
    client.force_login(reviewer)
    counts = []
    for plugins, per_plugin in ((2, 2), (PLUGINS_PER_PAGE + 5, REPORTS_SHOWN_PER_PLUGIN + 10)):
        _many_reports(plugins, per_plugin)
        forget_copies()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 8, counts
    rows = response.context["rows"]
    assert len(rows) == PLUGINS_PER_PAGE
    assert all(len(row["reports"]) == REPORTS_SHOWN_PER_PLUGIN for row in rows[:-2])
    assert f"Only the newest {REPORTS_SHOWN_PER_PLUGIN}" in response.content.decode()
