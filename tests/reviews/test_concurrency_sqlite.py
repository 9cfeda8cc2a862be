"""The same races on SQLite, with the project's SQLite settings (config/settings/base.py).

SQLite ignores SELECT ... FOR UPDATE; the services stay correct because base.py begins every
transaction IMMEDIATE, so one writer runs at a time and the second reads the first's
change. config/settings/test.py does not set it, so this test sets it for the threads'
connections (they share the settings dict). Without it, the loser gets "database is
locked" instead of a clear message.
"""

import pytest
from django.db import connection

from pluginstore.models import Plugin, PluginStatus
from reviews import services
from reviews.models import Submission, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, results, submit
from tests.reviews.test_concurrency import WON, _race, _unexpected

TRIALS = 20

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _sqlite_as_configured(monkeypatch):
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        pytest.skip("needs a SQLite database file (the PostgreSQL races are in test_concurrency)")
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"transaction_mode": "IMMEDIATE"})
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 20)


def _state(submission) -> str:
    return Submission.objects.values_list("state", flat=True).get(pk=submission.pk)


def test_two_reviewers_claiming_at_once_exactly_one_wins_on_sqlite():
    reviewers = make_reviewer(), make_reviewer()
    developer = DeveloperFactory()
    for _ in range(TRIALS):
        submission = submit(register(developer))
        outcomes = _race(
            *(
                lambda r=r, s=submission: services.submission_claim(submission_id=s.pk, reviewer=r)
                for r in reviewers
            )
        )
        assert _unexpected(outcomes) == []
        assert sorted(outcomes) == sorted(
            [WON, "Another reviewer already claimed this submission."]
        )


def test_approving_while_the_developer_withdraws_exactly_one_wins_on_sqlite():
    reviewer = make_reviewer()
    developer = DeveloperFactory()
    for _ in range(TRIALS):
        submission = claim(submit(register(developer)), reviewer)
        outcomes = _race(
            lambda s=submission: services.submission_approve(
                submission_id=s.pk, reviewer=reviewer, results=results()
            ),
            lambda s=submission: services.submission_withdraw(submission_id=s.pk, by=developer),
        )
        assert _unexpected(outcomes) == []
        assert outcomes.count(WON) == 1, outcomes
        status = Plugin.objects.values_list("status", flat=True).get(pk=submission.plugin_id)
        if outcomes[0] == WON:
            assert (_state(submission), status) == (SubmissionState.APPROVED, PluginStatus.APPROVED)
        else:
            assert (_state(submission), status) == (
                SubmissionState.WITHDRAWN,
                PluginStatus.UNVERIFIED,
            )
