"""A Content-Security-Policy without unsafe-inline or unsafe-eval for scripts on every HTML
response: the matrix's responses (tests/security/test_permissions.py checks those), and here
the error pages, allauth's pages and the admin's."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory, make_reviewer
from tests.security import csp
from tests.security.patterns import allauth_url_names

pytestmark = pytest.mark.django_db


def _problems(url: str, response) -> list[str]:
    return [f"{url}: {p}" for p in csp.problems(response)]


def test_the_checker_rejects_unsafe_policies():
    class Fake(dict):
        content = b"<script>alert(1)</script>"

    html = "text/html; charset=utf-8"
    assert csp.problems(Fake({"Content-Type": html}))
    unsafe = "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'"
    assert csp.problems(Fake({"Content-Type": html, "Content-Security-Policy": unsafe}))
    fallback = "default-src 'self' 'unsafe-eval'; object-src 'none'"
    assert csp.problems(Fake({"Content-Type": html, "Content-Security-Policy": fallback}))
    fine = "default-src 'self'; script-src 'self' 'nonce-abc'; object-src 'none'"
    assert csp.problems(Fake({"Content-Type": html, "Content-Security-Policy": fine}))
    Fake.content = b'<script nonce="abc">go()</script><script src="/static/x.js"></script>'
    assert not csp.problems(Fake({"Content-Type": html, "Content-Security-Policy": fine}))


def test_error_pages_carry_the_policy(monkeypatch):
    client = Client(raise_request_exception=False)
    normal = Client()
    normal.force_login(UserFactory())
    problems = []

    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    problems += _problems("404", not_found)

    forbidden = normal.get(reverse("developer:plugins"))
    assert forbidden.status_code == 403
    problems += _problems("403", forbidden)

    not_allowed = client.post(reverse("store:list"))
    assert not_allowed.status_code == 405
    problems += _problems("405", not_allowed)

    def broken(*args, **kwargs):
        raise RuntimeError("a view fails")

    monkeypatch.setattr("pluginstore.views_store._store_content", broken)
    server_error = client.get(reverse("store:list") + "?q=x")
    assert server_error.status_code == 500
    problems += _problems("500", server_error)

    assert not problems, "\n".join(problems)


def _allauth_pages(client: Client) -> list[str]:
    problems = []
    for name in allauth_url_names():
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # needs a key from an email; its page is the same layout
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        problems += _problems(url, response)
    return problems


def test_allauth_pages_carry_the_policy_signed_out_and_in():
    problems = _allauth_pages(Client())
    signed_in = Client()
    signed_in.force_login(UserFactory())
    problems += _allauth_pages(signed_in)
    assert not problems, "\n".join(problems)


def test_the_sign_in_form_and_its_errors_carry_the_policy():
    client = Client()
    response = client.post(reverse("account_login"), {"login": "x@example.com", "password": "x"})
    assert response.status_code == 200
    assert not _problems("login error", response)


def test_admin_pages_carry_the_policy():
    """The admin's own pages (its login redirect, index, a changelist, a change form, the
    pages the matrix leaves to Django) for a reviewer."""
    client = Client()
    problems = _problems("admin login", client.get(reverse("admin:login")))
    client.force_login(make_reviewer())
    for url in (
        reverse("admin:index"),
        reverse("admin:reviews_submission_changelist"),
        reverse("admin:reviews_cannedreason_add"),
        reverse("admin:password_change"),
        reverse("admin:app_list", args=["reviews"]),
        "/admin/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code < 500, url
        problems += _problems(url, response)
    assert not problems, "\n".join(problems)
