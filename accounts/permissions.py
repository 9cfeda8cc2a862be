"""Named rules about accounts; views, admin and services ask these and nothing else.

The rules take users and requests and import no model of this app: DeveloperAccessRequest's
transitions ask can_decide_developer_access for their permission.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from accounts.choices import AccountType


def can_upgrade_to_plus(user) -> bool:
    """Only a signed-in normal account has something to upgrade."""
    return user.is_authenticated and user.account_type == AccountType.NORMAL


def can_request_developer_access(user) -> bool:
    """A Plus user who is not yet a developer may ask for developer access."""
    return user.is_authenticated and user.account_type == AccountType.PLUS


def can_decide_developer_access(user, access_request=None) -> bool:
    """Staff with the decide permission grant or decline requests (never their own)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if access_request is not None and access_request.user_id == user.pk:
        return False
    return user.has_perm("accounts.decide_developeraccessrequest")


def can_change_account_type(user) -> bool:
    """Staff with the change-user permission may set an account type by hand."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("accounts.change_user")
    )


def is_reviewer(user) -> bool:
    """Staff in the Reviewers group (or superusers): they hold the review permission."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("pluginstore.review_plugin")
    )


def must_enrol_second_factor(user) -> bool:
    """Where the site requires it (PLUGINSTORE_STAFF_REQUIRE_MFA, always in production), a
    staff account acts in the admin only once it has an authenticator app (TOTP)."""
    if not getattr(settings, "PLUGINSTORE_STAFF_REQUIRE_MFA", False):
        return False
    if not (user.is_authenticated and user.is_staff):
        return False
    return not is_mfa_enabled(user, [Authenticator.Type.TOTP])
