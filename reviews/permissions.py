"""Who may do what with a submission (PRODUCT.md sections 1 and 3), named once."""

from typing import Protocol

from accounts.models import User
from accounts.permissions import is_reviewer
from pluginstore.choices import PluginStatus
from pluginstore.permissions import PluginLike, can_manage


class SubmissionLike(Protocol):
    """What the rules read from a reviews.models.Submission. They import no model of this app:
    the Submission's transitions ask them for their permission."""

    plugin: PluginLike
    claimed_by_id: int | None


# How a banned plugin's owner asks for another look; said wherever a ban stops them.
APPEAL_HINT = "To appeal, reply in this plugin's message thread; a reviewer will look again."


def can_submit(user: User, plugin: PluginLike) -> bool:
    """The owner developer submits a plugin that is not banned (the service checks versions)."""
    return can_manage(user, plugin) and plugin.status != PluginStatus.BANNED


def can_review(user: User, submission: SubmissionLike) -> bool:
    """Reviewers review submissions, except those of their own plugins."""
    return (
        is_reviewer(user)
        and user.has_perm("reviews.review_submission")
        and submission.plugin.owner_id != user.pk
    )


def can_decide(user: User, submission: SubmissionLike) -> bool:
    """Only the reviewer who claimed a submission releases, approves or rejects it."""
    return can_review(user, submission) and submission.claimed_by_id == user.pk


def can_withdraw(user: User, submission: SubmissionLike) -> bool:
    """The plugin's owner withdraws its submissions."""
    return can_manage(user, submission.plugin)


def can_see_appeals(user: User) -> bool:
    """Reviewers see the ban appeals list."""
    return is_reviewer(user) and user.has_perm("reviews.review_submission")
