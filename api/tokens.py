"""Every write to API tokens, and the one answer to "who is this bearer?".

Creating returns the secret once; only its SHA-256 is stored. Authenticating hashes what was
sent and looks the hash up (one indexed query); a revoked or expired token, or one whose owner
is no longer a developer, is refused with its own stable code. Every write call through the API
and every refused use of a known token leaves an ApiTokenUse row; reads only move last_used_at,
at most once a minute per token, so polling a job does not write a row a second.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken, ApiTokenUse, TokenScope
from core.exceptions import ApplicationError
from pluginstore.permissions import can_register_plugins

SECRET_PREFIX = "psk_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 8
MAX_ACTIVE_TOKENS = 10
EXPIRY_DAYS = (30, 90, 365)  # the choices on the token page; 365 is the longest allowed
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
LAST_USED_WRITE_EVERY = datetime.timedelta(minutes=1)
AUDIT_RETENTION_DAYS = 90
# Requests per token per minute, and refused bearer tokens per client address per minute.
RATE_LIMIT_PER_MINUTE = 120
BAD_TOKEN_LIMIT_PER_MINUTE = 30


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


class TokenRefused(Exception):
    """A bearer the API does not accept; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str, token: ApiToken | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.token = token


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", errors="replace")).hexdigest()


def active_tokens(user: User):
    """The user's tokens that still work: not revoked, not expired."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str, expires_in_days: int) -> CreatedToken:
    """A new token for a developer; the secret is in the result and nowhere else."""
    if not can_register_plugins(user):
        raise ApplicationError("Only developers can create API tokens.")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the token a name, such as the CI job that will use it.")
    if len(name) > NAME_MAX_LENGTH:
        raise ApplicationError(f"A token's name can be at most {NAME_MAX_LENGTH} characters.")
    if scope not in TokenScope.values:
        raise ApplicationError("Choose the token's scope: read, or publish.")
    if expires_in_days not in EXPIRY_DAYS:
        raise ApplicationError("Choose when the token expires: in 30, 90 or 365 days.")
    # The user's row is the lock: two tabs creating at once cannot pass the limit together.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        raise ApplicationError(
            f"You have {MAX_ACTIVE_TOKENS} active tokens, the most allowed. Revoke one you no "
            "longer use first."
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        expires_at=now + datetime.timedelta(days=expires_in_days),
    )
    return CreatedToken(token, secret)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; it is refused from the next request on."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise ApplicationError("That token does not exist.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _refuse_known(token: ApiToken, code: str, message: str) -> TokenRefused:
    return TokenRefused(code, message, token)


def authenticate(secret: str) -> ApiToken:
    """The token with this secret, with its user, if it may be used now; else TokenRefused."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise TokenRefused("token_invalid", "This is not a PluginStore API token.")
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()
    if token is None:
        raise TokenRefused("token_invalid", "This API token does not exist.")
    if token.revoked_at is not None:
        raise _refuse_known(token, "token_revoked", "This API token was revoked.")
    if token.expires_at <= timezone.now():
        raise _refuse_known(
            token, "token_expired", "This API token expired. Create a new one on your profile."
        )
    user = token.user
    if not user.is_active:
        raise _refuse_known(token, "account_inactive", "This account is deactivated.")
    if not can_register_plugins(user):
        raise _refuse_known(
            token, "not_developer", "The API is for developer accounts; this one is not one now."
        )
    return token


def token_used(token: ApiToken) -> None:
    """Move last_used_at, at most once a minute (a write per read would cost more than it tells)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_WRITE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_use_record(
    *, token: ApiToken, method: str, path: str, status_code: int, code: str, ip: str | None
) -> ApiTokenUse:
    """The audit row of one call (every write, and every refused use of a known token)."""
    return ApiTokenUse.objects.create(
        token=token,
        method=method[:8],
        path=path[:300],
        status_code=status_code,
        code=code[:40],
        ip=ip or None,
    )


def token_uses_prune(now: datetime.datetime | None = None) -> int:
    """Delete audit rows older than AUDIT_RETENTION_DAYS; returns how many went (beat)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=AUDIT_RETENTION_DAYS)
    deleted, _ = ApiTokenUse.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def rate_window() -> int:
    """The current minute: the rate limits count per minute of the clock."""
    return int(timezone.now().timestamp() // 60)


def _count(key: str) -> int:
    """This minute's count under key, incremented (the cache is Redis in production)."""
    full = f"api-rate:{key}:{rate_window()}"
    if cache.add(full, 1, timeout=90):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.add(full, 1, timeout=90)
        return 1


def over_rate_limit(token: ApiToken) -> bool:
    """Whether this request is past the token's RATE_LIMIT_PER_MINUTE."""
    return _count(f"token:{token.pk}") > RATE_LIMIT_PER_MINUTE


def over_bad_token_limit(ip: str) -> bool:
    """Whether this address sent more than BAD_TOKEN_LIMIT_PER_MINUTE refused tokens."""
    return _count(f"bad:{ip}") > BAD_TOKEN_LIMIT_PER_MINUTE


def bad_token_limited(ip: str) -> bool:
    """Whether the address is already over the refused-token limit (without counting)."""
    return (cache.get(f"api-rate:bad:{ip}:{rate_window()}") or 0) >= BAD_TOKEN_LIMIT_PER_MINUTE


@transaction.atomic
def api_tokens_revoke_by_staff(*, by: User, token_ids: list[int]) -> int:
    """Staff revoke tokens (a leak reported to us, found by its prefix); returns how many."""
    if not (by.is_active and by.is_staff and by.has_perm("api.change_apitoken")):
        raise ApplicationError("You are not allowed to revoke API tokens.")
    return ApiToken.objects.filter(pk__in=token_ids, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
