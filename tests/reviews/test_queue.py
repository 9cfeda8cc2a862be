"""The review queue (reviews/admin/queue.py, filters.py) and Review next (reviews/review_next)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pluginstore.models import Plugin, PluginVersion
from reviews import review_next, services
from reviews.models import Submission, SubmissionState
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, reject, submit

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_submission_changelist")
NEXT_URL = reverse("admin:reviews_submission_review_next")
# The queue page's queries (session, user, permissions, the page and its count, Review next's
# and the appeals' counts, the header's unread badge), measured: 9, and it does not grow.
QUEUE_BUDGET = 9


def _filed(name: str, days_ago: float = 0, owner=None) -> Submission:
    submission = submit(register(owner or DeveloperFactory(), name_for_human=name))
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=when, due_at=when + datetime.timedelta(days=7)
    )
    return Submission.objects.get(pk=submission.pk)


def _rows(client, **query) -> list[str]:
    response = client.get(QUEUE_URL, query)
    assert response.status_code == 200
    return [s.plugin.display_name for s in response.context["cl"].result_list]


def _changes_requested(submission, reviewer) -> Submission:
    claim(submission, reviewer)
    return services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Which cities?"
    )


# Columns ---------------------------------------------------------------------------------------


def test_the_queue_shows_plugin_and_version_state_age_due_status_and_flags_without_an_id(client):
    rita = make_reviewer(email="rita@example.com", display_name="Rita")
    sam = make_reviewer(email="sam@example.com", display_name="Sam")
    late = _filed("Late Weather", days_ago=9)
    mine = claim(_filed("Mine Weather", days_ago=3), rita)
    claim(_filed("Sams Weather", days_ago=2), sam)
    asked = _changes_requested(_filed("Asked Weather", days_ago=1), sam)
    client.force_login(rita)
    text = client.get(QUEUE_URL).content.decode()
    columns = ("submission", "review_state", "age", "due", "plugin_status", "risk_flags_shown")
    for column in columns:
        assert f'class="sortable column-{column}' in text or f'class="column-{column}' in text
    assert "column-id" not in text and ">ID<" not in text
    assert _rows(client) == ["Late Weather", "Mine Weather", "Sams Weather", "Asked Weather"]
    change = reverse("admin:reviews_submission_change", args=[late.pk])
    assert f'<a href="{change}' in text  # the plugin and version open the submission
    assert 'Late Weather <span class="queue-version">v1</span>' in text
    assert '<span class="queue-overdue" title="Was due ' in text and "overdue 2 d" in text
    assert "9 d" in text
    assert 'title="Claimed by rita@example.com">you</span>' in text
    assert 'title="Claimed by sam@example.com">Sam</span>' in text
    assert "developer: 13 d" in text  # the developer's deadline, not a reviewer's due date
    assert '<span class="risk-flag risk-first_submission" title="First submission' in text
    assert mine.state == SubmissionState.IN_REVIEW and asked.state == "changes_requested"


def test_the_queue_filters_unclaimed_mine_changes_requested_overdue_and_closed(client):
    rita, sam = make_reviewer(), make_reviewer()
    _filed("Waiting Weather", days_ago=1)
    claim(_filed("Rita Weather", days_ago=2), rita)
    claim(_filed("Sam Weather", days_ago=3), sam)
    _changes_requested(_filed("Asked Weather", days_ago=20), sam)
    _filed("Overdue Weather", days_ago=10)
    closed = claim(_filed("Closed Weather", days_ago=30), rita)
    reject(closed, rita)
    client.force_login(rita)
    assert _rows(client, queue="unclaimed") == ["Overdue Weather", "Waiting Weather"]
    assert _rows(client, queue="mine") == ["Rita Weather"]
    assert _rows(client, queue="changes") == ["Asked Weather"]
    # Overdue counts only what waits for a reviewer: the developer holds the asked one.
    assert _rows(client, overdue="yes") == ["Overdue Weather"]
    assert "Asked Weather" in _rows(client, overdue="no")
    assert _rows(client, queue="closed") == ["Closed Weather"]
    assert _rows(client, state="changes_requested") == ["Asked Weather"]
    assert _rows(client, plugin__status__exact="unverified", queue="unclaimed") == [
        "Overdue Weather",
        "Waiting Weather",
    ]


def _bulk_open(count: int) -> None:
    """Open submissions of as many plugins, written in bulk: only for the query budget."""
    owner = DeveloperFactory()
    template = register(owner)
    version = template.latest_version
    start = Plugin.objects.count()
    plugins = Plugin.objects.bulk_create(
        Plugin(
            owner=owner,
            slug=f"bulk-{start + i}",
            domain=f"bulk{start + i}.example.com",
            manifest_url=template.manifest_url,
            category=template.category,
            name=f"Bulk {start + i}",
        )
        for i in range(count)
    )
    versions = PluginVersion.objects.bulk_create(
        PluginVersion(
            plugin=plugin,
            number=1,
            manifest_url=version.manifest_url,
            manifest_text=version.manifest_text,
            manifest=version.manifest,
            content_hash=version.content_hash,
            warning_count=1,
            fetched_at=version.fetched_at,
        )
        for plugin in plugins
    )
    now = timezone.now()
    reviewer = make_reviewer()
    Submission.objects.bulk_create(
        Submission(
            plugin=plugin,
            version=v,
            submitted_by=owner,
            submitted_at=now - datetime.timedelta(days=i % 20),
            due_at=now - datetime.timedelta(days=i % 20) + datetime.timedelta(days=7),
            state=SubmissionState.IN_REVIEW if i % 3 else SubmissionState.SUBMITTED,
            claimed_by=reviewer if i % 3 else None,
            risk_flags=["first_submission", "warnings"],
        )
        for i, (plugin, v) in enumerate(zip(plugins, versions, strict=True))
    )


def test_the_queue_keeps_its_query_budget_at_10_and_1000_open_submissions(client):
    client.force_login(make_reviewer())
    counts = []
    for total in (10, 1000):
        _bulk_open(total - Submission.objects.count())
        forget_copies()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE_URL)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == min(total, 50)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= QUEUE_BUDGET, counts


# Review next -----------------------------------------------------------------------------------


def test_review_next_claims_the_oldest_unclaimed_submission_and_opens_it(client):
    rita, sam = make_reviewer(account_type="developer"), make_reviewer()
    claim(_filed("Oldest Weather", days_ago=5), sam)
    own = _filed("Ritas Own", days_ago=4, owner=rita)
    oldest_unclaimed = _filed("Next Weather", days_ago=3)
    _filed("Newest Weather", days_ago=1)
    client.force_login(rita)
    response = client.post(NEXT_URL)
    assert response.status_code == 302
    assert response.url == reverse("admin:reviews_submission_change", args=[oldest_unclaimed.pk])
    oldest_unclaimed.refresh_from_db()
    assert (oldest_unclaimed.state, oldest_unclaimed.claimed_by) == ("in_review", rita)
    own.refresh_from_db()
    assert own.state == SubmissionState.SUBMITTED  # nobody reviews their own plugin
    page = client.get(response.url)
    assert "You claimed Next Weather version 1, the oldest unclaimed submission." in (
        page.content.decode()
    )


def test_review_next_with_nothing_left_says_so_and_changes_nothing(client):
    rita = make_reviewer()
    claim(_filed("Taken Weather"), make_reviewer())
    client.force_login(rita)
    response = client.post(NEXT_URL, follow=True)
    assert response.redirect_chain[-1][0] == QUEUE_URL
    assert review_next.NOTHING_LEFT in response.content.decode()
    assert Submission.objects.filter(claimed_by=rita).count() == 0


def test_review_next_is_a_post_for_reviewers_only(client):
    submission = _filed("Waiting Weather")
    client.force_login(make_reviewer())
    assert client.get(NEXT_URL).status_code == 405
    client.force_login(UserFactory(is_staff=True))
    assert client.post(NEXT_URL).status_code == 403
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED


def test_the_queue_shows_review_next_and_queue_health_to_reviewers(client):
    _filed("Waiting Weather")
    client.force_login(make_reviewer())
    text = client.get(QUEUE_URL).content.decode()
    assert 'action="/admin/reviews/submission/review-next/"' in text
    assert "Review next (1 waiting)" in text
    assert 'href="/admin/reviews/submission/health/"' in text


def _press_together(reviewers) -> list:
    """Each reviewer presses Review next at the same moment, in a thread with its own database
    connection; what each got (a Submission, None, or the unexpected exception)."""
    barrier = threading.Barrier(len(reviewers))
    claimed: list = [None] * len(reviewers)

    def press(index):
        try:
            barrier.wait(timeout=10)
            claimed[index] = review_next.submission_claim_next(reviewer=reviewers[index])
        except Exception as error:  # noqa: BLE001 - the tests show it
            claimed[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(reviewers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return claimed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_pressing_review_next_at_once_get_different_submissions():
    """50 trials of two reviewers pressing together with two submissions waiting: each gets
    one, so none is left over and none is claimed twice."""
    reviewers = make_reviewer(), make_reviewer()
    developer = DeveloperFactory()
    double_claims = 0
    for _ in range(50):
        waiting = {submit(register(developer)).pk for _ in range(2)}
        claimed = _press_together(reviewers)
        assert all(isinstance(c, Submission) for c in claimed), claimed
        double_claims += claimed[0].pk == claimed[1].pk
        assert {c.pk for c in claimed} == waiting
        for reviewer, submission in zip(reviewers, claimed, strict=True):
            stored = Submission.objects.get(pk=submission.pk)
            assert (stored.state, stored.claimed_by_id) == ("in_review", reviewer.pk)
    assert double_claims == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_pressing_for_the_last_submission_one_gets_it_the_other_none():
    reviewers = make_reviewer(), make_reviewer()
    developer = DeveloperFactory()
    for _ in range(10):
        last = submit(register(developer))
        claimed = _press_together(reviewers)
        assert None in claimed, claimed
        winner = next(c for c in claimed if c is not None)
        assert isinstance(winner, Submission) and winner.pk == last.pk, claimed
