"""What the daily check of an approved plugin found (PRODUCT.md section 10)."""

from django.db import models


class WatchOutcome(models.TextChoices):
    PENDING = "pending", "Not checked yet"
    UNCHANGED = "unchanged", "Unchanged"
    DRIFTED = "drifted", "Drifted from the approved version"
    UNREACHABLE = "unreachable", "Unreachable"
    ERROR = "error", "Not checked (our side)"
