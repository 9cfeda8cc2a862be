"""Allauth's account adapter: the one place allauth learns who the client is."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails greet with the site's name (PLUGINSTORE_SITE_NAME) and sign off with
        its public address (PLUGINSTORE_SITE_URL), not the host the request came in on
        ("Hello from 127.0.0.1:8000!"): allauth's templates read both from current_site."""
        site = SimpleNamespace(
            name=settings.PLUGINSTORE_SITE_NAME,
            domain=urlsplit(settings.SITE_URL).netloc or settings.PLUGINSTORE_SITE_NAME,
        )
        super().send_mail(template_prefix, email, {"current_site": site, **context})
