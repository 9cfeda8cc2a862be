"""The developer API × every role, with each role's own bearer token (matrix.py's API_ROWS
pin what a session cookie gets: nothing).

Tokens: anon has none; normal, plus, reviewer and staff hold one from a developer account they
no longer have (the API refuses them: not_developer); owner, other_dev and tester are
developers with publish tokens. Another developer's (or a tester's) view of the owner's
objects is a 404, never a 403, and no response shows a marker its role may not see.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tokens import PREFIX_LENGTH, SECRET_PREFIX, api_token_create, hash_secret
from tests.security.matrix import API_ROWS
from tests.security.runner import data_for, status_token, url_for
from tests.security.test_csrf import database_snapshot
from tests.security.world import MARKERS, ROLES

# With the role's token, per row: GET and POST, columns as in matrix.py.
# fmt: off
#            anon normal plus owner other tester rev  staff
WITH_TOKEN = {
    "api:openapi-json": ("200  200    200  200   200   200    200  200",
                         "405  405    405  405   405   405    405  405"),
    "api:openapi-view": ("200  200    200  200   200   200    200  200",
                         "405  405    405  405   405   405    405  405"),
    "api:api-root": ("404  404    404  404   404   404    404  404",
                     "404  404    404  404   404   404    404  404"),
    "api:not_found": ("404  404    404  404   404   404    404  404",
                      "404  404    404  404   404   404    404  404"),
    # The POST has no body here: a 400 invalid_request (api:register posts a good one).
    "api:plugins": ("401  403    403  200   200   200    403  403",
                    "401  403    403  400   400   400    403  403"),
    "api:register": ("401  403    403  200   200   200    403  403",
                     "401  403    403  202   202   202    403  403"),
    "api:plugin": ("401  403    403  200   404   404    403  403",
                   "405  405    405  405   405   405    405  405"),
    "api:refresh": ("405  405    405  405   405   405    405  405",
                    "401  403    403  202   404   404    403  403"),
    "api:domain": ("401  403    403  200   404   404    403  403",
                   "405  405    405  405   405   405    405  405"),
    "api:verify_domain": ("405  405    405  405   405   405    405  405",
                          "401  403    403  202   404   404    403  403"),
    # No body: the body is validated before the plugin is looked up, for anyone.
    "api:submissions": ("401  403    403  200   404   404    403  403",
                        "401  403    403  400   400   400    403  403"),
    "api:submit": ("401  403    403  200   404   404    403  403",
                   "401  403    403  409   404   404    403  403"),
    "api:job": ("401  403    403  200   404   404    403  403",
                "405  405    405  405   405   405    405  405"),
    "api:submission": ("401  403    403  200   404   404    403  403",
                       "405  405    405  405   405   405    405  405"),
    "api:withdraw": ("405  405    405  405   405   405    405  405",
                     "401  403    403  200   404   404    403  403"),
    "api:messages": ("401  403    403  200   200   200    403  403",
                     "405  405    405  405   405   405    405  405"),
    "api:thread": ("401  403    403  200   404   404    403  403",
                   "405  405    405  405   405   405    405  405"),
}
# fmt: on
DEVELOPERS = ("owner", "other_dev", "tester")


def _expected(name: str, method: str) -> dict[str, set[str]]:
    tokens = WITH_TOKEN[name][0 if method == "GET" else 1].split()
    assert len(tokens) == len(ROLES), name
    return {role: set(t.split("|")) for role, t in zip(ROLES, tokens, strict=True)}


def _former_developer_token(user) -> str:
    """A token of an account that is not a developer now (one made while it was: the
    service refuses to make one for a non-developer, tests/api shows the downgrade itself)."""
    secret = f"{SECRET_PREFIX}former-{user.pk}-" + "x" * 30
    ApiToken.objects.create(
        user=user,
        name="Left over",
        scope="publish",
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return secret


@pytest.fixture
def bearers(world):
    bearer = {"anon": None}
    for role in ROLES[1:]:
        user = world.users[role]
        if role in DEVELOPERS:
            bearer[role] = api_token_create(
                user=user, name="CI", scope="publish", expires_in_days=30
            ).secret
        else:
            bearer[role] = _former_developer_token(user)
    return bearer


def _call(client: Client, method: str, url: str, data: dict, secret: str | None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    savepoint = transaction.savepoint()
    try:
        if method == "GET":
            return client.get(url, headers=headers)
        return client.post(url, json.dumps(data), content_type="application/json", headers=headers)
    finally:
        transaction.savepoint_rollback(savepoint)
        cache.clear()


def test_every_api_row_has_its_token_expectations():
    assert {row.name for row in API_ROWS} == set(WITH_TOKEN)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_with_its_token_gets_the_expected_status_and_only_its_own_data(
    world, bearers, role
):
    client = Client(raise_request_exception=False)
    forbidden = [marker for marker, allowed in MARKERS.items() if role not in allowed]
    problems = []
    for row in API_ROWS:
        url = url_for(world, row)
        for method in ("GET", "POST"):
            response = _call(client, method, url, data_for(world, row), bearers[role])
            token = status_token(response)
            expected = _expected(row.name, method)[role]
            if token not in expected:
                problems.append(f"{method} {url}: {token}, expected {expected}")
            body = response.content.decode(errors="replace")
            leaked = [marker for marker in forbidden if marker in body]
            if leaked:
                problems.append(f"{method} {url}: shows {leaked}")
            is_error = token not in ("200", "201", "202", "405") and row.name != "api:api-root"
            if is_error and not body.startswith('{"code": '):
                problems.append(f"{method} {url}: {token} without a JSON error code")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_the_owner_sees_their_markers_through_the_api(world, bearers):
    """Else the leak check above proves nothing: the owner's token does read the data."""
    client = Client()
    url = url_for(world, next(row for row in API_ROWS if row.name == "api:plugin"))
    body = _call(client, "GET", url, {}, bearers["owner"]).content.decode()
    assert "Zunverqx" in body


def test_a_signed_in_session_without_csrf_opens_no_api_write_and_changes_nothing(world):
    """The API's views are CSRF-exempt, so a session must open none of them: every write as
    the owner, signed in, with no CSRF token and no bearer, is a 401 that changes no row."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    problems = []
    for row in API_ROWS:
        if row.expected("POST")["owner"] != {"401"}:
            continue
        url = url_for(world, row)
        before = database_snapshot({"sessions.Session": {"*"}})
        response = client.post(url, json.dumps(data_for(world, row)), "application/json")
        if response.status_code != 401:
            problems.append(f"POST {url}: {response.status_code}")
        after = database_snapshot({"sessions.Session": {"*"}})
        changed = sorted(k for k, v in after.items() if before[k] != v)
        if changed:
            problems.append(f"POST {url} changed {changed}")
    assert not problems, "\n".join(problems)
