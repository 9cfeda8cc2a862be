"""The fetcher's refusals: FetchError, with a stable code and a message that says how to fix it."""

from __future__ import annotations

from core.exceptions import ApplicationError


class FetchError(ApplicationError):
    """A URL could not be fetched safely; `code` is stable, the message says how to fix it."""

    def __init__(self, code: str, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message, extra={"code": code, **(extra or {})})
        self.code = code


def bad_url(url: str, why: str) -> FetchError:
    """fetch.bad_url: the text is not a usable web address."""
    return FetchError(
        "fetch.bad_url",
        f"{url!r} is not a usable web address: {why}. Enter a full URL such as "
        "https://example.com/.well-known/ai-plugin.json.",
    )


def blocked(url: str, host: str, address: str) -> FetchError:
    """fetch.blocked_address: the host is, or resolves to, an address that is not public."""
    return FetchError(
        "fetch.blocked_address",
        f"{url} points to {host} ({address}), which is not a public internet address "
        "(loopback, private, link-local, reserved or similar). Host the file on a public server.",
        extra={"address": address},
    )


def timed_out(url: str, deadline: float) -> FetchError:
    """fetch.timeout: the whole exchange outlasted the deadline."""
    return FetchError(
        "fetch.timeout",
        f"{url} did not finish answering within {deadline:g} seconds. Make sure the server "
        "responds quickly and the file is small.",
    )


def too_large(url: str, max_bytes: int) -> FetchError:
    """fetch.too_large: the body is over the cap."""
    return FetchError(
        "fetch.too_large",
        f"{url} is larger than the {max_bytes:,}-byte limit. Make the file smaller.",
        extra={"max_bytes": max_bytes},
    )


def connection_failed(url: str, host: str, detail: str) -> FetchError:
    """fetch.connection: no usable HTTP answer came back."""
    return FetchError(
        "fetch.connection",
        f"Could not fetch {url} from {host}: {detail}. Check the server is up and "
        "reachable from the internet.",
    )
