"""The profile, upgrade and developer-access pages, and allauth's pages in the site's layout."""

import re

import pytest
from django.test import Client

from accounts.models import AccessRequestState, AccountType, DeveloperAccessRequest, User
from accounts.services import developer_access_request_create
from tests.accounts.helpers import activate_totp, sign_in
from tests.factories import PASSWORD, DeveloperFactory, PlusUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _reload(user) -> User:
    return User.objects.get(pk=user.pk)


# Profile


def test_profile_of_a_normal_user_offers_the_upgrade(client):
    client.force_login(UserFactory())
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="pill pill-normal"' in html
    assert 'href="/accounts/upgrade/"' in html
    assert 'name="reason"' not in html
    assert "Developer access is for Plus accounts" in html


def test_profile_of_a_plus_user_offers_the_developer_access_form(client):
    client.force_login(PlusUserFactory())
    html = client.get("/accounts/profile/").content.decode()
    assert 'class="pill pill-plus"' in html
    assert 'action="/accounts/developer-access/"' in html
    assert '<label for="id_reason">' in html
    assert "Upgrade to Plus</a>" not in html


def test_profile_of_a_plus_user_with_a_pending_request_says_so(client):
    user = PlusUserFactory()
    developer_access_request_create(user=user, reason="A tide-table plugin.")
    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    assert "waiting for a decision" in html
    assert 'name="reason"' not in html
    assert "pill-pending" in html


def test_profile_of_a_developer_has_nothing_to_request(client):
    client.force_login(DeveloperFactory())
    html = client.get("/accounts/profile/").content.decode()
    assert 'class="pill pill-developer"' in html
    assert "Developer access is on" in html
    assert 'name="reason"' not in html
    assert 'href="/accounts/upgrade/"' not in html


def test_saving_the_display_name(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": "  Ada L.  "}, follow=True)
    assert _reload(user).display_name == "Ada L."
    assert "Your profile was saved." in _messages(response)


def test_the_profile_shows_the_account_type_history(client):
    from accounts.services import user_upgrade_to_plus

    user = UserFactory()
    user_upgrade_to_plus(user=user)
    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    assert "Account history" in html
    assert "Normal → Plus" in html


# Upgrade to Plus


def test_the_upgrade_page_asks_for_confirmation(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/accounts/upgrade/")
    assert page.status_code == 200
    assert "Confirm upgrade" in page.content.decode()
    assert _reload(user).account_type == AccountType.NORMAL


def test_confirming_the_upgrade_makes_the_account_plus(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/upgrade/", {"next": ""})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert _reload(user).account_type == AccountType.PLUS


def test_the_upgrade_returns_to_a_safe_next_page_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/upgrade/", {"next": "https://evil.example/steal"})
    assert response["Location"] == "/accounts/profile/"

    other = UserFactory()
    client.force_login(other)
    response = client.post("/accounts/upgrade/", {"next": "/store/"})
    assert response["Location"] == "/store/"


@pytest.mark.parametrize("next_url", ["foo", "profile", "store:list", "\ufffd", "%00", "."])
def test_an_upgrade_with_a_next_that_is_not_a_path_goes_to_the_profile(client, next_url):
    """redirect() took such text for a view name: a 500 after the upgrade (found by fuzzing)."""
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/upgrade/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert _reload(user).account_type == AccountType.PLUS


def test_a_plus_user_is_sent_back_from_the_upgrade_page(client):
    client.force_login(PlusUserFactory())
    response = client.get("/accounts/upgrade/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "Your account already has Plus." in _messages(response)


def test_the_upgrade_post_needs_a_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/accounts/upgrade/", {"next": ""})

    assert response.status_code == 403
    assert _reload(user).account_type == AccountType.NORMAL

    page = client.get("/accounts/upgrade/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post("/accounts/upgrade/", {"next": "", "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    assert _reload(user).account_type == AccountType.PLUS


# Requesting developer access


def test_requesting_developer_access(client):
    user = PlusUserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/developer-access/", {"reason": "A tide-table plugin."}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    request = DeveloperAccessRequest.objects.get(user=user)
    assert request.state == AccessRequestState.PENDING
    assert any("Your request was sent" in m for m in _messages(response))


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_reason_is_refused_with_a_clear_message(client, reason):
    user = PlusUserFactory()
    client.force_login(user)
    response = client.post("/accounts/developer-access/", {"reason": reason})
    # By the field (tests/accounts/test_rough_edges.py checks its aria-describedby).
    assert response.status_code == 400
    assert "Tell the reviewers briefly what you plan to build." in response.content.decode()
    assert not DeveloperAccessRequest.objects.exists()


def test_a_too_long_reason_is_refused(client):
    client.force_login(PlusUserFactory())
    response = client.post("/accounts/developer-access/", {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2,000 characters (yours has 2001)" in response.content.decode()
    assert not DeveloperAccessRequest.objects.exists()


def test_a_normal_user_posting_a_request_is_told_to_upgrade(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/developer-access/", {"reason": "Plugins!"}, follow=True)
    assert any("Upgrade to Plus first" in m for m in _messages(response))
    assert not DeveloperAccessRequest.objects.exists()


def test_a_second_request_while_one_is_pending_is_refused(client):
    user = PlusUserFactory()
    client.force_login(user)
    client.post("/accounts/developer-access/", {"reason": "One."})
    response = client.post("/accounts/developer-access/", {"reason": "Two."}, follow=True)
    assert any("already have a request" in m for m in _messages(response))
    assert DeveloperAccessRequest.objects.filter(user=user).count() == 1


def test_the_request_page_only_accepts_post(client):
    client.force_login(PlusUserFactory())
    assert client.get("/accounts/developer-access/").status_code == 405


# Signed out


@pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/upgrade/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_an_anonymous_request_post_creates_nothing(client):
    response = client.post("/accounts/developer-access/", {"reason": "Sneaky."})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not DeveloperAccessRequest.objects.exists()


def test_the_403_page_is_ours(client):
    client.force_login(UserFactory())
    response = client.get("/admin/login/")
    assert response.status_code == 403
    assert "You can’t do that here" in response.content.decode()


# allauth's pages in the site's layout

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-bad-token/",
    "/accounts/login/code/",
]
SIGNED_IN_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
]


def _assert_in_our_layout(html: str) -> None:
    assert '<header class="site-header">' in html
    assert "<summary>Help" in html, "the header's Help menu"
    assert '<footer class="site-footer">' in html
    assert "Menu:" not in html, "allauth's bare default layout"


def _assert_no_inline_code(html: str) -> None:
    """The CSP allows no inline scripts or styles (JSON data blocks are not executed)."""
    assert not re.search(r"\sstyle=", html)
    for attrs in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_allauth_entrance_pages_render_in_our_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_our_layout(html)
    _assert_no_inline_code(html)
    assert 'class="card auth-card"' in html


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_allauth_manage_pages_render_in_our_layout(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_our_layout(html)
    _assert_no_inline_code(html)
    if url != "/accounts/reauthenticate/":
        assert '<nav class="manage-nav" aria-label="Account settings">' in html
        assert 'aria-current="page"' in html or url == "/accounts/logout/"


def test_the_login_form_uses_our_form_classes(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<form method="post"' in html and 'class="form form-entrance form-login"' in html
    assert '<div class="field">' in html
    assert '<label for="id_login">' in html
    assert '<label for="id_password">' in html
    assert 'class="button button-block"' in html
    assert 'class="field field-check"' in html, "the remember-me checkbox"


def test_a_failed_sign_in_shows_the_error_in_an_alert(client):
    user = UserFactory()
    html = sign_in(client, user.email, "wrong").content.decode()
    assert '<div class="alert alert-error" role="alert">' in html
    assert 'class="errorlist' in html


def test_field_errors_are_tied_to_their_inputs(client):
    response = client.post(
        "/accounts/signup/", {"email": "a@example.com", "password1": "x", "password2": "x"}
    )
    html = response.content.decode()
    assert 'class="field field-invalid"' in html
    assert 'id="id_password1_error"' in html
    assert 'id="id_password1_helptext"' in html
    password_input = re.search(r'<input[^>]*name="password1"[^>]*>', html)[0]
    assert 'aria-invalid="true"' in password_input
    assert "id_password1_error" in password_input


def test_every_visible_input_on_the_entrance_pages_has_a_label(client):
    for url in ANONYMOUS_PAGES:
        html = client.get(url).content.decode()
        for input_tag in re.findall(r"<input[^>]*>", html):
            if 'type="hidden"' in input_tag:
                continue
            input_id = re.search(r'id="([^"]+)"', input_tag)
            assert input_id, f"{url}: {input_tag}"
            assert f'<label for="{input_id[1]}"' in html, f"{url}: {input_tag}"


def test_the_totp_page_shows_the_qr_code_as_an_image_the_csp_allows(client):
    user = UserFactory()
    sign_in(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_our_layout(html)
    _assert_no_inline_code(html)
    assert re.search(r'<img class="qr" src="data:image/svg\+xml;base64,', html)
    assert 'id="authenticator_secret"' in html and "readonly" in html
    csp = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]+)", csp)[1].split()
    assert "data:" in img_src
    assert "'unsafe-inline'" not in csp


def test_the_mfa_sign_in_step_renders_in_our_layout(client):
    user = UserFactory()
    activate_totp(user)
    sign_in(client, user.email)
    response = client.get("/accounts/2fa/authenticate/")
    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_our_layout(html)
    _assert_no_inline_code(html)
    assert "recovery codes" in html
    assert '<label for="id_code">' in html


def test_the_verification_code_page_renders_in_our_layout(client):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    html = client.get("/accounts/confirm-email/").content.decode()
    _assert_in_our_layout(html)
    _assert_no_inline_code(html)
    assert '<label for="id_code">' in html
