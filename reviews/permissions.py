"""Who may do what with a submission (PRODUCT.md sections 1 and 3), named once."""

from typing import TYPE_CHECKING

from accounts.models import User
from pluginstore.models import Plugin, PluginStatus
from pluginstore.permissions import can_manage, is_reviewer

if TYPE_CHECKING:
    from reviews.models import Submission


def can_submit(user: User, plugin: Plugin) -> bool:
    """The owner developer submits a plugin that is not banned (the service checks versions)."""
    return can_manage(user, plugin) and plugin.status != PluginStatus.BANNED


def can_review(user: User, submission: "Submission") -> bool:
    """Reviewers review submissions, except those of their own plugins."""
    return (
        is_reviewer(user)
        and user.has_perm("reviews.review_submission")
        and submission.plugin.owner_id != user.pk
    )


def can_decide(user: User, submission: "Submission") -> bool:
    """Only the reviewer who claimed a submission releases, approves or rejects it."""
    return can_review(user, submission) and submission.claimed_by_id == user.pk


def can_withdraw(user: User, submission: "Submission") -> bool:
    """The plugin's owner withdraws its submissions."""
    return can_manage(user, submission.plugin)
