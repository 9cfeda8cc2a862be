"""core.hosts: one canonical host, one dev-host test, one root domain, one target parser."""

import pytest

from core.exceptions import ApplicationError
from core.hosts import canonical_host, is_local_host, on_domain, parse_target, root_domain


@pytest.mark.parametrize(
    ("host", "root"),
    [
        ("www.Example.COM", "example.com"),
        ("example.com", "example.com"),
        ("api.example.com", "api.example.com"),
        ("www2.example.com", "www2.example.com"),
        ("www.example.com.", "example.com"),
    ],
)
def test_root_domain_drops_only_a_leading_www(host: str, root: str) -> None:
    assert root_domain(host) == root


@pytest.mark.parametrize(
    ("host", "canonical"),
    [
        ("Example.COM.", "example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("127.0.0.1", "127.0.0.1"),
    ],
)
def test_a_host_has_one_canonical_form(host: str, canonical: str) -> None:
    assert canonical_host(host) == canonical


@pytest.mark.parametrize(
    ("host", "local"),
    [("localhost", True), ("127.0.0.1", True), ("api.localhost", False), ("127.1", False)],
)
def test_only_the_two_exact_dev_hosts_are_local(host: str, local: bool) -> None:
    assert is_local_host(host) is local


@pytest.mark.parametrize(
    ("host", "root", "on"),
    [
        ("example.com", "example.com", True),
        ("api.example.com", "example.com", True),
        ("badexample.com", "example.com", False),
        ("", "example.com", False),
        ("1.93.184.216.34", "93.184.216.34", False),
    ],
)
def test_on_domain_means_the_domain_or_a_subdomain(host: str, root: str, on: bool) -> None:
    assert on_domain(host, root) is on


# parse_target ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("example.com", "https://example.com/.well-known/ai-plugin.json"),
        ("  todo.example.com  ", "https://todo.example.com/.well-known/ai-plugin.json"),
        ("Todo.Example.COM", "https://todo.example.com/.well-known/ai-plugin.json"),
        ("https://example.com", "https://example.com/.well-known/ai-plugin.json"),
        ("https://example.com/", "https://example.com/.well-known/ai-plugin.json"),
        ("http://example.com", "http://example.com/.well-known/ai-plugin.json"),
        ("http://localhost:8001", "http://localhost:8001/.well-known/ai-plugin.json"),
        ("localhost:8001", "http://localhost:8001/.well-known/ai-plugin.json"),
        ("127.0.0.1:8001/", "http://127.0.0.1:8001/.well-known/ai-plugin.json"),
        ("https://example.com/plugin/manifest.json", "https://example.com/plugin/manifest.json"),
        ("https://example.com/ai-plugin.JSON?v=2", "https://example.com/ai-plugin.JSON?v=2"),
        (
            "example.com/.well-known/ai-plugin.json",
            "https://example.com/.well-known/ai-plugin.json",
        ),
        ("https://example.com/#top", "https://example.com/.well-known/ai-plugin.json"),
    ],
)
def test_manifest_url_for_what_people_type(target, expected):
    assert parse_target(target).manifest_url == expected


@pytest.mark.parametrize(
    "target",
    [
        "",
        "   ",
        None,
        "ftp://example.com",
        "file:///etc/passwd",
        "https://user:secret@example.com",
        "https://example.com/about",
        "exa mple.com",
        "example.com\n/x",
        "https://",
        "http://[::1",
        "https://example.com:port/",
        "not a domain!",
        "example." + "a" * 3000 + ".com",
    ],
)
def test_manifest_url_for_refuses_unusable_input_with_a_clear_message(target):
    with pytest.raises(ApplicationError) as caught:
        parse_target(target)
    assert caught.value.message and len(caught.value.message) < 400
