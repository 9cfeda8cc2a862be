"""The names of plugin statuses, categories and fetch-job steps; models and permission rules
both use them."""

from django.db import models


class PluginStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    APPROVED = "approved", "Approved"
    BANNED = "banned", "Banned"


class Category(models.TextChoices):
    RETRIEVAL = "retrieval", "Retrieval"
    INTEROP = "works-with-other-plugins", "Works with other plugins"
    COMPUTATION = "computation", "Computation"
    EXPERIENCES = "new-experiences", "New experiences"


class FetchJobKind(models.TextChoices):
    REGISTER = "register", "Register"
    REFRESH = "refresh", "Refresh"


class FetchJobState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    FETCHING = "fetching", "Fetching the manifest and OpenAPI spec"
    CHECKING = "checking", "Checking"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class InvitationKind(models.TextChoices):
    """What an invitation offers (PRODUCT.md section 13)."""

    CO_DEVELOPER = "co_developer", "Join as co-developer"
    TRANSFER = "transfer", "Take over ownership"


class InvitationState(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"


class TeamAction(models.TextChoices):
    """What a plugin's team and life audit row records (pluginstore.models.PluginEvent)."""

    INVITED = "invited", "Co-developer invited"
    TRANSFER_OFFERED = "transfer_offered", "Transfer offered"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_DECLINED = "invitation_declined", "Invitation declined"
    INVITATION_CANCELLED = "invitation_cancelled", "Invitation cancelled"
    INVITATION_EXPIRED = "invitation_expired", "Invitation expired"
    MEMBER_REMOVED = "member_removed", "Co-developer removed"
    MEMBER_LEFT = "member_left", "Co-developer left"
    TRANSFERRED = "transferred", "Ownership transferred"
    UNLISTED = "unlisted", "Unlisted"
    RELISTED = "relisted", "Listed again"
    DELETED = "deleted", "Deleted"
