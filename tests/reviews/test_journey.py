"""The whole review loop, browser-free, through the real services (issue 4's walk-through)."""

import pytest

from inbox.kinds import NotificationKind
from inbox.models import Notification
from pluginstore.models import PluginStatus
from pluginstore.selectors import StoreQuery, store_plugins
from reviews.models import Submission, SubmissionState
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import approve, claim, new_version, reject, results, submit


@pytest.mark.django_db
def test_rejected_for_c9_then_resubmitted_fixed_then_approved_and_in_the_store(
    monkeypatch, django_capture_on_commit_callbacks
):
    developer, reviewer = DeveloperFactory(), make_reviewer()
    # "WeatherGPT" slips past the whole-word check; a human reviewer catches it (C9).
    plugin = register(developer, domain="weather.example.com", name_for_human="WeatherGPT")
    assert plugin.latest_version.is_submittable

    first = submit(plugin, note_to_reviewer="Forecasts for European cities.")
    claim(first, reviewer)
    reject(
        first,
        reviewer,
        results=results(C9='"GPT" is part of the name.'),
        developer_note='Remove "GPT" from the name and submit again.',
    )
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED
    assert plugin not in store_plugins(StoreQuery())

    fixed = new_version(
        plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Weather Now"
    )
    assert fixed.number == 2
    second = submit(plugin, note_to_reviewer="Renamed.")
    assert second.version == fixed
    claim(second, reviewer)
    approve(second, reviewer, developer_note="Thanks for the quick fix.")

    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED
    assert plugin.live_version == fixed
    assert plugin.name == "Weather Now"
    assert list(store_plugins(StoreQuery())) == [plugin]
    assert list(
        Submission.objects.filter(plugin=plugin).values_list("version__number", "state")
    ) == [(1, SubmissionState.REJECTED), (2, SubmissionState.APPROVED)]
    assert list(Notification.objects.values_list("event_key", "kind")) == [
        (f"submission:{first.pk}:submitted", NotificationKind.SUBMISSION_RECEIVED),
        (f"submission:{first.pk}:in_review", NotificationKind.REVIEW_STARTED),
        (f"submission:{first.pk}:rejected", NotificationKind.REJECTED),
        # The reviewer who rejected hears of the fixed version (in their Account notices).
        (f"version:{fixed.pk}:stored", NotificationKind.DEVELOPER_NEW_VERSION),
        (f"submission:{second.pk}:submitted", NotificationKind.SUBMISSION_RECEIVED),
        (f"submission:{second.pk}:in_review", NotificationKind.REVIEW_STARTED),
        (f"submission:{second.pk}:approved", NotificationKind.APPROVED),
    ]
    assert set(
        Notification.objects.exclude(kind=NotificationKind.DEVELOPER_NEW_VERSION).values_list(
            "recipient_id", flat=True
        )
    ) == {developer.pk}
    assert Notification.objects.get(kind=NotificationKind.DEVELOPER_NEW_VERSION).recipient == (
        reviewer
    )
