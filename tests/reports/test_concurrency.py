"""Reports filed and decided at the same moment, in real concurrent transactions (each thread
its own connection, released together by a barrier): one open report per user and plugin and
the hourly limit hold, and a ban racing a dismissal decides each report once."""

from functools import partial

import pytest
from django.test import override_settings

from reports.choices import ReportState
from reports.models import Report
from reports.services import reports_dismiss
from reviews import moderation
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin
from tests.reports.helpers import file_report, told
from tests.reviews.test_concurrency import WON, _race, _unexpected

TRIALS = 10

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_reports_of_one_plugin_by_one_user_at_once_make_one():
    plugin = make_plugin(DeveloperFactory(), status="approved")
    for _ in range(TRIALS):
        reporter = UserFactory()
        outcomes = _race(
            partial(file_report, plugin, reporter), partial(file_report, plugin, reporter)
        )
        assert _unexpected(outcomes) == [], outcomes
        assert outcomes.count(WON) == 1, outcomes
        assert Report.objects.filter(reporter=reporter).count() == 1


@override_settings(REPORTS_PER_HOUR=1)
def test_two_reports_at_once_cannot_both_pass_the_hourly_limit():
    owner = DeveloperFactory()
    first, second = make_plugin(owner, status="approved"), make_plugin(owner, status="approved")
    for _ in range(TRIALS):
        reporter = UserFactory()
        outcomes = _race(
            partial(file_report, first, reporter), partial(file_report, second, reporter)
        )
        assert _unexpected(outcomes) == [], outcomes
        assert outcomes.count(WON) == 1, outcomes
        assert Report.objects.filter(reporter=reporter).count() == 1


def test_a_ban_racing_a_dismissal_decides_the_report_once_and_tells_the_reporter_once():
    reviewer, other = make_reviewer(), make_reviewer()
    for _ in range(TRIALS // 2):
        plugin = make_plugin(DeveloperFactory(), status="approved")
        report = file_report(plugin, UserFactory())
        outcomes = _race(
            partial(moderation.plugin_ban, plugin_id=plugin.pk, by=reviewer, reason="Harmful."),
            partial(
                reports_dismiss, by=other, plugin_id=plugin.pk, report_ids=[report.pk], note="Fine."
            ),
        )
        assert _unexpected(outcomes) == [], outcomes
        report.refresh_from_db()
        assert report.state in (ReportState.LED_TO_BAN, ReportState.DISMISSED)
        told_now = told("report_led_to_ban") + told("report_dismissed")
        assert told_now.count(report.reporter_id) == 1
