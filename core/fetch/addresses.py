"""The address policy: which IP addresses a fetch may connect to (public ones only).

Python's is_global misses some of these ranges (multicast, site-local, newer IANA blocks)
depending on the patch release, so the ranges that must never be fetched are spelled out.
Translation prefixes (NAT64, 6to4) are judged by the IPv4 address they embed.
"""

from __future__ import annotations

import ipaddress

from core.fetch.errors import blocked
from core.hosts import on_domain

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# RFC 6761: "localhost" and every name under it mean this machine, whatever DNS would say.
LOOPBACK_DOMAIN = "localhost"
# Where a name under LOOPBACK_DOMAIN would connect, named in the refusal.
LOOPBACK_ADDRESS = "127.0.0.1"

_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network", including 0.0.0.0
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including 255.255.255.255
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/96",  # unspecified, loopback, deprecated IPv4-compatible
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, including Teredo and benchmarking
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 SIDs
        "fc00::/7",  # unique-local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated, still routed by some stacks)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(ip: IPAddress) -> bool:
    """Whether ip is a public internet address we may connect to."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        # Translation prefixes reach the IPv4 address they embed: judge that address instead.
        if ip in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None:
            return is_public_address(ip.sixtofour)
        blocked_networks = _BLOCKED_V6
    else:
        blocked_networks = _BLOCKED_V4
    if any(ip in network for network in blocked_networks):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def refuse_loopback_name(url: str, host: str) -> None:
    """FetchError for a name under LOOPBACK_DOMAIN, before any DNS lookup is made for it."""
    if on_domain(host, LOOPBACK_DOMAIN):
        raise blocked(url, host, LOOPBACK_ADDRESS)


def refuse_non_public(url: str, host: str, address: str) -> None:
    """FetchError unless address (as DNS gave it) is a public IP address."""
    try:
        public = is_public_address(ipaddress.ip_address(address))
    except ValueError:
        public = False
    if not public:
        raise blocked(url, host, address)
