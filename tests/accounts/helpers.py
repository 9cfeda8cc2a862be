"""Helpers shared by the accounts tests: allauth's login form and TOTP codes."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"
TOO_MANY_ATTEMPTS = "Too many failed login attempts. Try again later."


def totp_code(secret: str) -> str:
    """The authenticator app's current code for `secret`, computed as allauth does.

    Near the end of a period the code is about to change: wait for the next period rather than
    race the clock.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - (time.time() % period) < 2:
        time.sleep(2.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def activate_totp(user) -> str:
    """Give `user` an authenticator app (what the activate view stores); return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in(client, email: str, password: str = PASSWORD, next_url: str = ""):
    """POST allauth's real login form; the response is not followed."""
    url = LOGIN_URL + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
