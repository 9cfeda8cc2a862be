import datetime

import pytest
from django.utils import timezone

from pluginstore.models import PluginStatus
from reviews import selectors
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin, register
from tests.reviews.helpers import approve, claim, new_version, reject, results, submit

pytestmark = pytest.mark.django_db


def test_the_queue_is_first_in_first_out_and_counts_those_in_review():
    reviewer = make_reviewer()
    first, second, third = (submit(register(DeveloperFactory())) for _ in range(3))
    claim(first, reviewer)
    assert [selectors.queue_position(s) for s in (first, second, third)] == [1, 2, 3]
    approve(first, reviewer)
    first.refresh_from_db()
    assert selectors.queue_position(first) is None
    assert [selectors.queue_position(s) for s in (second, third)] == [1, 2]


def test_the_expected_date_is_the_due_date_unless_the_queue_is_longer():
    submissions = [submit(register(DeveloperFactory())) for _ in range(10)]
    last = submissions[-1]
    assert selectors.expected_decision_date(submissions[0]) == submissions[0].due_at
    # Ten ahead at one decision a day is later than seven days.
    expected = selectors.expected_decision_date(last, per_day=1.0)
    assert expected > last.due_at
    assert expected - timezone.now() == pytest.approx(
        datetime.timedelta(days=10), abs=datetime.timedelta(seconds=5)
    )


def test_a_closed_submission_has_no_expected_date():
    reviewer = make_reviewer()
    submission = approve(claim(submit(register(DeveloperFactory())), reviewer), reviewer)
    assert selectors.expected_decision_date(submission) is None


def test_the_diff_compares_a_new_version_with_the_live_one(
    monkeypatch, django_capture_on_commit_callbacks
):
    plugin = make_plugin(DeveloperFactory(), status=PluginStatus.APPROVED)
    first = submit(register(DeveloperFactory()))
    assert selectors.version_diff(first) is None
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Rain")
    diff = selectors.version_diff(submit(plugin))
    assert '-  "name_for_human": "Test Weather",' in diff
    assert '+  "name_for_human": "Rain",' in diff
    assert "manifest v1 (approved)" in diff


def test_a_plugins_history_is_three_queries_however_long(
    django_assert_num_queries, monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    for n in range(3):
        if n:  # a rejected version can't go back: each resubmission is an updated version
            new_version(
                plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human=f"Rain {n}"
            )
        submission = claim(submit(plugin), reviewer)
        reject(submission, reviewer)
    with django_assert_num_queries(3):
        history = selectors.plugin_submissions(plugin.pk)
        assert [len(s.events.all()) for s in history] == [3, 3, 3]
        assert [s.version.number for s in history] == [1, 2, 3]


def test_the_developer_sees_every_submission_with_decisions_but_no_private_note(
    django_assert_num_queries, monkeypatch, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    first = claim(submit(plugin), reviewer)
    reject(
        first,
        reviewer,
        results=results(C9="GPT in the name.", C2="Logo."),
        developer_note="Rename it.",
        private_note="Secret.",
    )
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Rain")
    second = submit(plugin)
    with django_assert_num_queries(4):
        rows = selectors.developer_submissions(plugin.pk)
    assert [r.id for r in rows] == [second.pk, first.pk]
    open_row, rejected = rows
    assert (open_row.state, open_row.queue_position) == ("submitted", 1)
    assert open_row.expected_at >= open_row.due_at
    assert (rejected.state_label, rejected.developer_note) == ("Rejected", "Rename it.")
    assert rejected.queue_position is None
    assert [(f.criterion, f.note) for f in rejected.failed_criteria] == [
        ("C2", "Logo."),
        ("C9", "GPT in the name."),
    ]
    assert "Secret." not in repr(rows)
