"""Bearer-token authentication for /api/v1/: tokens only, never the session cookie.

The API's views are CSRF-exempt (django-ninja's, like Django REST framework's) because no
cookie authenticates them: a signed-in browser sending its session gets "token_missing". The
scope rule is by method: every write is a POST and needs a "publish" token.
"""

import functools

from django.http import HttpRequest
from ninja.security import HttpBearer

from api import tokens
from api.errors import ApiError
from api.models import ApiToken, TokenScope
from core.middleware import client_ip

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        ip = client_ip(request)
        if tokens.bad_token_limited(ip):
            raise _rate_limited()
        try:
            api_token = tokens.authenticate(token.strip())
        except tokens.TokenRefused as refused:
            request.api_token = refused.token  # a known token's refused use is audited
            if refused.token is None and tokens.over_bad_token_limit(ip):
                raise _rate_limited() from None
            raise
        request.api_token = api_token
        if tokens.over_rate_limit(api_token):
            raise _rate_limited()
        if request.method not in SAFE_METHODS and not api_token.allows(TokenScope.PUBLISH):
            raise ApiError(
                "scope_insufficient",
                "This token has the read scope; create a token with the publish scope to "
                "register, refresh, submit or withdraw.",
            )
        tokens.token_used(api_token)
        return api_token


def _rate_limited() -> ApiError:
    return ApiError("rate_limited", "Too many requests. Wait a minute and try again.")


def audited(view):
    """Record the call when it was a write, or a refused use of a known token."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        code = getattr(request, "api_error_code", "")
        refused_token = code.startswith("token_") or code in ("not_developer", "account_inactive")
        if token is not None and (request.method not in SAFE_METHODS or refused_token):
            tokens.token_use_record(
                token=token,
                method=request.method,
                path=request.path,
                status_code=response.status_code,
                code=code,
                ip=client_ip(request),
            )
        return response

    return wrapper
