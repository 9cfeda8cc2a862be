"""The signed-in user from a copy of their row, and staff in the admin only with a second
factor.

Staff act in the admin only with a second factor, where the site requires it.

With PLUGINSTORE_STAFF_REQUIRE_MFA on (always in production), a staff account without an
authenticator app is sent from every admin page to allauth's enrolment page with a message
saying why; signing out of the admin stays open. The allauth pages (sign-in, reauthentication,
the two-factor pages) are not admin pages, so enrolling is always possible.
"""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from accounts.permissions import must_enrol_second_factor
from core import versions

ADMIN_NAMESPACE = "admin"
ENROL_URL_NAME = "mfa_activate_totp"
ENROL_MESSAGE = (
    "Staff accounts need two-factor authentication. Set up an authenticator app here, then "
    "go back to the review admin."
)


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or ADMIN_NAMESPACE not in match.namespaces:
            return None
        if match.url_name == "logout":
            return None
        if not must_enrol_second_factor(request.user):
            return None
        messages.warning(request, ENROL_MESSAGE)
        return redirect(ENROL_URL_NAME)


# The signed-in user, from a copy --------------------------------------------------------------

USER_SCOPE = "user"


def _signed_in_user(request):
    """The session's user: a copy of its row kept until the row changes (core/versions.py,
    bumped on every save or deletion of a user), else Django's own lookup and checks.

    A copy is only made of a user Django's get_user accepted (active, the session's hash
    verified); a hit is used only while the session's hash still matches it. Anything else
    (no copy, another hash, a fallback secret) goes through Django's get_user, which flushes
    a session that no longer verifies.
    """
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if user_id is None or not session_hash or backend not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    copied = []
    # The user's row and their other copies every page reads (the unread count, installs),
    # in one round trip.
    versions.prefetch("user", user_id=user_id)

    def lookup():
        user = auth.get_user(request)
        copied.append(user)
        return user if user.is_authenticated else None

    user = versions.copy(USER_SCOPE, user_id, "row", lookup)
    if copied:  # looked up for this request, with Django's checks
        return copied[0]
    if user is not None and constant_time_compare(session_hash, user.get_session_auth_hash()):
        return user
    return auth.get_user(request)


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, the user read from a copy (see _signed_in_user):
    the user's row is the one query every signed-in page made."""

    def __call__(self, request):
        with versions.request_copies():
            return super().__call__(request)

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))


versions.add_to_group("user", lambda user_id: [(USER_SCOPE, user_id, "row")])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.user_deleted")
def user_changed(sender, instance, **kwargs) -> None:
    versions.bump(USER_SCOPE, [instance.pk])
