"""Calling the developer API in tests."""

import json

from api import tokens


def token_for(user, scope: str = "publish") -> str:
    """A new token's secret for this developer, through the real service."""
    return tokens.api_token_create(user=user, name="CI", scope=scope, expires_in_days=30).secret


def call(client, method: str, path: str, secret: str | None = None, body=None):
    """One API request with the bearer token (none when secret is None)."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    url = path if path.startswith("/") else f"/api/v1/{path}"
    if method == "GET":
        return client.get(url, headers=headers)
    payload = json.dumps(body if body is not None else {})
    return client.generic(method, url, payload, content_type="application/json", headers=headers)


ALL_CRITERIA = ["C1", "C2", "C4", "C8", "C10", "C11"]
