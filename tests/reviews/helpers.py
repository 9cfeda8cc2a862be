"""Submissions for tests, made through the real services."""

from inbox.models import Notification
from pluginstore import services as plugin_services
from reviews import services
from reviews.models import Criterion, Submission
from tests.pluginstore.helpers import fake_fetch, manifest_for, spec_for


def results(**failed: str) -> dict[str, tuple[str, str]]:
    """Every criterion passes except those named, which fail with the given note."""
    return {c: ("fail", failed[c]) if c in failed else ("pass", "") for c in Criterion.values}


def submit(plugin, **kwargs) -> Submission:
    return services.submission_create(plugin_id=plugin.pk, by=plugin.owner, **kwargs)


def claim(submission: Submission, reviewer) -> Submission:
    return services.submission_claim(submission_id=submission.pk, reviewer=reviewer)


def approve(submission: Submission, reviewer, **kwargs) -> Submission:
    return services.submission_approve(
        submission_id=submission.pk, reviewer=reviewer, results=results(), **kwargs
    )


def reject(submission: Submission, reviewer, **kwargs) -> Submission:
    kwargs.setdefault("results", results(C9='The name contains "GPT".'))
    kwargs.setdefault("developer_note", "Please rename the plugin.")
    return services.submission_reject(submission_id=submission.pk, reviewer=reviewer, **kwargs)


def intents() -> set[tuple[int, str]]:
    """Every notification intent so far, as (recipient id, kind)."""
    return set(Notification.objects.values_list("recipient_id", "kind"))


def intent(kind: str) -> Notification:
    return Notification.objects.get(kind=kind)


def new_version(plugin, monkeypatch, capture_on_commit, **manifest):
    """Refresh the plugin against changed documents: a new latest version, as in real life."""
    domain = plugin.domain
    fake_fetch(monkeypatch, lambda: (manifest_for(domain, **manifest), spec_for()))
    with capture_on_commit(execute=True):
        plugin_services.plugin_refresh_start(user=plugin.owner, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    return plugin.latest_version
