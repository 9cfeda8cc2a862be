"""Queue health (reviews/health.py and its admin page, reviews/admin/health.py)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import health, services
from reviews.models import Submission, SubmissionEvent, SubmissionState
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import approve, claim, reject, submit

pytestmark = pytest.mark.django_db

URL = reverse("admin:reviews_submission_health")
# Session, user and permissions, reviews.health's eight queries, the header's unread badge:
# measured 13 on PostgreSQL, and it does not grow with the history.
HEALTH_BUDGET = 13


def _noon(days_ago: int) -> datetime.datetime:
    """Noon (local time) `days_ago` days before today: clear of every day's boundary."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _backdate(submission, filed: int, moves: dict[str, int], decided: int | None = None):
    """Move a submission made by the services into the past: filed `filed` days ago, due seven
    days later, each audit row `to_state -> days ago`, and the decision `decided` days ago."""
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=_noon(filed),
        due_at=_noon(filed) + datetime.timedelta(days=7),
        decided_at=_noon(decided) if decided is not None else None,
    )
    events = SubmissionEvent.objects.filter(submission=submission)
    events.filter(from_state="").update(created_at=_noon(filed))
    for to_state, days_ago in moves.items():
        events.filter(to_state=to_state).exclude(from_state="").update(created_at=_noon(days_ago))


@pytest.fixture
def history():
    """Five submissions over the last 100 days (see each line), decided by Rita and Sam."""
    rita = make_reviewer(display_name="Rita")
    sam = make_reviewer(display_name="Sam")

    def filed():
        return submit(register(DeveloperFactory()))

    # S1: in the queue from 10 days ago, approved by Rita 4 days ago (before it was due).
    s1 = approve(claim(filed(), rita), rita)
    _backdate(s1, 10, {"in_review": 10, "approved": 4}, decided=4)
    # S2: in the queue from 20 days ago and still in review: overdue since 13 days ago.
    s2 = claim(filed(), sam)
    _backdate(s2, 20, {"in_review": 19})
    # S3: from 5 days ago, rejected by Sam 2 days ago.
    s3 = reject(claim(filed(), sam), sam)
    _backdate(s3, 5, {"in_review": 5, "rejected": 2}, decided=2)
    # S4: from 3 days ago; changes requested yesterday, so it left the reviewers then.
    s4 = claim(filed(), sam)
    services.submission_request_changes(submission_id=s4.pk, reviewer=sam, note="Which cities?")
    _backdate(s4, 3, {"in_review": 3, "changes_requested": 1})
    # S5: long before the window: filed 100 days ago, rejected 95 days ago.
    s5 = reject(claim(filed(), rita), rita)
    _backdate(s5, 100, {"in_review": 100, "rejected": 95}, decided=95)
    return rita, sam


def _by_days_ago(counts: list[health.DayCount]) -> dict[int, int]:
    today = timezone.localdate()
    return {(today - c.day).days: c.count for c in counts}


def test_queue_size_per_day_is_rebuilt_from_the_audit(history):
    stats = health.queue_health()
    assert len(stats.queue_size) == 90 and stats.days == 90
    queue = _by_days_ago(stats.queue_size)
    expected = dict.fromkeys(range(21, 90), 0)
    expected.update(dict.fromkeys(range(11, 21), 1))  # S2
    expected.update({10: 2, 9: 2, 8: 2, 7: 2, 6: 2})  # S2, S1
    expected.update({5: 3, 4: 2, 3: 3, 2: 2, 1: 1, 0: 1})  # S3 from 5 to 3, S4 from 3 to 2
    assert queue == expected
    assert stats.queue_now == 1  # S2; S4 waits for its developer


def test_overdue_per_day_counts_only_what_waited_past_its_due_date(history):
    stats = health.queue_health()
    overdue = _by_days_ago(stats.overdue)
    assert overdue == {k: (1 if k <= 13 else 0) for k in range(90)}  # S2 only
    assert stats.overdue_now == 1


def test_days_to_decision_and_decisions_per_reviewer_cover_the_window(history):
    rita, sam = history
    stats = health.queue_health()
    assert stats.decisions == 2  # S1 and S3; S5 was decided before the window
    assert stats.median_days == pytest.approx(4.5)
    assert stats.p90_days == pytest.approx(5.7)
    assert sum(week.decisions for week in stats.decision_times) == 2
    medians = {week.median_days for week in stats.decision_times if week.decisions}
    assert medians <= {6.0, 3.0, 4.5} and medians
    assert [(r.name, r.decisions) for r in stats.reviewers] == [("Rita", 1), ("Sam", 1)]
    assert stats.reviewers[0].per_day == pytest.approx(1 / 90)


def test_percentiles_without_postgresql_match_percentile_cont():
    assert health._percentile([3.0, 6.0], 0.5) == pytest.approx(4.5)
    assert health._percentile([6.0, 3.0], 0.9) == pytest.approx(5.7)
    assert health._percentile([2.0], 0.9) == 2.0
    assert health._percentile([], 0.5) is None


def test_an_empty_history_is_all_zeros():
    stats = health.queue_health()
    assert {c.count for c in stats.queue_size} == {0}
    assert (stats.queue_now, stats.overdue_now, stats.decisions) == (0, 0, 0)
    assert stats.median_days is None and stats.reviewers == []


def test_the_page_draws_each_chart_as_svg_with_its_table_and_no_inline_style(client, history):
    client.force_login(history[0])
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('<svg class="chart"') == 4
    for table in ("queue-size-table", "times-table", "reviewers-table", "overdue-table"):
        assert f'id="{table}"' in text
    assert re.search(r'<td title="[^"]+">Rita</td><td>1</td><td>0.01</td>', text)
    assert "<title>Queue health | PluginStore review</title>" in text
    main = text[text.index('id="content-main"') :]
    assert " style=" not in main and "<script" not in main
    assert 'href="/static/css/admin.css"' in text


def test_only_reviewers_see_queue_health(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(URL).status_code == 403
    client.force_login(make_reviewer())
    assert client.post(URL).status_code == 405
    client.logout()
    assert client.get(URL).status_code == 302


def _bulk_history(count: int) -> None:
    """Decided submissions and their audit rows, written in bulk: only for the query budget."""
    owner = DeveloperFactory()
    plugin = register(owner)
    reviewers = [make_reviewer() for _ in range(3)]
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(
            plugin=plugin,
            version=plugin.latest_version,
            submitted_by=owner,
            submitted_at=now - datetime.timedelta(days=i % 120 + 3),
            due_at=now - datetime.timedelta(days=i % 120 - 4),
            decided_at=now - datetime.timedelta(days=i % 120),
            decided_by=reviewers[i % 3],
            state=SubmissionState.APPROVED if i % 2 else SubmissionState.REJECTED,
        )
        for i in range(count)
    )
    SubmissionEvent.objects.bulk_create(
        event
        for s in submissions
        for event in (
            SubmissionEvent(submission=s, from_state="", to_state="submitted"),
            SubmissionEvent(submission=s, from_state="in_review", to_state=s.state),
        )
    )


def test_the_page_keeps_its_query_budget_at_10_and_1000_submissions(client):
    client.force_login(make_reviewer())
    counts = []
    for total in (10, 1000):
        _bulk_history(total - Submission.objects.count())
        forget_copies()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= HEALTH_BUDGET, counts


def test_count_charts_read_whole_numbers_on_their_axis():
    """A queue of 1 put "0.5" halfway up the queue-size chart (seen in the screenshots)."""
    from reviews.admin import charts

    for most in (0, 1, 3, 5, 7, 10, 23):
        chart = charts.columns(
            [("Nov 30", [most])], legend=["queue"], unit="waiting", label_every=1, whole=True
        )
        axis = [label.text for label in chart.labels if label.x < charts.LEFT]  # the y axis
        assert axis and all(float(text).is_integer() for text in axis), axis
    days = charts.columns([("Nov 30", [2.5])], legend=["median"], unit="days", label_every=1)
    assert "1.2" in {label.text for label in days.labels if label.x < charts.LEFT}  # fractional
