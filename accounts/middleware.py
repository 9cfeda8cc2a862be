"""Staff act in the admin only with a second factor, where the site requires it.

With PLUGINSTORE_STAFF_REQUIRE_MFA on (always in production), a staff account without an
authenticator app is sent from every admin page to allauth's enrolment page with a message
saying why; signing out of the admin stays open. The allauth pages (sign-in, reauthentication,
the two-factor pages) are not admin pages, so enrolling is always possible.
"""

from django.contrib import messages
from django.shortcuts import redirect

from accounts.permissions import must_enrol_second_factor

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
