"""The names of a domain claim's states, the ways to prove a domain, and a check's steps."""

from django.db import models


class ClaimState(models.TextChoices):
    PENDING = "pending", "Not verified yet"
    VERIFIED = "verified", "Verified"
    LOST = "lost", "Proof lost"


# A claim in these states holds its domain: nobody else can verify or register it.
HOLDING_STATES = (ClaimState.VERIFIED, ClaimState.LOST)


class ProofMethod(models.TextChoices):
    DNS_HOST = "dns-host", "DNS TXT record on the host"
    DNS_ROOT = "dns-root", "DNS TXT record on the root domain"
    FILE = "file", "Verification file on the web server"
    # Without a proof check, by staff (a support case) or for demo and test data; such a claim
    # is not re-checked.
    CONFIRMED = "confirmed", "Confirmed by staff"


class JobKind(models.TextChoices):
    CHECK = "check", "Check requested by the developer"
    RECHECK = "recheck", "Scheduled re-check"


class JobState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    CHECKING = "checking", "Looking for the proof"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobOutcome(models.TextChoices):
    VERIFIED = "verified", "Proof found: the domain is verified"
    STILL_VERIFIED = "still-verified", "Proof found again"
    RESTORED = "restored", "Proof found again: the domain is verified again"
    NOT_FOUND = "not-found", "Proof not found"
    LOST = "lost", "Proof not found: marked as lost"
    TAKEN = "taken", "Another developer verified this domain first"
