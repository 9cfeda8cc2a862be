"""The sixth failed sign-in for one account within five minutes is refused, on the site's
sign-in and on the admin's (which is the same allauth sign-in, see config/urls.py)."""

import time
import types

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, make_reviewer

pytestmark = pytest.mark.django_db

REFUSED = "Too many failed login attempts"


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _sign_in(client: Client, url: str, email: str, password: str):
    return client.post(url, {"login": email, "password": password})


def _fail_five_times(client: Client, url: str, email: str) -> None:
    for attempt in range(1, 6):
        response = _sign_in(client, url, email, "wrong password")
        assert response.status_code == 200, attempt
        assert REFUSED not in response.content.decode(), f"refused already at attempt {attempt}"
        assert not _signed_in(client)


def test_the_settings_say_five_failures_per_account_in_five_minutes():
    assert "5/5m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")


def test_the_sixth_sign_in_is_refused_even_with_the_right_password():
    user = UserFactory()
    client = Client()
    login = reverse("account_login")
    _fail_five_times(client, login, user.email)

    response = _sign_in(client, login, user.email, PASSWORD)

    assert response.status_code in (200, 429)
    assert REFUSED in response.content.decode()
    assert not _signed_in(client)


def test_the_limit_counts_per_account_whatever_the_client():
    user = UserFactory()
    login = reverse("account_login")
    _fail_five_times(Client(), login, user.email)

    response = _sign_in(Client(), login, user.email.upper(), PASSWORD)

    assert REFUSED in response.content.decode()


def test_other_accounts_can_still_sign_in():
    target, bystander = UserFactory(), UserFactory()
    login = reverse("account_login")
    _fail_five_times(Client(), login, target.email)

    client = Client()
    response = _sign_in(client, login, bystander.email, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_after_five_minutes_the_account_can_sign_in_again(monkeypatch):
    user = UserFactory()
    client = Client()
    login = reverse("account_login")
    _fail_five_times(client, login, user.email)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(
        allauth_ratelimit,
        "time",
        types.SimpleNamespace(time=lambda: later, monotonic=time.monotonic, sleep=time.sleep),
    )

    response = _sign_in(client, login, user.email, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_the_admin_sign_in_is_the_rate_limited_one():
    reviewer = make_reviewer()
    client = Client()

    # The admin's login page hands over to the site's sign-in, keeping where to go next...
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    admin_login = response["Location"]
    # ...and a form posted straight at it signs nobody in (no way around the limit).
    response = client.post(
        reverse("admin:login"), {"username": reviewer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not _signed_in(client)

    _fail_five_times(client, admin_login, reviewer.email)
    response = _sign_in(client, admin_login, reviewer.email, PASSWORD)

    assert REFUSED in response.content.decode()
    assert not _signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_reviewer_signs_in_to_the_admin_through_it_when_not_limited():
    reviewer = make_reviewer()
    client = Client()
    admin_login = client.get(reverse("admin:login"))["Location"]

    response = _sign_in(client, admin_login, reviewer.email, PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
