from django.db.models import QuerySet

from accounts.models import AccountTypeChange, DeveloperAccessRequest, User


def developer_requests_for(user: User) -> QuerySet[DeveloperAccessRequest]:
    """The user's developer-access requests, newest first."""
    return DeveloperAccessRequest.objects.filter(user=user).order_by("-created_at", "-id")[:10]


def account_type_history_for(user: User) -> QuerySet[AccountTypeChange]:
    """The user's account-type changes, newest first."""
    return AccountTypeChange.objects.filter(user=user).order_by("-created_at", "-id")[:10]
