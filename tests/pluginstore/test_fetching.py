"""Fetching a plugin: both documents through the fetcher, fetch failures as findings."""

import json
from pathlib import Path

import pytest

from core.exceptions import ApplicationError
from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES, FetchError, FetchResult
from core.hosts import parse_target
from pluginstore import fetching
from pluginstore.fetching import fetch_plugin

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST_BYTES = (FIXTURES / "good_manifest.json").read_bytes()
SPEC_BYTES = (FIXTURES / "good_openapi.yaml").read_bytes()
MANIFEST_URL = "https://todo.example.com/.well-known/ai-plugin.json"
SPEC_URL = "https://api.todo.example.com/openapi.yaml"
LOCAL_MANIFEST_URL = "http://localhost:8001/.well-known/ai-plugin.json"


# fetch_plugin ----------------------------------------------------------------------------------


class FakeWeb:
    """Stands in for core.fetch.fetch_url: URL -> bytes or a FetchError, recording each call."""

    def __init__(self, pages: dict):
        self.pages = pages
        self.calls: list[tuple[str, int, object]] = []
        self.charsets: list[str | None] = []

    def __call__(
        self, url, *, max_bytes, allow_localhost=None, deadline=15.0, accept="", charset=None
    ):
        self.calls.append((url, max_bytes, allow_localhost))
        self.charsets.append(charset)
        page = self.pages.get(url)
        if page is None:
            raise FetchError("fetch.http_status", f"{url} answered HTTP 404 Not Found.")
        if isinstance(page, Exception):
            raise page
        return FetchResult(url, url, 200, "application/json", page)


@pytest.fixture
def web(monkeypatch):
    fake = FakeWeb({MANIFEST_URL: MANIFEST_BYTES, SPEC_URL: SPEC_BYTES})
    monkeypatch.setattr(fetching, "fetch_url", fake)
    return fake


def test_fetching_a_good_plugin_gives_both_documents_and_a_clean_report(web):
    fetched = fetch_plugin(MANIFEST_URL)
    assert fetched.manifest_url == MANIFEST_URL and fetched.spec_url == SPEC_URL
    assert fetched.manifest_bytes == MANIFEST_BYTES and fetched.spec_bytes == SPEC_BYTES
    assert fetched.report.ok and fetched.report.findings == ()
    assert fetched.report.manifest["name_for_model"] == "todo_list"
    assert fetched.report.spec["openapi"] == "3.0.1"
    assert [(url, cap) for url, cap, _ in web.calls] == [
        (MANIFEST_URL, MANIFEST_MAX_BYTES),
        (SPEC_URL, SPEC_MAX_BYTES),
    ]
    assert web.charsets == ["utf-8", "utf-8"]  # a declared charset must agree (fetch.charset)


def test_a_manifest_that_cannot_be_fetched_is_one_finding_and_nothing_more(web):
    web.pages[MANIFEST_URL] = FetchError("fetch.timeout", "It took too long. Make it faster.")
    fetched = fetch_plugin(MANIFEST_URL)
    assert fetched.manifest_bytes is None and fetched.spec_bytes is None
    assert fetched.spec_url is None
    assert [f.as_dict() for f in fetched.report.findings] == [
        {
            "code": "fetch.timeout",
            "severity": "error",
            "field": "manifest",
            "criterion": "C3",
            "message": "Could not fetch the manifest: It took too long. Make it faster.",
        }
    ]
    assert len(web.calls) == 1


def test_a_spec_that_cannot_be_fetched_is_reported_on_api_url_with_the_manifest_findings(web):
    manifest = json.loads(MANIFEST_BYTES)
    manifest["name_for_human"] = "The Todo List Plugin!"
    web.pages[MANIFEST_URL] = json.dumps(manifest).encode()
    del web.pages[SPEC_URL]
    fetched = fetch_plugin(MANIFEST_URL)
    assert fetched.manifest_bytes is not None and fetched.spec_bytes is None
    assert fetched.spec_url == SPEC_URL
    assert [(f.code, f.field) for f in fetched.report.findings] == [
        ("manifest.name_for_human.length", "name_for_human"),
        ("manifest.reserved_words", "name_for_human"),
        ("fetch.http_status", "api.url"),
    ]
    assert "OpenAPI spec" in fetched.report.findings[-1].message


@pytest.mark.parametrize(
    "manifest",
    [b"<html>Not found</html>", b'{"api": {"type": "openapi", "url": "openapi.yaml"}}'],
)
def test_the_spec_is_fetched_only_when_the_manifest_names_a_usable_url(web, manifest):
    web.pages[MANIFEST_URL] = manifest
    fetched = fetch_plugin(MANIFEST_URL)
    assert len(web.calls) == 1 and fetched.spec_url is None
    assert not fetched.report.ok
    assert not [f for f in fetched.report.findings if f.code.startswith(("spec.", "fetch."))]


def test_spec_problems_come_from_the_fetched_spec(web):
    web.pages[SPEC_URL] = b"swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"
    fetched = fetch_plugin(MANIFEST_URL)
    assert [f.code for f in fetched.report.findings] == ["spec.openapi"]
    assert fetched.spec_bytes == web.pages[SPEC_URL]


def test_fetch_messages_clip_long_urls(web):
    long_url = "https://todo.example.com/" + "a" * 1500 + ".json"
    web.pages[long_url] = FetchError("fetch.too_large", f"{long_url} is larger than the limit.")
    fetched = fetch_plugin(long_url)
    assert len(fetched.report.findings[0].message) < 300


def test_local_development_relaxes_the_https_and_domain_rules(web, settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    manifest = json.loads(MANIFEST_BYTES)
    manifest.update(
        auth={"type": "none"},
        api={"type": "openapi", "url": "http://localhost:8001/openapi.yaml"},
        logo_url="http://localhost:8001/logo.png",
    )
    web.pages = {
        LOCAL_MANIFEST_URL: json.dumps(manifest).encode(),
        "http://localhost:8001/openapi.yaml": SPEC_BYTES,
    }
    fetched = fetch_plugin(LOCAL_MANIFEST_URL, allow_localhost=True)
    assert [f.code for f in fetched.report.findings] == ["spec.oauth"]
    assert [allow for _, _, allow in web.calls] == [True, True]

    fetched = fetch_plugin(LOCAL_MANIFEST_URL)  # the setting decides when not told
    assert [f.code for f in fetched.report.findings] == ["spec.oauth"]

    fetched = fetch_plugin(LOCAL_MANIFEST_URL, allow_localhost=False)
    assert web.calls[-1][2] is False
    assert {f.code for f in fetched.report.findings} >= {"manifest.https"}


def test_a_bad_target_raises_before_anything_is_fetched(web):
    with pytest.raises(ApplicationError):
        fetch_plugin(parse_target("ftp://todo.example.com").manifest_url)
    assert web.calls == []


def test_checking_is_announced_once_both_documents_are_in(web):
    fetches_before_checking = []
    fetch_plugin(MANIFEST_URL, on_checking=lambda: fetches_before_checking.append(len(web.calls)))
    assert fetches_before_checking == [2]

    web.pages[MANIFEST_URL] = FetchError("fetch.timeout", "It took too long. Make it faster.")
    fetches_before_checking.clear()
    fetch_plugin(MANIFEST_URL, on_checking=lambda: fetches_before_checking.append(len(web.calls)))
    assert fetches_before_checking == []


@pytest.mark.parametrize(
    ("api_url", "code"),
    [
        ("https://elsewhere.example.net/openapi.yaml", "manifest.api_domain"),
        ("http://api.todo.example.com/openapi.yaml", "manifest.https"),
        ("https://api.todo.example.com/" + "a" * 500 + ".yaml", "manifest.api"),
    ],
    ids=["another domain", "plain http", "longer than its column"],
)
def test_a_spec_url_the_checker_refuses_is_never_requested(web, api_url, code):
    manifest = json.loads(MANIFEST_BYTES)
    manifest["api"]["url"] = api_url
    web.pages[MANIFEST_URL] = json.dumps(manifest).encode()
    web.pages[api_url] = SPEC_BYTES
    fetched = fetch_plugin(MANIFEST_URL)
    assert [f.code for f in fetched.report.findings] == [code]
    assert [url for url, _, _ in web.calls] == [MANIFEST_URL]
    assert fetched.spec_url is None


def test_in_local_development_a_spec_on_another_port_is_never_requested(web, settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    manifest = json.loads(MANIFEST_BYTES)
    manifest.update(
        auth={"type": "none"}, api={"type": "openapi", "url": "http://localhost:9999/x"}
    )
    web.pages = {LOCAL_MANIFEST_URL: json.dumps(manifest).encode()}
    fetched = fetch_plugin(LOCAL_MANIFEST_URL)
    assert [f.code for f in fetched.report.findings] == ["manifest.api_domain"]
    assert [url for url, _, _ in web.calls] == [LOCAL_MANIFEST_URL]
