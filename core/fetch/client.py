"""fetch_url and check_url: one GET of a user-supplied URL, redirects followed by hand.

Every hop is read again by urls.parse_url, resolved and checked again by the transport, and may
only stay on the first URL's root domain; one deadline covers all of them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urljoin

from core.fetch.body import check_charset
from core.fetch.errors import FetchError, bad_url, timed_out
from core.fetch.limits import FETCH_DEADLINE_SECONDS, MAX_REDIRECTS, VALIDATOR_MAX_LENGTH
from core.fetch.transport import NOT_MODIFIED, request, resolve_public
from core.fetch.urls import parse_url
from core.hosts import local_development, on_domain, root_domain


@dataclass(frozen=True)
class FetchResult:
    """What a successful fetch returned, after any redirects."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    # The validators to send back next time (fetch_url's if_none_match / if_modified_since);
    # "" when the server sent none, or one too long or not plain printable ASCII.
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional request: the document is what the validators named."""
        return self.status == NOT_MODIFIED


def _local_development(allow_localhost: bool | None) -> bool:
    return local_development() if allow_localhost is None else allow_localhost


def fetch_url(
    url: str,
    *,
    max_bytes: int,
    allow_localhost: bool | None = None,
    deadline: float = FETCH_DEADLINE_SECONDS,
    accept: str = "application/json",
    charset: str | None = None,
    if_none_match: str = "",
    if_modified_since: str = "",
) -> FetchResult:
    """GET a user-supplied URL safely, or raise FetchError saying why not.

    With `charset`, the body is text in that charset: a Content-Type declaring another one
    (or one its bytes are not in) is refused as fetch.charset. With `if_none_match` or
    `if_modified_since` (a previous result's etag and last_modified) the request is
    conditional, and a 304 comes back as a result whose `not_modified` is true and body empty.
    """
    conditional = {
        name: value
        for name, value in (
            ("If-None-Match", _validator(if_none_match)),
            ("If-Modified-Since", _validator(if_modified_since)),
        )
        if value
    }
    allow_localhost = _local_development(allow_localhost)
    deadline_at = time.monotonic() + deadline
    target = parse_url(url, allow_localhost=allow_localhost)
    root = root_domain(target.host)
    redirects = 0
    while True:
        addresses = target.addresses or resolve_public(target, deadline_at, deadline)
        try:
            status, headers, body = request(
                target,
                addresses,
                deadline_at=deadline_at,
                accept=accept,
                max_bytes=max_bytes,
                conditional=conditional,
            )
        except TimeoutError as exc:
            raise timed_out(target.url, deadline) from exc
        if body is not None:
            content_type = headers.get("Content-Type", "")
            if charset is not None and status != NOT_MODIFIED:
                check_charset(target.url, content_type, body, charset)
            return FetchResult(
                url=url,
                final_url=target.url,
                status=status,
                content_type=content_type,
                body=body,
                etag=_validator(headers.get("ETag", "")),
                last_modified=_validator(headers.get("Last-Modified", "")),
            )
        redirects += 1
        if redirects > MAX_REDIRECTS:
            raise FetchError(
                "fetch.redirects",
                f"{url} redirected more than {MAX_REDIRECTS} times. "
                "Link directly to the final address.",
            )
        location = headers.get("Location", "").strip()
        try:
            next_url = urljoin(target.url, location)
        except ValueError:
            raise bad_url(location, "the server redirected to it") from None
        target = parse_url(next_url, allow_localhost=allow_localhost)
        if not on_domain(target.host, root):
            raise FetchError(
                "fetch.redirect_domain",
                f"{url} redirected to {next_url}, which is outside {root}. Redirects may only "
                f"go to {root} or its subdomains; link directly to the final address.",
            )


def _validator(value: str | None) -> str:
    """An ETag or Last-Modified value fit to keep and send back, else ""."""
    value = (value or "").strip()
    if len(value) > VALIDATOR_MAX_LENGTH or not all(" " <= c <= "~" for c in value):
        return ""
    return value


def check_url(url: str, *, allow_localhost: bool | None = None) -> None:
    """Refuse at once, with no I/O, a URL that fetch_url would refuse before connecting."""
    parse_url(url, allow_localhost=_local_development(allow_localhost))
