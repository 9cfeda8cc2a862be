"""Every write to accounts goes through here."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.billing import get_billing
from accounts.models import (
    AccessRequestState,
    AccountType,
    AccountTypeChange,
    DeveloperAccessRequest,
    User,
)
from accounts.permissions import (
    can_change_account_type,
    can_decide_developer_access,
    can_request_developer_access,
    can_upgrade_to_plus,
)
from core.exceptions import ApplicationError
from inbox import kinds
from inbox.services import notification_intent_create


def _set_account_type(
    *, user: User, account_type: str, changed_by: User | None, reason: str
) -> AccountTypeChange | None:
    """Set and audit an account type; the audit row, or None if the type was already that.

    The caller holds the user row lock. A pending developer-access request is closed when the
    account stops being Plus (see _close_pending_request).
    """
    if account_type not in AccountType.values:
        raise ApplicationError(f"“{account_type}” is not an account type.")
    if user.account_type == account_type:
        return None
    _close_pending_request(user=user, account_type=account_type, changed_by=changed_by)
    change = AccountTypeChange.objects.create(
        user=user,
        changed_by=changed_by,
        from_type=user.account_type,
        to_type=account_type,
        reason=reason[:255],
    )
    user.account_type = account_type
    user.save(update_fields=["account_type"])
    return change


REQUEST_CLOSED_NOTE = (
    "Closed without a decision: the account became {label}, and developer access is for Plus "
    "accounts. Ask again from your profile once the account is Plus."
)


def _close_pending_request(
    *, user: User, account_type: str, changed_by: User | None
) -> DeveloperAccessRequest | None:
    """Close the user's pending developer-access request when their account stops being Plus.

    Developer access is asked for, and granted to, a Plus account only; a request left pending
    through a downgrade could later make a Normal account a developer. Becoming a developer
    by hand grants it; any other change declines it with a note that says why. Called with the
    user row locked and before its type changes (the grant's condition reads it as Plus).
    """
    if user.account_type != AccountType.PLUS:
        return None
    pending = (
        DeveloperAccessRequest.objects.select_for_update()
        .filter(user=user, state=AccessRequestState.PENDING)
        .first()
    )
    if pending is None:
        return None
    pending.user = user
    if account_type == AccountType.DEVELOPER:
        pending.grant()
        pending.decision_note = "Granted by the change of account type to Developer."
    else:
        pending.decline()
        pending.decision_note = REQUEST_CLOSED_NOTE.format(label=AccountType(account_type).label)
    pending.decided_by = changed_by
    pending.decided_at = timezone.now()
    pending.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    return pending


@transaction.atomic
def user_set_account_type(
    *, user_id: int, account_type: str, changed_by: User, reason: str = ""
) -> User:
    """Staff change an account type by hand; the change is audited."""
    if not can_change_account_type(changed_by):
        raise ApplicationError("You are not allowed to change account types.")
    user = User.objects.select_for_update().get(pk=user_id)
    pending_before = user.account_type == AccountType.PLUS and (
        DeveloperAccessRequest.objects.filter(user=user, state=AccessRequestState.PENDING).exists()
    )
    change = _set_account_type(
        user=user,
        account_type=account_type,
        changed_by=changed_by,
        reason=reason or "Changed by staff",
    )
    if change is not None:
        if pending_before and account_type != AccountType.DEVELOPER:
            # One message tells both: the new type, and that the request it ends was closed.
            closed = REQUEST_CLOSED_NOTE.format(label=AccountType(account_type).label)
            reason = f"{reason}\n\n{closed}" if reason else closed
        notification_intent_create(
            recipient=user,
            notice=kinds.AccountTypeChanged(
                account_type_change_id=change.pk,
                from_type=change.from_type,
                from_type_label=AccountType(change.from_type).label,
                to_type=change.to_type,
                to_type_label=AccountType(change.to_type).label,
                reason=reason,
            ),
            thread_plugin_id=None,
        )
    return user


@transaction.atomic
def user_upgrade_to_plus(*, user: User) -> User:
    """Upgrade a normal account to Plus through the billing hook."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not can_upgrade_to_plus(locked):
        raise ApplicationError("Your account is already Plus.")
    reference = get_billing().charge_plus(locked)
    _set_account_type(
        user=locked,
        account_type=AccountType.PLUS,
        changed_by=locked,
        reason=f"Upgrade to Plus ({reference})",
    )
    return locked


@transaction.atomic
def developer_access_request_create(*, user: User, reason: str) -> DeveloperAccessRequest:
    """A Plus user asks for developer access; one pending request at a time."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not can_request_developer_access(locked):
        if locked.account_type == AccountType.DEVELOPER:
            raise ApplicationError("You are already a developer.")
        raise ApplicationError("Upgrade to Plus first: developer access is for Plus accounts.")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Tell the reviewers briefly what you plan to build.")
    if DeveloperAccessRequest.objects.filter(
        user=locked, state=AccessRequestState.PENDING
    ).exists():
        raise ApplicationError("You already have a request waiting for a decision.")
    try:
        with transaction.atomic():
            return DeveloperAccessRequest.objects.create(user=locked, reason=reason)
    except IntegrityError:
        raise ApplicationError("You already have a request waiting for a decision.") from None


def _lock_pending_request(request_id: int, decided_by: User, verb: str) -> DeveloperAccessRequest:
    access_request = (
        DeveloperAccessRequest.objects.select_for_update().select_related("user").get(pk=request_id)
    )
    if not can_decide_developer_access(decided_by, access_request):
        raise ApplicationError(f"You are not allowed to {verb} developer access requests.")
    if access_request.state != AccessRequestState.PENDING:
        raise ApplicationError(
            f"This request was already {access_request.get_state_display().lower()}."
        )
    return access_request


@transaction.atomic
def developer_access_grant(
    *, request_id: int, decided_by: User, note: str = ""
) -> DeveloperAccessRequest:
    """Grant developer access: the request is granted and the user becomes a developer.

    The account is re-checked now, not when it asked: only an active Plus account is granted
    (refused with a message otherwise, and nothing changes). The account row is locked before
    the request, in the order every change of account type takes them.
    """
    user_id = DeveloperAccessRequest.objects.values_list("user_id", flat=True).get(pk=request_id)
    user = User.objects.select_for_update().get(pk=user_id)
    access_request = _lock_pending_request(request_id, decided_by, "grant")
    access_request.user = user
    if not user.is_active:
        raise ApplicationError(
            f"{user.email}'s account is deactivated, so it can't be granted developer access. "
            "Nothing was changed; decline the request instead."
        )
    if not can_request_developer_access(user):
        raise ApplicationError(
            f"{user.email} has a {user.get_account_type_display()} account now, and only a Plus "
            "account can be granted developer access. Nothing was changed; decline the request, "
            "or change the account type by hand."
        )
    access_request.grant()
    access_request.decided_by = decided_by
    access_request.decided_at = timezone.now()
    access_request.decision_note = note
    access_request.save(
        update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    _set_account_type(
        user=user,
        account_type=AccountType.DEVELOPER,
        changed_by=decided_by,
        reason=f"Developer access request #{access_request.pk} granted",
    )
    notification_intent_create(
        recipient=user,
        notice=kinds.DeveloperAccessGranted(request_id=access_request.pk, note=note),
        thread_plugin_id=None,
    )
    return access_request


@transaction.atomic
def developer_access_decline(
    *, request_id: int, decided_by: User, note: str = ""
) -> DeveloperAccessRequest:
    """Decline developer access; the account type stays as it was."""
    access_request = _lock_pending_request(request_id, decided_by, "decline")
    access_request.decline()
    access_request.decided_by = decided_by
    access_request.decided_at = timezone.now()
    access_request.decision_note = note
    access_request.save(
        update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    notification_intent_create(
        recipient=access_request.user,
        notice=kinds.DeveloperAccessDeclined(request_id=access_request.pk, note=note),
        thread_plugin_id=None,
    )
    return access_request


def user_update_profile(*, user: User, display_name: str) -> User:
    """Save the user's own profile fields."""
    user.display_name = display_name.strip()
    user.save(update_fields=["display_name"])
    return user
