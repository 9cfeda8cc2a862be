from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from accounts.choices import AccessRequestState, AccountType
from accounts.permissions import can_decide_developer_access, can_request_developer_access
from core.fsm import RefreshableProtectedFSMMixin
from core.models import TimeStampedModel


class UserManager(DjangoUserManager):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown as the developer name in the store."
    )
    account_type = models.CharField(
        max_length=16, choices=AccountType.choices, default=AccountType.NORMAL, db_index=True
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(account_type__in=AccountType.values), name="user_account_type_valid"
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def public_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def is_plus(self) -> bool:
        """A developer is always Plus too."""
        return self.account_type in (AccountType.PLUS, AccountType.DEVELOPER)

    @property
    def is_developer(self) -> bool:
        return self.account_type == AccountType.DEVELOPER


class AccountTypeChange(models.Model):
    """Audit: every change of a user's account type, whoever made it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_type_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_type = models.CharField(max_length=16, choices=AccountType.choices)
    to_type = models.CharField(max_length=16, choices=AccountType.choices)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.from_type} → {self.to_type}"


# Granting and declining ask the named rule, which takes the request and knows no models.
def _can_decide(instance: "DeveloperAccessRequest", user) -> bool:
    return can_decide_developer_access(user, instance)


# Granting re-checks the account at grant time: only an active account that could ask now (a
# Plus account) becomes a developer. A request made as Plus does not survive a downgrade.
def _requester_still_eligible(instance: "DeveloperAccessRequest") -> bool:
    return instance.user.is_active and can_request_developer_access(instance.user)


class DeveloperAccessRequest(RefreshableProtectedFSMMixin, TimeStampedModel):
    """A Plus user's request to become a developer; staff grant or decline it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="developer_requests"
    )
    reason = models.TextField(max_length=2000, help_text="What the applicant plans to build.")
    state = FSMField(
        default=AccessRequestState.PENDING, choices=AccessRequestState.choices, protected=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("decide_developeraccessrequest", "Can grant or decline developer access")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(state=AccessRequestState.PENDING),
                name="one_pending_developer_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"Developer access for {self.user} ({self.state})"

    @transition(
        field=state,
        source=AccessRequestState.PENDING,
        target=AccessRequestState.GRANTED,
        conditions=[_requester_still_eligible],
        permission=_can_decide,
        custom={"label": "Grant developer access"},
    )
    def grant(self) -> None:
        """Granting is carried out by accounts.services.developer_access_grant."""

    @transition(
        field=state,
        source=AccessRequestState.PENDING,
        target=AccessRequestState.DECLINED,
        permission=_can_decide,
        custom={
            "label": "Decline",
            "form": "accounts.forms.AccessDecisionForm",
            "help_text": "The user keeps their account type and reads your reason in Messages.",
        },
    )
    def decline(self, decision_note: str = "") -> None:
        """Declining is carried out by accounts.services.developer_access_decline."""
