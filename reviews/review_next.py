"""Review next: the queue's button that claims the oldest unclaimed submission for a reviewer.

Two reviewers pressing it at once get two different submissions. On PostgreSQL the pick locks
the row it takes with ``FOR UPDATE SKIP LOCKED``, so a second pick running meanwhile skips that
row and takes the next one instead of waiting for it, and a row claimed and committed before
the second pick no longer matches. SQLite ignores row locks but lets one writer in at a time
(transactions begin IMMEDIATE), so the picks run one after the other. Either way the claim is
reviews.services.submission_claim, which locks the row again and re-checks the state; if it
refuses because someone claimed the row between the pick and the claim, the next one is tried.
"""

from django.db import transaction

from accounts.models import User
from core.exceptions import ApplicationError
from reviews import permissions, services
from reviews.models import Submission, SubmissionState

# Each refused claim means another reviewer took that submission meanwhile; after this many
# the reviewer is asked to press again rather than looping while the queue churns.
ATTEMPTS = 5
NOTHING_LEFT = "No unclaimed submissions are waiting: the queue is empty for now."


def next_unclaimed(reviewer: User):
    """The unclaimed submissions this reviewer may take, oldest first (not their own plugins)."""
    return (
        Submission.objects.filter(state=SubmissionState.SUBMITTED)
        .exclude(plugin__owner=reviewer)
        .order_by("submitted_at", "id")
    )


def submission_claim_next(*, reviewer: User) -> Submission | None:
    """Claim the oldest unclaimed submission for this reviewer; None when none is left."""
    for _ in range(ATTEMPTS):
        with transaction.atomic():
            picked = (
                next_unclaimed(reviewer)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("plugin")
                .first()
            )
            if picked is None:
                return None
            if not permissions.can_review(reviewer, picked):
                raise ApplicationError("You may not review submissions.")
            try:
                return services.submission_claim(submission_id=picked.pk, reviewer=reviewer)
            except ApplicationError:
                # Claimed by someone else between the pick and the claim: take the next one.
                continue
    raise ApplicationError("Other reviewers are claiming submissions right now; press again.")
