# ruff: noqa: F811 (test_fetch's fixtures, imported, are the test parameters)
"""core.fetch: conditional requests (If-None-Match / If-Modified-Since) and 304 Not Modified.

The watch (PRODUCT.md section 10) re-fetches every approved plugin daily and sends back the
validators it was given; these tests use test_fetch's fake network and local server.
"""

from __future__ import annotations

import pytest

from core.fetch import MANIFEST_MAX_BYTES, FetchError, fetch_url
from core.fetch.limits import VALIDATOR_MAX_LENGTH
from tests.core.test_fetch import (  # noqa: F401 (fixtures)
    FakeNet,
    LocalServer,
    answer,
    net,
    server,
)

ETAG = '"v1-abc"'
LAST_MODIFIED = "Tue, 01 Dec 2026 00:00:00 GMT"


def _url(server: LocalServer) -> str:
    return f"http://127.0.0.1:{server.port}/manifest.json"


def _get(server: LocalServer, **kwargs):
    return fetch_url(_url(server), max_bytes=MANIFEST_MAX_BYTES, allow_localhost=True, **kwargs)


def _conditional(handler) -> None:
    """Answer 304 when the request names the current ETag, else the document with it."""
    if handler.headers.get("If-None-Match") == ETAG:
        handler.send_response(304)
        handler.send_header("ETag", ETAG)
        handler.end_headers()
        return
    body = b'{"name": "todo"}'
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("ETag", ETAG)
    handler.send_header("Last-Modified", LAST_MODIFIED)
    handler.end_headers()
    handler.wfile.write(body)


def test_a_fetch_reports_the_validators_to_send_back(server: LocalServer) -> None:
    server.routes["/manifest.json"] = _conditional
    result = _get(server)
    assert (result.status, result.body, result.not_modified) == (200, b'{"name": "todo"}', False)
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    _path, headers = server.requests[0]
    assert headers.get("If-None-Match") is None
    assert headers.get("If-Modified-Since") is None


def test_a_conditional_fetch_sends_both_validators_and_takes_a_304(server: LocalServer) -> None:
    server.routes["/manifest.json"] = _conditional
    result = _get(server, if_none_match=ETAG, if_modified_since=LAST_MODIFIED)
    assert result.not_modified
    assert (result.status, result.body, result.etag) == (304, b"", ETAG)
    _path, headers = server.requests[0]
    assert headers.get("If-None-Match") == ETAG
    assert headers.get("If-Modified-Since") == LAST_MODIFIED


def test_a_changed_document_comes_back_whole_to_a_conditional_fetch(server: LocalServer) -> None:
    server.routes["/manifest.json"] = _conditional
    result = _get(server, if_none_match='"v0-old"')
    assert (result.status, result.body, result.not_modified) == (200, b'{"name": "todo"}', False)


def test_a_304_to_a_plain_request_is_still_an_error(server: LocalServer) -> None:
    server.routes["/manifest.json"] = answer(b"", status=304)
    with pytest.raises(FetchError) as caught:
        _get(server)
    assert caught.value.code == "fetch.http_status"


@pytest.mark.parametrize(
    "etag", ['"' + "x" * VALIDATOR_MAX_LENGTH + '"', '"caf\u00e9"', '"tab\there"']
)
def test_a_validator_too_long_or_not_plain_ascii_is_not_kept(
    server: LocalServer, etag: str
) -> None:
    server.routes["/manifest.json"] = answer(
        b"{}", headers={"ETag": etag.encode().decode("latin-1")}
    )
    assert _get(server).etag == ""


def test_a_validator_we_would_not_keep_is_not_sent(server: LocalServer) -> None:
    server.routes["/manifest.json"] = answer(b"{}")
    _get(server, if_none_match="bad\x7fvalue", if_modified_since="y" * 300)
    _path, headers = server.requests[0]
    assert headers.get("If-None-Match") is None
    assert headers.get("If-Modified-Since") is None
