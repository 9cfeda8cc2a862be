"""Who may rate, answer, report and hide reviews: named once and asked by the views, the
templates, the admin and the services. The rules import no model of this app (the Rating's
hide transitions ask can_moderate for their permission)."""

from dataclasses import dataclass
from typing import Any

from accounts.permissions import is_reviewer
from pluginstore import permissions as plugin_permissions
from pluginstore.choices import PluginStatus
from ratings.choices import RatingState


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    reason: str = ""  # "sign_in" | "not_listed" | "owner" | "not_installed"
    message: str = ""


def rate_verdict(user, plugin: Any, *, ever_installed: bool) -> RateVerdict:
    """Whether this user may rate (or change their rating of) this plugin now, and if not, why.

    Anyone who installed it, now or before (uninstalling keeps the right), except its owner;
    only while it is in the store.
    """
    if not user.is_authenticated:
        return RateVerdict(False, "sign_in", "Sign in to rate plugins.")
    if plugin.status != PluginStatus.APPROVED:
        return RateVerdict(False, "not_listed", "Only plugins in the store can be rated.")
    if plugin_permissions.is_owner(user, plugin):
        return RateVerdict(False, "owner", "You can't rate your own plugin.")
    if not ever_installed:
        return RateVerdict(
            False,
            "not_installed",
            "Install this plugin to rate it: anyone who has installed it can rate it.",
        )
    return RateVerdict(True)


def can_edit(user, rating: Any) -> bool:
    """Only its author changes or deletes a rating."""
    return user.is_authenticated and rating.user_id == user.pk


def can_answer(user, plugin: Any, rating: Any) -> bool:
    """The plugin's owner (while a developer) answers a visible review once."""
    return (
        plugin_permissions.can_manage(user, plugin)
        and rating.plugin_id == plugin.pk
        and rating.state == RatingState.VISIBLE
        and rating.answered_at is None
        and rating.user_id != user.pk
    )


def can_report(user, rating: Any) -> bool:
    """Anyone signed in reports a visible review, except its author."""
    return (
        user.is_authenticated and rating.state == RatingState.VISIBLE and rating.user_id != user.pk
    )


def can_moderate(user, plugin: Any | None = None) -> bool:
    """Reviewers with the moderate permission hide and restore reviews; never on a plugin of
    their own. Without a plugin: whether they may moderate reviews at all."""
    allowed = is_reviewer(user) and user.has_perm("ratings.moderate_rating")
    return allowed and (plugin is None or plugin.owner_id != user.pk)
