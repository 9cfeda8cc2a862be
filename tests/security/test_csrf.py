"""CSRF: every POST route of the matrix, posted without a token by a role that may post it,
is refused with 403 and changes nothing; and no GET changes anything, so that is enough."""

import hashlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.security import csp
from tests.security.matrix import ROWS
from tests.security.patterns import all_views
from tests.security.runner import data_for, url_for
from tests.security.world import ROLES

REACHES_THE_VIEW = {"200", "302", "400"}


def database_snapshot(ignore: dict[str, set[str]] | None = None) -> dict[str, str]:
    """A digest of every row of every table, per model; `ignore` leaves out fields (or, with
    "*", whole models)."""
    ignore = ignore or {}
    snapshot = {}
    for model in apps.get_models():
        skipped = ignore.get(model._meta.label, set())
        if "*" in skipped:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skipped]
        rows = model._default_manager.order_by("pk").values_list(*fields)
        snapshot[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return snapshot


def _poster(row) -> str | None:
    """The first role whose POST reaches the row's view, if any."""
    expected = row.expected("POST")
    return next((role for role in ROLES if expected[role] & REACHES_THE_VIEW), None)


# The developer API reads no cookie (bearer tokens only, tests/security/test_api_tokens.py
# shows a session opens nothing there), so, like Django REST framework's, its views need no CSRF.
API_PREFIX = "api/v1/"


def test_no_view_is_exempt_from_csrf():
    exempt = [
        route
        for route, _, view in all_views()
        if getattr(view, "csrf_exempt", False) and not route.startswith(API_PREFIX)
    ]
    assert not exempt, f"views exempt from CSRF: {exempt}"


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(world):
    problems = []
    checked = 0
    for row in ROWS:
        role = _poster(row)
        if role is None:
            continue
        client = Client(enforce_csrf_checks=True)
        if role != "anon":
            client.force_login(world.users[role])
        url = url_for(world, row)
        before = database_snapshot()
        response = client.post(url, data_for(world, row))
        checked += 1
        if response.status_code != 403:
            problems.append(f"POST {url} as {role}: {response.status_code}, not 403")
        changed = sorted(k for k, v in database_snapshot().items() if before[k] != v)
        if changed:
            problems.append(f"POST {url} as {role} changed {changed}")
        problems += [f"POST {url}: {p}" for p in csp.problems(response)]
    assert checked >= 25
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_same_post_with_a_token_gets_through(world):
    """The control: with the token, the refusal above would not have happened."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["owner"])
    page = client.get(reverse("profile"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("profile"), {"display_name": "With a token", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


# What a page view may write: the session, and the read marks of the thread it shows.
WRITTEN_BY_VIEWING = {"sessions.Session": {"*"}, "inbox.Thread": {"last_read_at"}}


@pytest.mark.django_db
def test_no_get_changes_anything(world):
    """GETs are safe (so CSRF protection on POST is enough): for every row, as the first role
    whose GET reaches the view, no row of the database changes."""
    problems = []
    for row in ROWS:
        expected = row.expected("GET")
        role = next((r for r in ROLES if expected[r] & {"200", "302"}), None)
        if role is None:
            continue
        url = url_for(world, row)
        before = database_snapshot(WRITTEN_BY_VIEWING)
        world.clients[role].get(url)
        after = database_snapshot(WRITTEN_BY_VIEWING)
        changed = sorted(k for k, v in after.items() if before[k] != v)
        if changed:
            problems.append(f"GET {url} as {role} changed {changed}")
    assert not problems, "\n".join(problems)
