"""Domain ownership (PRODUCT.md section 9): one claim per developer and domain, its audit, and
the verification jobs that look for the proof.

The domain is a plugin's domain as pluginstore stores it (Plugin.domain: the canonical
authority, with a port only when it is not the default). Pluginstore stands above this app,
so nothing here points at a plugin: a claim belongs to a developer and a domain, and every
plugin of that developer on that domain shares it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from domains.choices import (
    HOLDING_STATES,
    ClaimState,
    JobKind,
    JobOutcome,
    JobState,
    ProofMethod,
)

DOMAIN_MAX_LENGTH = 255


def new_token() -> str:
    """A fresh verification token: 32 random bytes, URL- and DNS-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class DomainClaim(TimeStampedModel):
    """A developer's claim to a domain; the state changes only in domains.services."""

    developer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="domain_claims"
    )
    domain = models.CharField(max_length=DOMAIN_MAX_LENGTH, db_index=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    state = models.CharField(max_length=16, choices=ClaimState.choices, default=ClaimState.PENDING)
    method = models.CharField(max_length=16, choices=ProofMethod.choices, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # When the proof was found missing (state lost); cleared when it is found again.
    lost_at = models.DateTimeField(null=True, blank=True)
    # When the owner was told that submissions are blocked (lost for the grace period).
    blocked_at = models.DateTimeField(null=True, blank=True)
    # When beat re-checks a verified or lost claim; None for a pending one.
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["domain", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["developer", "domain"], name="domain_claim_developer_domain_unique"
            ),
            # The first to verify owns the domain, and keeps it while the proof is lost.
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(state__in=HOLDING_STATES),
                name="domain_claim_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ClaimState.values), name="domain_claim_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.get_state_display()}) by {self.developer_id}"


class DomainClaimChange(models.Model):
    """Audit: every change of a claim's state (who or what, when, from, to, how, why)."""

    claim = models.ForeignKey(DomainClaim, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    method = models.CharField(max_length=16, choices=ProofMethod.choices, blank=True)
    reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.claim.domain}: {self.from_state or '—'} → {self.to_state}"


class VerificationJob(TimeStampedModel):
    """One look for a claim's proof, run by a Celery task; the domain page shows its progress."""

    claim = models.ForeignKey(DomainClaim, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=JobKind.choices, default=JobKind.CHECK)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    outcome = models.CharField(max_length=16, choices=JobOutcome.choices, blank=True)
    # Each method tried: [{"method", "target", "found", "detail"}], in order.
    attempts = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=JobState.values), name="verification_job_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.claim.domain} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def found(self) -> bool:
        return self.outcome in (JobOutcome.VERIFIED, JobOutcome.STILL_VERIFIED, JobOutcome.RESTORED)
