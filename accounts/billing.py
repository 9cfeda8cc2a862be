"""The one billing hook. A real payment provider replaces ConfirmOnlyBilling in settings."""

from django.conf import settings
from django.utils.module_loading import import_string


class ConfirmOnlyBilling:
    """This portal's default: the user confirms on a page and no payment is taken."""

    needs_payment = False
    label = "Confirm upgrade (no payment in this portal)"

    def charge_plus(self, user) -> str:
        """Return a reference for the upgrade; raise ApplicationError when payment fails."""
        return "no-payment"


def get_billing():
    return import_string(settings.PLUGINSTORE_BILLING_BACKEND)()
