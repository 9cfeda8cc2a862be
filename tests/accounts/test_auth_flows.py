"""django-allauth's flows as configured for PluginStore, through the real views.

Email is the identity and must be verified; sign-in by password, by emailed code, or with a
second factor; the Django admin's login is allauth's login, so its rate limits and MFA apply.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail

from accounts.models import User
from tests.accounts.helpers import (
    LOGIN_URL,
    TOO_MANY_ATTEMPTS,
    activate_totp,
    is_signed_in,
    sign_in,
    totp_code,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def _code_from_last_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"browser window\.\s+(\S+)\s", body)
    assert match, body
    return match.group(1)


def _link_from_last_mail(path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


# Sign up, verify, sign in


def test_sign_up_verify_by_code_then_sign_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "Ada@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_signed_in(client)
    user = User.objects.get(email="ada@example.com")
    assert user.account_type == "normal"
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject.startswith("[PluginStore] ")
    code = _code_from_last_mail()

    page = client.get("/accounts/confirm-email/")
    assert page.status_code == 200
    assert "ada@example.com" in page.content.decode()

    response = client.post("/accounts/confirm-email/", {"code": code})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert is_signed_in(client)

    client.post("/accounts/logout/")
    assert not is_signed_in(client)
    response = sign_in(client, "ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/store/"
    assert is_signed_in(client)


def test_a_wrong_verification_code_is_refused(client):
    client.post(
        "/accounts/signup/",
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    response = client.post("/accounts/confirm-email/", {"code": "NOPE00"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not EmailAddress.objects.get(email="ada@example.com").verified
    assert not is_signed_in(client)


def test_sign_up_with_mismatched_passwords_shows_errors(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(email="ada@example.com").exists()
    assert not mail.outbox


def test_an_unverified_user_cannot_sign_in_and_is_sent_to_verification(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_signed_in(client)
    assert mail.outbox and mail.outbox[-1].to == [user.email]

    client.post("/accounts/confirm-email/", {"code": _code_from_last_mail()})
    assert is_signed_in(client)


def test_a_wrong_password_is_refused(client):
    user = UserFactory()
    response = sign_in(client, user.email, "not the password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not is_signed_in(client)


# Sign out


def test_sign_out_is_a_post(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert is_signed_in(client), "a GET only asks for confirmation"

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not is_signed_in(client)


# Password reset


def test_password_reset_by_email_link(client):
    user = UserFactory()

    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    key_path = _link_from_last_mail("/accounts/password/reset/key/")

    # allauth moves the key into the session and redirects to a key-less URL.
    response = client.get(key_path)
    assert response.status_code == 302
    set_password_path = response["Location"]
    page = client.get(set_password_path)
    assert page.status_code == 200
    assert not page.context.get("token_fail")

    response = client.post(
        set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"

    assert sign_in(client, user.email, PASSWORD).status_code == 200
    assert not is_signed_in(client)
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_a_used_reset_link_no_longer_works(client):
    user = UserFactory()
    client.post("/accounts/password/reset/", {"email": user.email})
    key_path = _link_from_last_mail("/accounts/password/reset/key/")
    set_password_path = client.get(key_path)["Location"]
    client.post(set_password_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    client.logout()
    response = client.get(key_path, follow=True)
    assert response.context["token_fail"]


def test_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


# Login by code


def test_sign_in_by_emailed_code(client):
    user = UserFactory()

    response = client.post("/accounts/login/code/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].to == [user.email]
    assert not is_signed_in(client)

    response = client.post("/accounts/login/code/confirm/", {"code": _code_from_last_mail()})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_wrong_sign_in_code_is_refused(client):
    user = UserFactory()
    client.post("/accounts/login/code/", {"email": user.email})
    response = client.post("/accounts/login/code/confirm/", {"code": "WRONG-CODE"})
    assert response.status_code == 200
    assert not is_signed_in(client)


# Rate limits


def test_the_sixth_failed_sign_in_within_five_minutes_is_refused(client):
    user = UserFactory()
    for _ in range(5):
        response = sign_in(client, user.email, "wrong password")
        assert response.status_code == 200
        assert TOO_MANY_ATTEMPTS not in response.content.decode()

    # Even the right password is refused now: the account is locked for a while.
    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code in (200, 429)
    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)


def test_the_lock_is_per_account(client):
    locked, other = UserFactory(), UserFactory()
    for _ in range(5):
        sign_in(client, locked.email, "wrong password")
    assert TOO_MANY_ATTEMPTS in sign_in(client, locked.email).content.decode()

    response = sign_in(client, other.email)

    assert response.status_code == 302
    assert is_signed_in(client)


# The Django admin signs in through allauth


def test_admin_signed_out_redirects_to_allauths_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert "form-login" in response.content.decode()


def test_the_admins_own_login_form_never_checks_a_password(client, reviewer):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": reviewer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert not is_signed_in(client)


def test_a_reviewer_signs_in_to_the_admin_through_allauth(client, reviewer):
    response = sign_in(client, reviewer.email, next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert page.context["site_header"] == "PluginStore review"


def test_the_admin_login_is_rate_limited_too(client, reviewer):
    for _ in range(5):
        # Whatever reaches the admin's login is sent on to allauth's, where it is counted.
        assert client.post("/admin/login/", {"username": reviewer.email}).status_code == 302
        response = sign_in(client, reviewer.email, "wrong password", next_url="/admin/")
        assert TOO_MANY_ATTEMPTS not in response.content.decode()

    response = sign_in(client, reviewer.email, PASSWORD, next_url="/admin/")

    assert TOO_MANY_ATTEMPTS in response.content.decode()
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_user_who_is_not_staff_gets_403_on_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/login/").status_code == 403


def test_an_inactive_staff_account_cannot_sign_in(client):
    user = UserFactory(is_staff=True, is_active=False)
    response = sign_in(client, user.email, next_url="/admin/")
    assert not is_signed_in(client)
    assert response.status_code in (200, 302)


# Two-factor authentication


def test_activating_an_authenticator_app(client):
    user = UserFactory()
    sign_in(client, user.email)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/"), "asks for the password"
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert "data:image/svg+xml" in page.content.decode()

    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_with_totp_signing_in_asks_for_a_code(client):
    user = UserFactory()
    secret = activate_totp(user)

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not is_signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_totp_code_works_only_once(client):
    user = UserFactory()
    secret = activate_totp(user)
    code = totp_code(secret)
    sign_in(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert is_signed_in(client)
    client.post("/accounts/logout/")

    sign_in(client, user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    user = UserFactory()
    activate_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert len(codes) == 10

    sign_in(client, user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert is_signed_in(client)
    client.post("/accounts/logout/")

    sign_in(client, user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 200
    assert not is_signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": codes[1]})
    assert response.status_code == 302
    assert is_signed_in(client)
    remaining = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    assert codes[0] not in remaining.get_unused_codes()
    assert len(remaining.get_unused_codes()) == 8


def test_recovery_codes_page_lists_the_unused_codes(client):
    user = UserFactory()
    activate_totp(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    sign_in(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/recovery-codes/")

    assert page.status_code == 200
    assert codes[1] in page.content.decode()
    assert codes[0] not in page.content.decode()


def test_a_reviewer_with_totp_must_pass_mfa_to_reach_the_admin(client, reviewer):
    secret = activate_totp(reviewer)

    response = sign_in(client, reviewer.email, next_url="/admin/")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert not is_signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
