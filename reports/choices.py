"""The names of a report's reasons and states."""

from django.db import models


class ReportReason(models.TextChoices):
    HARMFUL = "harmful", "Harmful content"
    MISLEADING = "misleading", "Misleading"
    BROKEN = "broken", "Broken"
    IMPERSONATION = "impersonation", "Impersonation"
    PRIVACY = "privacy", "Privacy"
    OTHER = "other", "Other"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    LED_TO_BAN = "led_to_ban", "Led to a ban"
