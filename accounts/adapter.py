"""Allauth's account adapter: the one place allauth learns who the client is."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.middleware import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address every allauth rate limit keys on: the real client behind the proxies
        PLUGINSTORE_TRUSTED_PROXY_HOPS names (core.middleware), never a spoofable one."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address
