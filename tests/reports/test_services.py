"""A report's whole life (issue 13 item 1, PRODUCT.md section 11): filed, a duplicate refused,
rate-limited, dismissed with a note or led to a ban, and each reporter told exactly once."""

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from accounts.models import AccountType
from core.exceptions import ApplicationError
from inbox.models import Message, Notification
from reports import services
from reports.choices import ReportState
from reports.models import REPORT_TEXT_MAX_LENGTH, Report
from reviews import moderation
from reviews.reviewer_notices import all_reviewers
from tests.factories import UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin
from tests.reports.helpers import file_report, messages_of, told

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_reports_an_approved_plugin_and_every_reviewer_hears_once(
    plugin, reporter, reviewer, django_capture_on_commit_callbacks
):
    second_reviewer = make_reviewer()
    everyone = [user.pk for user in all_reviewers()]
    assert {reviewer.pk, second_reviewer.pk} <= set(everyone)
    with django_capture_on_commit_callbacks(execute=True):
        report = file_report(plugin, reporter, reason="harmful", text="It asks for my password.")
    report.refresh_from_db()
    assert (report.state, report.reason, report.reporter, report.plugin) == (
        ReportState.OPEN,
        "harmful",
        reporter,
        plugin,
    )
    assert told("report_filed") == everyone
    notice = Notification.objects.filter(kind="report_filed").first()
    assert notice.event_key == f"report:{report.pk}:filed"
    assert notice.thread_plugin_id is None
    body = messages_of(reviewer, "report_filed")[0].body
    assert "It asks for my password." in body
    assert f"/admin/reports/report/?plugin={plugin.pk}" in body
    assert "1 open report" in body
    # Neither the reporter nor the owner hears of it.
    assert not Notification.objects.filter(recipient__in=[reporter, plugin.owner]).exists()


def test_a_second_open_report_of_the_same_plugin_is_refused_and_changes_nothing(
    plugin, reporter, reviewer
):
    file_report(plugin, reporter)
    with pytest.raises(ApplicationError, match="already reported this plugin"):
        file_report(plugin, reporter, reason="misleading", text="Another try.")
    assert Report.objects.count() == 1
    assert told("report_filed") == [user.pk for user in all_reviewers()]
    # Another user may report it too.
    file_report(plugin, UserFactory())
    assert Report.objects.filter(plugin=plugin, state=ReportState.OPEN).count() == 2


def test_the_database_allows_one_open_report_per_user_and_plugin(plugin, reporter):
    file_report(plugin, reporter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(plugin=plugin, reporter=reporter, reason="other", text="Again.")


@override_settings(REPORTS_PER_HOUR=3)
def test_a_user_may_file_at_most_the_hourly_limit(owner, reporter):
    plugins = [make_plugin(owner, status="approved") for _ in range(4)]
    for plugin in plugins[:3]:
        file_report(plugin, reporter)
    with pytest.raises(ApplicationError, match="at most 3 reports an hour"):
        file_report(plugins[3], reporter)
    assert Report.objects.filter(reporter=reporter).count() == 3
    # An hour later the user may report again.
    Report.objects.filter(reporter=reporter).update(
        created_at=Report.objects.first().created_at.replace(year=2000)
    )
    file_report(plugins[3], reporter)
    assert Report.objects.filter(reporter=reporter).count() == 4


@pytest.mark.parametrize(
    ("reason", "text", "message"),
    [
        ("broken", "", "Tell the reviewers what is wrong"),
        ("broken", "   \n ", "Tell the reviewers what is wrong"),
        ("bogus", "Real text.", "Choose a reason"),
        ("broken", "x" * (REPORT_TEXT_MAX_LENGTH + 1), f"at most {REPORT_TEXT_MAX_LENGTH}"),
    ],
)
def test_bad_input_is_refused_with_a_message(plugin, reporter, reason, text, message):
    with pytest.raises(ApplicationError, match=message):
        file_report(plugin, reporter, reason=reason, text=text)
    assert not Report.objects.exists()


def test_the_longest_text_is_accepted(plugin, reporter):
    report = file_report(plugin, reporter, text="y" * REPORT_TEXT_MAX_LENGTH)
    assert len(report.text) == REPORT_TEXT_MAX_LENGTH


def test_only_approved_plugins_can_be_reported_and_never_by_their_owner(owner, reporter):
    unverified = make_plugin(owner)
    banned = make_plugin(owner, status="banned")
    for plugin in (unverified, banned):
        with pytest.raises(ApplicationError, match="Only approved plugins"):
            file_report(plugin, reporter)
    approved = make_plugin(owner, status="approved")
    with pytest.raises(ApplicationError, match="your own plugin"):
        file_report(approved, owner)
    assert not Report.objects.exists()


def test_dismissing_needs_a_note_and_tells_each_reporter_once(
    plugin, reporter, reviewer, django_capture_on_commit_callbacks
):
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = file_report(plugin, reporter)
        second = file_report(plugin, other)
    with pytest.raises(ApplicationError, match="Give a note"):
        services.reports_dismiss(
            by=reviewer, plugin_id=plugin.pk, report_ids=[first.pk, second.pk], note=" "
        )
    assert Report.objects.filter(state=ReportState.OPEN).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        count = services.reports_dismiss(
            by=reviewer,
            plugin_id=plugin.pk,
            report_ids=[first.pk, second.pk],
            note="It works for us; the 500 was their outage.",
        )
    assert count == 2
    first.refresh_from_db()
    assert (first.state, first.decided_by, first.decision_note) == (
        ReportState.DISMISSED,
        reviewer,
        "It works for us; the 500 was their outage.",
    )
    assert first.decided_at is not None
    assert told("report_dismissed") == [reporter.pk, other.pk]
    body = messages_of(reporter, "report_dismissed")[0].body
    assert "It works for us; the 500 was their outage." in body

    # Dismissing again changes nothing and tells nobody again.
    with pytest.raises(ApplicationError, match="None of these reports is open"):
        services.reports_dismiss(
            by=reviewer, plugin_id=plugin.pk, report_ids=[first.pk], note="Again."
        )
    assert told("report_dismissed") == [reporter.pk, other.pk]
    # Once dismissed, the user may report the plugin again.
    file_report(plugin, reporter, text="Still broken a week later.")


def test_dismissing_acts_only_on_that_plugins_open_reports(owner, plugin, reporter, reviewer):
    elsewhere = file_report(make_plugin(owner, status="approved"), reporter)
    with pytest.raises(ApplicationError, match="None of these reports is open"):
        services.reports_dismiss(
            by=reviewer, plugin_id=plugin.pk, report_ids=[elsewhere.pk], note="Nope."
        )
    elsewhere.refresh_from_db()
    assert elsewhere.state == ReportState.OPEN


def test_only_reviewers_dismiss_and_never_on_their_own_plugin(plugin, reporter):
    report = file_report(plugin, reporter)
    for user in (reporter, plugin.owner, UserFactory(is_staff=True)):
        with pytest.raises(ApplicationError, match="not allowed"):
            services.reports_dismiss(
                by=user, plugin_id=plugin.pk, report_ids=[report.pk], note="Fine."
            )
    reviewer_owner = make_reviewer(account_type=AccountType.DEVELOPER)
    own = make_plugin(reviewer_owner, status="approved")
    own_report = file_report(own, reporter)
    with pytest.raises(ApplicationError, match="your own plugin"):
        services.reports_dismiss(
            by=reviewer_owner, plugin_id=own.pk, report_ids=[own_report.pk], note="Fine."
        )
    assert Report.objects.filter(state=ReportState.OPEN).count() == 2


def test_a_ban_resolves_the_open_reports_and_tells_each_reporter_once(
    plugin, reporter, reviewer, django_capture_on_commit_callbacks
):
    other = UserFactory()
    dismissed_earlier = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        old = file_report(plugin, dismissed_earlier)
        services.reports_dismiss(by=reviewer, plugin_id=plugin.pk, report_ids=[old.pk], note="No.")
        first = file_report(plugin, reporter)
        second = file_report(plugin, other)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Phishing for passwords.")
    states = dict(Report.objects.values_list("pk", "state"))
    assert states == {
        old.pk: ReportState.DISMISSED,
        first.pk: ReportState.LED_TO_BAN,
        second.pk: ReportState.LED_TO_BAN,
    }
    first.refresh_from_db()
    assert first.decided_by == reviewer and first.decided_at is not None
    assert told("report_led_to_ban") == [reporter.pk, other.pk]
    told_of_ban = messages_of(reporter, "report_led_to_ban")[0]
    assert "led to a ban" in told_of_ban.subject
    assert "banned Book Finder" in told_of_ban.body
    # The ban's reason was written for the developer: the reporter's message does not carry it.
    assert "Phishing" not in messages_of(reporter, "report_led_to_ban")[0].body
    assert messages_of(dismissed_earlier, "report_led_to_ban") == []

    # A reinstatement and a second ban tell nobody of these reports again.
    with django_capture_on_commit_callbacks(execute=True):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Appeal upheld.")
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Again.")
    assert told("report_led_to_ban") == [reporter.pk, other.pk]
    assert Message.objects.filter(notification__kind="report_led_to_ban").count() == 2
