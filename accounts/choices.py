"""The names of account types and request states; models and permission rules both use them."""

from django.db import models


class AccountType(models.TextChoices):
    NORMAL = "normal", "Normal"
    PLUS = "plus", "Plus"
    DEVELOPER = "developer", "Developer"


class AccessRequestState(models.TextChoices):
    PENDING = "pending", "Pending"
    GRANTED = "granted", "Granted"
    DECLINED = "declined", "Declined"
