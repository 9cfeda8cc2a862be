"""No sign-in or upgrade form sends a person to another site afterwards, and every page tells
browsers not to frame it or guess content types."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
]


def _stays_here(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_redirects_to_another_site(target):
    user = UserFactory()
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert _stays_here(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_admin_sign_in_never_redirects_to_another_site(target):
    client = Client()
    response = client.get(reverse("admin:login"), {"next": target})
    assert _stays_here(response["Location"])
    login = response["Location"]
    user = UserFactory(is_staff=True)
    response = client.post(login, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _stays_here(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_upgrading_never_redirects_to_another_site(target):
    client = Client()
    client.force_login(UserFactory())
    response = client.post(reverse("upgrade"), {"next": target})
    assert response.status_code == 302
    assert _stays_here(response["Location"]), response["Location"]


def test_pages_forbid_framing_sniffing_and_leaking_referrers():
    response = Client().get(reverse("store:list"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_not_readable_by_scripts():
    client = Client()
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["sessionid"]["samesite"] in ("Lax", "Strict")


def test_signing_in_gives_a_new_session_key():
    """No session fixation: a key planted before sign-in is not the signed-in session."""
    client = Client()
    client.get(reverse("account_login"))
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key
    user = UserFactory()

    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert client.session.session_key != before
    assert "_auth_user_id" in client.session
