"""Who may do what with a submission (PRODUCT.md sections 1 and 3), named once."""

from dataclasses import dataclass
from typing import Literal, Protocol

from django.urls import reverse

from accounts.models import User
from accounts.permissions import is_reviewer
from domains.selectors import GRACE_DAYS, DomainStanding, domain_standing
from pluginstore.choices import PluginStatus
from pluginstore.permissions import PluginLike, can_manage, can_submit, is_member


class SubmissionLike(Protocol):
    """What the rules read from a reviews.models.Submission. They import no model of this app:
    the Submission's transitions ask them for their permission."""

    plugin: PluginLike
    claimed_by_id: int | None


# How a banned plugin's owner asks for another look; said wherever a ban stops them.
APPEAL_HINT = "To appeal, reply in this plugin's message thread; a reviewer will look again."


def can_review(user: User, submission: SubmissionLike) -> bool:
    """Reviewers review submissions, except those of their own plugins."""
    return (
        is_reviewer(user)
        and user.has_perm("reviews.review_submission")
        # Not one of the plugin's developers: its owner or a co-developer.
        and not is_member(user, submission.plugin)
    )


def can_decide(user: User, submission: SubmissionLike) -> bool:
    """Only the reviewer who claimed a submission releases, approves or rejects it."""
    return can_review(user, submission) and submission.claimed_by_id == user.pk


def can_withdraw(user: User, submission: SubmissionLike) -> bool:
    """The plugin's developers (owner and co-developers) withdraw its submissions."""
    return can_manage(user, submission.plugin)


def can_see_appeals(user: User) -> bool:
    """Reviewers see the ban appeals list."""
    return is_reviewer(user) and user.has_perm("reviews.review_submission")


# Submitting ---------------------------------------------------------------------------------

ALREADY_OPEN = "This plugin already has a submission waiting for review; withdraw it first."
# "You can resubmit once it is updated" (PRODUCT.md section 3).
UNCHANGED_AFTER_REJECTION = (
    "This version is the same as the one that was rejected. Fix what the reviewer asked for in "
    "your manifest or spec, refresh the plugin to fetch the updated version, then submit that."
)

SubmissionBlockReason = Literal[
    "not_manager",
    "banned",
    "no_version",
    "check_errors",
    "live",
    "open",
    "unchanged",
    "domain_unverified",
    "domain_proof_lost_blocked",
]


class VersionLike(Protocol):
    """What the submission rule reads from a pluginstore.models.PluginVersion."""

    number: int
    error_count: int
    is_submittable: bool
    content_hash: str


class SubmittablePluginLike(PluginLike, Protocol):
    """What the submission rule reads from a Plugin besides PluginLike's fields."""

    pk: int
    domain: str
    latest_version_id: int | None
    live_version_id: int | None
    latest_version: VersionLike | None


@dataclass(frozen=True)
class SubmissionBlocker:
    """Why a plugin's latest version can't be submitted now: the reason, which a page may say
    in its own words, and `message`, the words submission_create refuses with."""

    reason: SubmissionBlockReason
    plugin: SubmittablePluginLike
    # The owner's standing with the plugin's domain, for the domain reasons.
    domain: DomainStanding | None = None

    @property
    def domain_page(self) -> str:
        """The plugin's Domain page, where its owner proves the domain."""
        return reverse("developer:domain", kwargs={"plugin_id": self.plugin.pk})

    @property
    def message(self) -> str:
        """The refusal as the submission service words it."""
        version = self.plugin.latest_version
        if self.reason in ("domain_unverified", "domain_proof_lost_blocked"):
            return self._domain_message()
        if self.reason == "not_manager":
            return "Only the plugin's developers can submit it for review."
        if self.reason == "banned":
            return f"A banned plugin can't be submitted. {APPEAL_HINT}"
        if self.reason == "no_version":
            return "This plugin has no version to review yet."
        if self.reason == "check_errors":
            return (
                f"Version {version.number} has {version.error_count} check error(s). "
                "Fix them, refresh the plugin and submit the new version."
            )
        if self.reason == "live":
            return (
                f"Version {version.number} is already live. Refresh the plugin to fetch a newer "
                "version, then submit that."
            )
        if self.reason == "unchanged":
            return UNCHANGED_AFTER_REJECTION
        return ALREADY_OPEN

    def _domain_message(self) -> str:
        domain = self.plugin.domain
        if self.reason == "domain_proof_lost_blocked":
            return (
                f"Your proof that you control {domain} has been missing for over {GRACE_DAYS} "
                "days, so plugins on it can't be submitted. Put the DNS record or the file "
                f"back and press Check now on the plugin's Domain page: {self.domain_page}"
            )
        if self.domain is not None and self.domain.state == "taken":
            return (
                f"{domain} is verified by another developer, who owns it, so this plugin "
                f"can't be submitted. See the plugin's Domain page: {self.domain_page}"
            )
        return (
            f"Prove that you control {domain} before you submit: add the DNS TXT record or "
            f"the file shown on the plugin's Domain page, then press Check now: "
            f"{self.domain_page}"
        )


def submission_blocker(
    user: User,
    plugin: SubmittablePluginLike,
    *,
    open_state: str | None,
    rejected_hash: str | None,
    recheck: bool = False,
    domain: DomainStanding | None = None,
) -> SubmissionBlocker | None:
    """Why this user can't submit this plugin's latest version now; None when they can.

    open_state is the state of the plugin's open submission (None if it has none), loaded by
    the caller with the plugin; submission_create loads it again under the plugin's lock.
    rejected_hash is the content hash of the version of the plugin's last rejection that asks
    for an update (reviews.selectors.rejected_content_hash: a reviewer's rejection or one at the
    changes-requested deadline, not a ban's), None if it has none; that content can't go back.
    With recheck=True the latest version's own checks are not asked, because the caller
    fetches and checks the plugin again before it files (the submission bot).
    domain is the owner's standing with the plugin's domain (domains.selectors, PRODUCT.md
    section 9); when the caller has none loaded it is read here, one query, and only when
    no other reason blocks.
    """
    reason: SubmissionBlockReason | None = None
    if not can_submit(user, plugin):
        reason = "not_manager"
    elif plugin.status == PluginStatus.BANNED:
        reason = "banned"
    elif not recheck and plugin.latest_version_id is None:
        reason = "no_version"
    elif not recheck and not plugin.latest_version.is_submittable:
        reason = "check_errors"
    elif plugin.live_version_id is not None and plugin.live_version_id == plugin.latest_version_id:
        reason = "live"
    elif open_state:
        reason = "open"
    elif (
        rejected_hash is not None
        and plugin.latest_version_id is not None
        and plugin.latest_version.content_hash == rejected_hash
    ):
        reason = "unchanged"
    if reason:
        return SubmissionBlocker(reason, plugin)
    if domain is None:
        domain = domain_standing(developer_id=plugin.owner_id, domain=plugin.domain)
    if domain.state == "blocked":
        return SubmissionBlocker("domain_proof_lost_blocked", plugin, domain)
    if not domain.may_submit:
        return SubmissionBlocker("domain_unverified", plugin, domain)
    return None
