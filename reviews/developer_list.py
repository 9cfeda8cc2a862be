"""The review column of the developer's plugin list (pluginstore.developer_list): each
plugin's review state, and a Submit for review link where submission_blocker allows it.

Two queries for the whole list, whatever its length: the plugins' open or last submission and
the content they may not resubmit, then the owner's domain standings (one per owner; the list
is the user's own plugins and those they co-develop).
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from domains.selectors import domain_standings
from pluginstore.models import Plugin
from reviews import selectors
from reviews.models import OPEN_STATES, Submission, SubmissionState
from reviews.permissions import submission_blocker

# What the list says when there is nothing more specific.
NOT_SUBMITTED = "Not submitted"


def fill_review_column(user, plugins: list) -> None:
    """Set review_state, review_label and submit_url on each of the list's plugins."""
    ids = [plugin.pk for plugin in plugins]
    submissions = Submission.objects.filter(plugin=OuterRef("pk")).order_by("-submitted_at", "-id")
    rows = {
        row["pk"]: row
        for row in Plugin.objects.filter(pk__in=ids)
        .annotate(
            open_state=Subquery(submissions.filter(state__in=OPEN_STATES).values("state")[:1]),
            last_state=Subquery(submissions.values("state")[:1]),
            rejected_hash=Subquery(selectors.last_rejected_content(OuterRef("pk"))),
        )
        .values("pk", "open_state", "last_state", "rejected_hash", "latest_version__content_hash")
    }
    standings: dict[int, dict] = {}
    for owner_id in {plugin.owner_id for plugin in plugins}:
        standings[owner_id] = domain_standings(
            developer_id=owner_id,
            domains={plugin.domain for plugin in plugins if plugin.owner_id == owner_id},
        )
    for plugin in plugins:
        row = rows.get(plugin.pk, {})
        state = row.get("open_state") or row.get("last_state") or ""
        plugin.review_state = state
        plugin.review_label = SubmissionState(state).label if state else NOT_SUBMITTED
        if plugin.latest_version is not None:
            # Loaded above with the rest, so the rule reads it without a query per row.
            plugin.latest_version.content_hash = row.get("latest_version__content_hash") or ""
        blocker = submission_blocker(
            user,
            plugin,
            open_state=row.get("open_state"),
            rejected_hash=row.get("rejected_hash"),
            domain=standings[plugin.owner_id].get(plugin.domain),
        )
        plugin.submit_url = (
            f"{reverse('help:submit')}?plugin={plugin.pk}" if blocker is None else ""
        )
