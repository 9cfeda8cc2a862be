"""The one safe HTTP fetcher for every URL a user typed (PRODUCT.md section 5).

A stranger's URL must never make us talk to our own network: every host is resolved here, every
resolved address must be public, and we connect to exactly the address we checked, verifying TLS
against the original host name. Redirects are followed by hand and re-checked in full; the body
is capped while it streams; one deadline covers DNS, connect, TLS, headers, every redirect and
the body.

- `addresses`: the address policy (which IP addresses are public);
- `urls`: reading a URL and every check that needs no I/O (scheme, host, port, https);
- `transport`: DNS, sockets, TLS, the GET and the deadline (and the test seams);
- `body`: reading the body: Content-Length, Content-Encoding (gzip, deflate) and the declared
  charset, each checked, every lie a FetchError with its own code, the caps after decoding;
- `client`: fetch_url and check_url, redirects included;
- `errors` and `limits`: FetchError with its stable codes, and the caps.
"""

from core.fetch.addresses import is_public_address
from core.fetch.client import FetchResult, check_url, fetch_url
from core.fetch.errors import FetchError
from core.fetch.limits import (
    FETCH_DEADLINE_SECONDS,
    MANIFEST_MAX_BYTES,
    MAX_REDIRECTS,
    SPEC_MAX_BYTES,
)
from core.fetch.transport import USER_AGENT

__all__ = [
    "FETCH_DEADLINE_SECONDS",
    "MANIFEST_MAX_BYTES",
    "MAX_REDIRECTS",
    "SPEC_MAX_BYTES",
    "USER_AGENT",
    "FetchError",
    "FetchResult",
    "check_url",
    "fetch_url",
    "is_public_address",
]
