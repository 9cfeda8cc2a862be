"""Personal API tokens and the audit of their use (PRODUCT.md section 12).

A token's secret is shown once and never stored: the row keeps its SHA-256 (the secret has 256
bits of randomness, so a plain hash is as good as a slow one) and a short prefix that names the
token on its page and in a leaked log line ("psk_ab12cd34"), without being enough to use it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TokenScope(models.TextChoices):
    # "publish" includes "read": a CI job reads its job's findings and its queue position.
    READ = "read", "Read: list plugins, jobs, submissions and messages"
    PUBLISH = "publish", "Publish: read, and register, refresh, submit and withdraw"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=16, choices=TokenScope.choices)
    # "psk_" and the secret's first 8 characters: enough to recognise, never to authenticate.
    prefix = models.CharField(max_length=16, db_index=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_revoked")]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, scope: str) -> bool:
        return scope == TokenScope.READ or self.scope == TokenScope.PUBLISH


class ApiTokenUse(models.Model):
    """One row per write call (and per refused use of a known token: a revoked or expired
    token still in someone's hands shows up here). Reads only move last_used_at. Rows older
    than api.services.AUDIT_RETENTION_DAYS are deleted by a beat task."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    # The error code when the call was refused, "" when it succeeded.
    code = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status_code} by token {self.token_id}"
