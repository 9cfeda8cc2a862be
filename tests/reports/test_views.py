"""The reporter's pages (issue 13 item 1): the Report block on an approved plugin's page, the
report form and its result, "Your reports"; who may use them; bad input; query budgets."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import AccountType
from reports import services
from reports.choices import ReportState
from reports.models import REPORT_TEXT_MAX_LENGTH, Report
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin
from tests.reports.helpers import file_report

pytestmark = pytest.mark.django_db

GOOD = {"reason": "misleading", "text": "It says it is free; it asks for a card."}


def _create_url(plugin) -> str:
    return reverse("reports:create", args=[plugin.slug])


def _detail(client, plugin) -> str:
    response = client.get(reverse("store:detail", args=[plugin.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_visitor_sees_a_sign_in_link_and_the_form_asks_to_sign_in(client, plugin):
    page = _detail(client, plugin)
    assert "Sign in to report this plugin" in page
    assert f"/accounts/login/?next=/reports/{plugin.slug}/new/" in page
    response = client.get(_create_url(plugin))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    response = client.post(_create_url(plugin), GOOD)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        UserFactory,
        PlusUserFactory,
        DeveloperFactory,
        lambda: make_reviewer(account_type=AccountType.DEVELOPER),
    ],
    ids=["normal", "plus", "developer", "reviewer"],
)
def test_every_signed_in_user_reports_from_the_plugins_page(
    client, plugin, make_user, django_capture_on_commit_callbacks
):
    user = make_user()
    client.force_login(user)
    page = _detail(client, plugin)
    assert "Report this plugin" in page and _create_url(plugin) in page
    form = client.get(_create_url(plugin))
    assert form.status_code == 200
    assert "Harmful content" in form.content.decode() and "Impersonation" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_create_url(plugin), GOOD, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:mine")
    content = response.content.decode()
    assert "your report of Book Finder reached the reviewers" in content
    assert GOOD["text"] in content and "Open" in content
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.state) == (user, "misleading", "open")
    # The plugin's page now shows the report's state instead of the button.
    page = _detail(client, plugin)
    assert "You reported this plugin" in page
    assert "Report this plugin</a>" not in page


def test_the_owner_is_not_offered_to_report_their_own_plugin(client, plugin):
    client.force_login(plugin.owner)
    assert "Report this plugin" not in _detail(client, plugin)
    response = client.get(_create_url(plugin))
    assert "your own plugin" in response.content.decode()
    response = client.post(_create_url(plugin), GOOD)
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_a_plugin_that_is_not_approved_cannot_be_reported_a_404(client, owner):
    unverified = make_plugin(owner)
    banned = make_plugin(owner, status="banned")
    for user in (UserFactory(), owner, make_reviewer()):
        client.force_login(user)
        for plugin in (unverified, banned):
            assert client.get(_create_url(plugin)).status_code == 404
            assert client.post(_create_url(plugin), GOOD).status_code == 404
        assert client.get(reverse("reports:create", args=["no-such-plugin"])).status_code == 404
    assert not Report.objects.exists()


def test_a_duplicate_is_refused_on_the_form_page(client, plugin, reporter):
    file_report(plugin, reporter)
    client.force_login(reporter)
    page = client.get(_create_url(plugin)).content.decode()
    assert "You already reported this plugin" in page
    response = client.post(_create_url(plugin), GOOD)
    assert response.status_code == 200
    assert "already reported this plugin" in response.content.decode()
    assert Report.objects.count() == 1


@override_settings(REPORTS_PER_HOUR=1)
def test_the_rate_limit_is_a_message_on_the_form(client, owner, reporter):
    file_report(make_plugin(owner, status="approved"), reporter)
    second = make_plugin(owner, status="approved")
    client.force_login(reporter)
    response = client.post(_create_url(second), GOOD)
    assert response.status_code == 200
    assert "at most 1 reports an hour" in response.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "misleading", "text": ""}, "This field is required."),
        ({"reason": "nonsense", "text": "Text."}, "Select a valid choice."),
        ({"text": "Text."}, "This field is required."),
        (
            {"reason": "other", "text": "x" * (REPORT_TEXT_MAX_LENGTH + 1)},
            f"at most {REPORT_TEXT_MAX_LENGTH} characters",
        ),
        ({"reason": "other", "text": "   "}, "This field is required."),
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(client, plugin, reporter, data, message):
    client.force_login(reporter)
    response = client.post(_create_url(plugin), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_your_reports_lists_only_your_own_with_their_outcome(
    client, owner, plugin, reporter, reviewer
):
    dismissed = file_report(plugin, reporter, text="First complaint.")
    services.reports_dismiss(
        by=reviewer, plugin_id=plugin.pk, report_ids=[dismissed.pk], note="It works as described."
    )
    open_report = file_report(plugin, reporter, text="Second complaint.")
    someone_elses = file_report(make_plugin(owner, status="approved"), UserFactory(), text="Zzz.")
    client.force_login(reporter)
    page = client.get(reverse("reports:mine")).content.decode()
    assert "First complaint." in page and "It works as described." in page
    assert "Second complaint." in page and "Waiting for a reviewer" in page
    assert page.index("Second complaint.") < page.index("First complaint.")  # newest first
    assert someone_elses.text not in page
    assert open_report.state == ReportState.OPEN
    client.force_login(UserFactory())
    assert "No reports" in client.get(reverse("reports:mine")).content.decode()
    client.logout()
    assert client.get(reverse("reports:mine")).status_code == 302


def test_the_plugin_page_shows_a_decided_report_and_offers_to_report_again(
    client, plugin, reporter, reviewer
):
    report = file_report(plugin, reporter)
    services.reports_dismiss(by=reviewer, plugin_id=plugin.pk, report_ids=[report.pk], note="No.")
    client.force_login(reporter)
    page = _detail(client, plugin)
    assert "Dismissed" in page and "Report this plugin" in page


@override_settings(REPORTS_PER_HOUR=100)
def test_the_report_pages_keep_their_query_budget(
    client, owner, plugin, reporter, django_assert_max_num_queries
):
    for _ in range(30):
        file_report(make_plugin(owner, status="approved"), reporter)
    client.force_login(reporter)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("reports:mine")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(_create_url(plugin)).status_code == 200
