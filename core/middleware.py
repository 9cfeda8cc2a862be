"""The client's address, derived once per request, for everything that keys on it.

Behind the load balancer every request connects from the balancer, so `REMOTE_ADDR` is the
same for everyone and a rate limit keyed on it is one bucket for the whole site. Each proxy
the operator runs appends the address it received the request from to `X-Forwarded-For`, so
with `PLUGINSTORE_TRUSTED_PROXY_HOPS = n` proxies in front the client is the n-th entry from
the right. Entries further left were written by the client and are never read: a client can
put any address there, but not in the places its own proxies fill in.

A header that cannot be what the configured proxies wrote (fewer entries than hops, or not an
address where the client's should be) is ignored: the connecting address is used and the
misconfiguration logged. With the default of 0 no header is trusted at all.

Allauth's rate limits ask `accounts.adapter.AccountAdapter.get_client_ip`, which returns this.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

_ATTRIBUTE = "client_ip"


def trusted_proxy_hops() -> int:
    """How many proxies in front of the site append to X-Forwarded-For (settings, default 0)."""
    return max(0, int(getattr(settings, "PLUGINSTORE_TRUSTED_PROXY_HOPS", 0)))


def parse_address(text: str) -> str | None:
    """`text` as a canonical IP address, ports and brackets removed, or None if it is none."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1] or [2001:db8::1]:443
        text, bracket, _port = text[1:].partition("]")
        if not bracket:
            return None
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def derive_client_ip(meta: dict, hops: int) -> str:
    """The client's address from a request's META, trusting `hops` proxies in front."""
    connecting = parse_address(meta.get("REMOTE_ADDR") or "") or ""
    if hops <= 0:
        return connecting
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return connecting
    entries = forwarded.split(",")
    client = parse_address(entries[-hops]) if len(entries) >= hops else None
    if client is None:
        logger.warning(
            "X-Forwarded-For %r does not match PLUGINSTORE_TRUSTED_PROXY_HOPS=%d; "
            "using the connecting address %s",
            forwarded[:200],
            hops,
            connecting,
        )
        return connecting
    return client


def client_ip(request: HttpRequest) -> str:
    """The request's client address: derived on first use, the same answer afterwards."""
    address = getattr(request, _ATTRIBUTE, None)
    if address is None:
        address = derive_client_ip(request.META, trusted_proxy_hops())
        setattr(request, _ATTRIBUTE, address)
    return address


class ClientAddressMiddleware:
    """Sets `request.client_ip` before anything else reads the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        client_ip(request)
        return self.get_response(request)
