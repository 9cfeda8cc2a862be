"""The fetcher against a local server that lies: a FetchError with a stable code, or a body
within the cap, within the deadline; never another exception.

core.fetch.fetch_url and pluginstore.fetching.fetch_plugin talk to tests/fuzz/hostile_server.py
on 127.0.0.1 (PLUGINSTORE_ALLOW_LOCALHOST on, as in local development). The deadline is
lowered to DEADLINE seconds so a server that drips or holds the connection costs a second.
"""

from __future__ import annotations

import functools
import re
import time

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from core.fetch import MANIFEST_MAX_BYTES, FetchError, FetchResult, fetch_url
from pluginstore import fetching
from tests.fuzz import hostile_server as hs
from tests.fuzz.budget import scaled
from tests.fuzz.hostile_server import HostileServer, Reply, response
from tests.fuzz.reports import assert_good_report

DEADLINE = 1.0
SLACK = 1.5  # seconds past the deadline a loaded CI machine may take to notice
FETCH_CODE = re.compile(r"fetch\.[a-z_]+")
BODY = b'{"schema_version": "v1", "name_for_human": "Lies"}'


@pytest.fixture(scope="module")
def server():
    hostile = HostileServer().start()
    yield hostile
    hostile.stop()


@pytest.fixture(autouse=True)
def local_development(settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True


def fetch(server: HostileServer, reply: Reply, path: str = "/doc") -> FetchResult | FetchError:
    """fetch_url against `reply`: its result or its FetchError; anything else fails the test."""
    server.replies[path] = reply
    started = time.monotonic()
    try:
        result = fetch_url(server.url(path), max_bytes=MANIFEST_MAX_BYTES, deadline=DEADLINE)
    except FetchError as error:
        result = error
        assert FETCH_CODE.fullmatch(error.code or ""), error.code
        assert str(error.message).strip()
    else:
        assert isinstance(result, FetchResult)
        assert len(result.body) <= MANIFEST_MAX_BYTES
    elapsed = time.monotonic() - started
    assert elapsed < DEADLINE + SLACK, f"took {elapsed:.1f}s with a {DEADLINE}s deadline"
    return result


def code(result: FetchResult | FetchError) -> str:
    return result.code if isinstance(result, FetchError) else "ok"


def length(body: bytes, delta: int = 0) -> tuple[bytes, bytes]:
    return (b"Content-Length", str(len(body) + delta).encode())


# --- each lie by name ---------------------------------------------------------------------------

GZIP = (b"Content-Encoding", b"gzip")
JSON = (b"Content-Type", b"application/json")
TRUNCATED_GZIP = hs.gzipped(BODY * 20)[:-30]
REDIRECT_LOOP = response(b"HTTP/1.1 302 Found", [(b"Location", b"/loop"), length(b"")])

NAMED_LIES = {
    "a plain body under Content-Encoding gzip": response(
        headers=[JSON, GZIP, length(BODY)], body=BODY
    ),
    "a plain body under Content-Encoding deflate": response(
        headers=[JSON, (b"Content-Encoding", b"deflate"), length(BODY)], body=BODY
    ),
    "a plain body under Content-Encoding br": response(
        headers=[JSON, (b"Content-Encoding", b"br"), length(BODY)], body=BODY
    ),
    "Content-Length shorter than the body": response(headers=[JSON, length(BODY, -10)], body=BODY),
    "Content-Length longer than the body": response(headers=[JSON, length(BODY, 100)], body=BODY),
    "Content-Length that is not a number": response(
        headers=[JSON, (b"Content-Length", b"12abc")], body=BODY
    ),
    "two different Content-Lengths": response(
        headers=[JSON, length(BODY), length(BODY, 5)], body=BODY
    ),
    "a charset the body is not in": response(
        headers=[(b"Content-Type", b"application/json; charset=utf-16"), length(BODY)], body=BODY
    ),
    "a charset nobody knows": response(
        headers=[(b"Content-Type", b"application/json; charset=x-nope"), length(BODY)], body=BODY
    ),
    "truncated gzip": response(headers=[JSON, GZIP, length(TRUNCATED_GZIP)], body=TRUNCATED_GZIP),
    "a gzip bomb": response(headers=[JSON, GZIP], body=hs.gzip_bomb()),
    "a body over the cap with no length": response(headers=[JSON], body=b" " * 70_000),
    "a chunked body cut short": response(
        headers=[JSON, (b"Transfer-Encoding", b"chunked")], body=hs.chunked(BODY)[:-9]
    ),
    "garbage chunk sizes": response(
        headers=[JSON, (b"Transfer-Encoding", b"chunked")], body=b"zz\r\nhello\r\n0\r\n\r\n"
    ),
    "a redirect loop": REDIRECT_LOOP,
    "a redirect without a usable Location": response(
        b"HTTP/1.1 302 Found", [(b"Location", b"http://[::1"), length(b"")]
    ),
    "a redirect to another host": response(
        b"HTTP/1.1 302 Found", [(b"Location", b"http://localhost.example.com/"), length(b"")]
    ),
    "a slow drip": response(headers=[JSON], body=BODY * 4, pieces=200, pause=0.05),
    "a connection held open after the headers": response(headers=[JSON], end="hang"),
    "a reset in the middle of the body": response(
        headers=[JSON, length(BODY * 50)], body=BODY * 50, pieces=4, pause=0.02, end="reset"
    ),
    "HTTP/0.9 garbage": Reply(head=b"hello, this is not HTTP at all"),
    "binary garbage": Reply(head=b"\x00\xff\xfe\x16\x03\x01 garbage"),
    "a status code of four digits": response(b"HTTP/1.1 2000 OK", [length(BODY)], body=BODY),
    "a header line of 70,000 characters": response(
        headers=[(b"X-Long", b"a" * 70_000), length(BODY)], body=BODY
    ),
    "a thousand headers": response(
        headers=[(b"X-H%d" % i, b"1") for i in range(1000)] + [length(BODY)], body=BODY
    ),
    "a header with a NUL": response(headers=[(b"X-Nul", b"a\x00b"), length(BODY)], body=BODY),
}


@pytest.mark.parametrize("name", NAMED_LIES)
def test_each_lie_ends_in_a_fetch_error_or_a_body_within_the_cap(server, name):
    fetch(server, NAMED_LIES[name])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a gzip bomb", "fetch.too_large"),
        ("a body over the cap with no length", "fetch.too_large"),
        ("a redirect loop", "fetch.redirects"),
        ("a slow drip", "fetch.timeout"),
        ("a connection held open after the headers", "fetch.timeout"),
    ],
)
def test_the_limits_are_reported_as_limits(server, name, expected):
    server.replies["/loop"] = REDIRECT_LOOP
    assert code(fetch(server, NAMED_LIES[name], "/loop" if "loop" in name else "/doc")) == expected


def test_endless_redirects_to_new_addresses_stop_at_the_limit(server):
    for n in range(10):
        server.replies[f"/hop{n}"] = response(
            b"HTTP/1.1 301 Moved", [(b"Location", f"/hop{n + 1}".encode()), length(b"")]
        )
    assert code(fetch(server, server.replies["/hop0"], "/hop0")) == "fetch.redirects"
    assert len([p for p in server.requests if p.startswith("/hop")]) <= 4


# --- arbitrary lies -----------------------------------------------------------------------------

statuses = st.sampled_from(
    [
        b"HTTP/1.1 200 OK",
        b"HTTP/1.0 200 OK",
        b"HTTP/1.1 200",
        b"HTTP/1.1 203 Non-Authoritative",
        b"HTTP/1.1 204 No Content",
        b"HTTP/1.1 301 Moved",
        b"HTTP/1.1 404 Not Found",
        b"HTTP/1.1 500 \xff\xfe",
        b"HTTP/2 200",
        b"ICY 200 OK",
        b"HTTP/1.1 -200 OK",
        b"",
        b"\x00garbage",
    ]
)
bodies = st.one_of(
    st.sampled_from(
        [
            b"",
            BODY,
            hs.gzipped(BODY),
            hs.deflated(BODY),
            TRUNCATED_GZIP,
            hs.gzipped(BODY) + b"trailing",
            hs.chunked(BODY),
            b" " * (MANIFEST_MAX_BYTES + 1),
        ]
    ),
    st.binary(max_size=200),
)
header_values = {
    b"Content-Type": [b"application/json", b"application/json; charset=latin-1", b"text/html;;"],
    b"Content-Encoding": [b"gzip", b"x-gzip", b"deflate", b"br", b"zstd", b"gzip, gzip", b""],
    b"Transfer-Encoding": [b"chunked", b"gzip, chunked", b"identity"],
    b"Location": [b"/doc", b"//127.0.0.1:1/", b"http://169.254.169.254/", b"\xff", b""],
    b"Content-Length": [b"-1", b"abc", b"1, 2", b"99999999999999999999999", b" 7 "],
    b"X-Junk": [b"\x00", b"a" * 10_000],
}


@st.composite
def replies(draw) -> Reply:
    body = draw(bodies)
    headers = [
        (name, draw(st.sampled_from(values)))
        for name, values in header_values.items()
        if draw(st.booleans())
    ]
    lengths = draw(st.sampled_from(["right", "shorter", "longer", "none", "as drawn"]))
    headers = [h for h in headers if h[0] != b"Content-Length" or lengths == "as drawn"]
    if lengths in ("right", "shorter", "longer"):
        headers.append(length(body, {"right": 0, "shorter": -3, "longer": 3}[lengths]))
    # A drip or a held connection costs the whole deadline: make them the rarer cases.
    end = draw(st.sampled_from(["close"] * 6 + ["reset", "hang"]))
    pieces = draw(st.sampled_from([1, 1, 1, 3, 40]))
    pause = 0.03 if pieces > 1 and draw(st.booleans()) else 0.0
    return response(draw(statuses), headers, body, pieces=pieces, pause=pause, end=end)


@settings(max_examples=scaled(150))
@given(reply=replies())
@example(reply=NAMED_LIES["a plain body under Content-Encoding gzip"])
@example(reply=NAMED_LIES["truncated gzip"])
def test_any_reply_ends_in_a_fetch_error_or_a_body_within_the_cap(server, reply):
    event(code(fetch(server, reply)))  # --hypothesis-show-statistics tells which lies won


@settings(max_examples=scaled(50))
@given(reply=replies(), which=st.sampled_from(["manifest", "spec"]))
@example(reply=NAMED_LIES["a plain body under Content-Encoding gzip"], which="manifest")
@example(reply=NAMED_LIES["a plain body under Content-Encoding gzip"], which="spec")
def test_fetch_plugin_turns_any_reply_into_findings(server, monkeypatch, reply, which):
    """The whole fetch of a plugin (manifest, then the spec its api.url names) gives a report
    whatever either server says; a failed fetch is a fetch.* finding."""
    monkeypatch.setattr(fetching, "fetch_url", functools.partial(fetch_url, deadline=DEADLINE))
    manifest = response(headers=[JSON], body=hs.manifest_bytes(server.port))
    server.replies["/.well-known/ai-plugin.json"] = reply if which == "manifest" else manifest
    server.replies["/openapi.json"] = reply if which == "spec" else response(body=hs.SPEC)
    started = time.monotonic()
    fetched = fetching.fetch_plugin(server.url("/.well-known/ai-plugin.json"))
    assert time.monotonic() - started < 2 * DEADLINE + SLACK
    assert_good_report(fetched.report)
    if fetched.manifest_bytes is None:
        codes = [finding.code for finding in fetched.report.findings]
        assert codes and all(code.startswith("fetch.") for code in codes), codes
