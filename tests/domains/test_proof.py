"""domains.proof against a real local DNS server and real HTTP servers: each way to prove a
domain, and each way the proof can be missing or hostile."""

import time

import pytest

from domains import proof
from domains.choices import ProofMethod
from tests.security.hostile_server import response

TOKEN = "tok-" + "a" * 40


def test_a_txt_record_on_the_host_proves_it(dns):
    dns.records["weather.example.test"] = ["v=spf1 -all", proof.txt_value(TOKEN)]
    attempts = proof.look_for_proof("weather.example.test", TOKEN)
    assert [(a.method, a.target, a.found) for a in attempts] == [
        (ProofMethod.DNS_HOST, "weather.example.test", True)
    ]
    assert "weather.example.test" in dns.asked


def test_a_txt_record_on_the_root_domain_proves_a_www_host(dns, no_web_server):
    dns.records["www.example.test"] = []
    dns.records["example.test"] = [proof.txt_value(TOKEN)]
    attempts = proof.look_for_proof("www.example.test", TOKEN)
    assert [(a.method, a.target, a.found) for a in attempts] == [
        (ProofMethod.DNS_HOST, "www.example.test", False),
        (ProofMethod.DNS_ROOT, "example.test", True),
    ]
    assert "has no TXT record" in attempts[0].detail


def test_the_token_file_proves_it(dns, web):
    web.routes[proof.FILE_PATH] = response(
        f"{TOKEN}\n".encode(), headers={"Content-Type": "text/plain"}
    )
    attempts = proof.look_for_proof(web.domain, TOKEN)
    assert attempts[-1].method == ProofMethod.FILE
    assert attempts[-1].found
    assert attempts[-1].target == f"http://{web.domain}{proof.FILE_PATH}"
    assert web.requests == [proof.FILE_PATH]


def test_a_wrong_token_in_dns_or_the_file_proves_nothing_and_says_so(dns, web):
    dns.records["localhost"] = [proof.txt_value("someone-elses-token")]
    web.routes[proof.FILE_PATH] = response(
        b"someone-elses-token", headers={"Content-Type": "text/plain"}
    )
    attempts = proof.look_for_proof(web.domain, TOKEN)
    assert not any(a.found for a in attempts)
    assert "with another token" in attempts[0].detail
    assert "the token on this page is not in it" in attempts[-1].detail


def test_a_missing_name_and_a_missing_file_are_told_apart(dns, web):
    attempts = proof.look_for_proof(web.domain, TOKEN)
    assert "does not exist in DNS" in attempts[0].detail
    assert "HTTP 404" in attempts[-1].detail


def test_a_dns_server_that_never_answers_times_out_within_the_setting(dns, settings, no_web_server):
    dns.silent.add("slow.example.test")
    settings.PLUGINSTORE_DNS_TIMEOUT_SECONDS = 0.5
    started = time.monotonic()
    attempt = proof.check_dns(ProofMethod.DNS_HOST, "slow.example.test", TOKEN)
    assert time.monotonic() - started < 3
    assert not attempt.found
    assert "did not answer within 0.5 seconds" in attempt.detail


def test_a_file_that_redirects_to_a_private_address_is_refused(web):
    web.routes[proof.FILE_PATH] = response(
        b"", status="302 Found", headers={"Location": f"http://10.0.0.1{proof.FILE_PATH}"}
    )
    attempt = proof.check_file(web.domain, TOKEN)
    assert not attempt.found
    assert "not a public internet address" in attempt.detail


def test_a_file_that_redirects_to_another_loopback_address_is_refused(web):
    web.routes[proof.FILE_PATH] = response(
        b"", status="302 Found", headers={"Location": f"http://127.0.0.2:{web.port}/"}
    )
    attempt = proof.check_file(web.domain, TOKEN)
    assert not attempt.found
    assert "not a public internet address" in attempt.detail


def test_an_oversized_file_is_refused_even_with_the_token_in_it(web):
    body = (TOKEN + "\n").encode() + b"x" * (proof.FILE_MAX_BYTES * 2)
    web.routes[proof.FILE_PATH] = response(body, headers={"Content-Type": "text/plain"})
    attempt = proof.check_file(web.domain, TOKEN)
    assert not attempt.found
    assert f"{proof.FILE_MAX_BYTES:,}-byte limit" in attempt.detail


def test_a_slow_file_server_is_cut_off_at_the_deadline(web, monkeypatch):
    monkeypatch.setattr(proof, "FILE_DEADLINE_SECONDS", 1.0)

    def slow(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
        handler.wfile.flush()
        time.sleep(3)

    web.routes[proof.FILE_PATH] = slow
    started = time.monotonic()
    attempt = proof.check_file(web.domain, TOKEN)
    assert time.monotonic() - started < 2.5
    assert not attempt.found
    assert "did not finish answering within 1 seconds" in attempt.detail


def test_a_public_domain_file_must_be_https_and_a_local_one_is_http_only_in_development(settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = False
    assert proof.file_url("weather.example.test") == (
        "https://weather.example.test/.well-known/pluginstore-verification.txt"
    )
    assert proof.file_url("localhost:8001").startswith("https://")
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    assert proof.file_url("localhost:8001").startswith("http://localhost:8001/")


def test_an_ip_address_has_no_dns_name_to_prove():
    assert proof.dns_names("[2001:db8::1]") == []
    assert proof.dns_names("192.0.2.7") == []
    assert proof.dns_names("www.shop.example.test") == [
        (ProofMethod.DNS_HOST, "www.shop.example.test"),
        (ProofMethod.DNS_ROOT, "shop.example.test"),
    ]


@pytest.mark.parametrize(
    "body", [b"TOKEN", b"\n  TOKEN  \r\n", b"pluginstore-verification=TOKEN\n"]
)
def test_the_file_may_hold_the_token_alone_or_the_record_value(web, body):
    web.routes[proof.FILE_PATH] = response(body.replace(b"TOKEN", TOKEN.encode()))
    assert proof.check_file(web.domain, TOKEN).found
