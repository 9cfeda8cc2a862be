"""Sign-in behind the load balancer, and sign-in while Redis is down (issue 16, items 1 and 2).

Behind a proxy every request connects from the proxy. Before PLUGINSTORE_TRUSTED_PROXY_HOPS,
allauth's limits keyed on that one address, so ten failed sign-ins from one anonymous client
blocked sign-in for everybody, the admin included. Here a proxy is simulated the way a real
one behaves: every request comes from LOAD_BALANCER, which appends the address it received
the request from to whatever X-Forwarded-For the client sent.

And before core.cache fell back to memory, a dead Redis answered allauth's lock `add` with
False, which allauth reads as "limited": correct credentials, a sign-up and a password reset
all got a 429. These tests start their own redis-server (tests/inbox/test_reliability.py)
and kill it mid-test, so the machine's Redis is never touched.
"""

import ast
import time
from pathlib import Path

import pytest
import redis
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from core.middleware import client_ip, derive_client_ip
from tests.accounts.helpers import activate_totp, totp_code
from tests.core.test_cache import _redis_cache
from tests.factories import PASSWORD, UserFactory, make_reviewer
from tests.inbox.test_broker_outage import _frozen_server
from tests.inbox.test_reliability import _redis_stop, own_redis  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LOAD_BALANCER = "10.0.0.2"
ATTACKER = "203.0.113.66"
BYSTANDER = "198.51.100.20"
ADMIN_HOME = "192.0.2.10"
REFUSED = "Too many failed login attempts"


def through_proxy(client_address: str, forged: str = "") -> Client:
    """A browser at `client_address` behind one load balancer; `forged` is what the client
    itself put in X-Forwarded-For (the balancer appends the real address after it)."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded)


def _sign_in(client: Client, email: str, password: str = PASSWORD, url: str = ""):
    return client.post(url or reverse("account_login"), {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail_ten_times(make_client) -> None:
    """Ten failed sign-ins, each for another address (so only the per-client limit counts)."""
    for n in range(10):
        response = _sign_in(make_client(n), f"nobody{n}@example.com", "wrong password")
        assert REFUSED not in response.content.decode(), f"refused already at attempt {n + 1}"


@pytest.fixture
def one_proxy(settings):
    settings.PLUGINSTORE_TRUSTED_PROXY_HOPS = 1


# 1. Behind the load balancer each client has its own bucket


def test_ten_failures_from_one_client_block_neither_another_client_nor_the_admin(one_proxy):
    bystander = UserFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    _fail_ten_times(lambda n: through_proxy(ATTACKER))

    client = through_proxy(BYSTANDER)
    assert _sign_in(client, bystander.email).status_code == 302
    assert _signed_in(client)

    client = through_proxy(ADMIN_HOME)
    admin_login = client.get(reverse("admin:index"), follow=True).redirect_chain[-1][0]
    assert _sign_in(client, admin.email, url=admin_login).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_client_that_failed_ten_times_is_refused_even_with_the_right_password(one_proxy):
    user = UserFactory()
    _fail_ten_times(lambda n: through_proxy(ATTACKER))

    client = through_proxy(ATTACKER)
    response = _sign_in(client, user.email)

    assert REFUSED in response.content.decode()
    assert not _signed_in(client)


def test_forged_forwarded_entries_neither_escape_the_bucket_nor_land_in_another(one_proxy):
    bystander = UserFactory()
    # Each attempt forges another leftmost address, the bystander's among them.
    _fail_ten_times(lambda n: through_proxy(ATTACKER, forged=f"{BYSTANDER}, 192.0.2.{n}"))

    for forged in ("192.0.2.200", BYSTANDER, f"{BYSTANDER}, {BYSTANDER}", "unknown"):
        client = through_proxy(ATTACKER, forged=forged)
        assert REFUSED in _sign_in(client, bystander.email).content.decode(), forged
        assert not _signed_in(client)
    client = through_proxy(BYSTANDER)
    assert _sign_in(client, bystander.email).status_code == 302


@pytest.mark.parametrize(
    ("url_name", "form", "limit"),
    [
        (
            "account_signup",
            lambda n: {
                "email": f"new{n}@example.com",
                "password1": "a long pass 93!",
                "password2": "a long pass 93!",
            },  # noqa: E501
            20,
        ),
        ("account_reset_password", lambda n: {"email": f"lost{n}@example.com"}, 20),
    ],
)
def test_sign_up_and_password_reset_are_per_client_too(one_proxy, url_name, form, limit):
    url = reverse(url_name)
    for n in range(limit):
        assert through_proxy(ATTACKER).post(url, form(n)).status_code == 302, n
    assert through_proxy(ATTACKER).post(url, form(limit)).status_code == 429

    assert through_proxy(BYSTANDER).post(url, form(limit + 1)).status_code == 302


def test_without_trusted_proxies_the_header_is_not_believed(settings):
    settings.PLUGINSTORE_TRUSTED_PROXY_HOPS = 0
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=BYSTANDER)
    assert get_adapter().get_client_ip(request) == "192.0.2.1"


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "client"),
    [
        (0, "192.0.2.1", "198.51.100.1", "192.0.2.1"),
        (1, LOAD_BALANCER, "198.51.100.1", "198.51.100.1"),
        (1, LOAD_BALANCER, "1.1.1.1, 2.2.2.2, 198.51.100.1", "198.51.100.1"),
        (2, LOAD_BALANCER, "1.1.1.1, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (1, LOAD_BALANCER, " 198.51.100.1:51234 ", "198.51.100.1"),
        (1, LOAD_BALANCER, "[2001:DB8::1]:443", "2001:db8::1"),
        (1, LOAD_BALANCER, "2001:db8::1", "2001:db8::1"),
        # A header that cannot be what the proxies wrote: the connecting address.
        (1, LOAD_BALANCER, "", LOAD_BALANCER),
        (1, LOAD_BALANCER, "198.51.100.1, not-an-address", LOAD_BALANCER),
        (1, LOAD_BALANCER, "198.51.100.1,", LOAD_BALANCER),
        (2, LOAD_BALANCER, "198.51.100.1", LOAD_BALANCER),
        (1, LOAD_BALANCER, "[2001:db8::1", LOAD_BALANCER),
        (1, LOAD_BALANCER, "198.51.100.1\x00", LOAD_BALANCER),
    ],
)
def test_the_client_is_the_entry_the_trusted_proxies_wrote(hops, remote, forwarded, client):
    meta = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    assert derive_client_ip(meta, hops) == client


def test_allauth_asks_the_one_derivation_and_it_is_made_once(one_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert get_adapter().get_client_ip(request) == ATTACKER
    request.META["HTTP_X_FORWARDED_FOR"] = BYSTANDER  # read once: later changes are not seen
    assert client_ip(request) == ATTACKER == request.client_ip


def test_no_other_module_reads_the_client_address():
    """Everything that wants the client asks core.middleware.client_ip."""
    readers = []
    for app in ("config", "core", "accounts", "inbox", "pluginstore", "reviews", "demo"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            tree = ast.parse(path.read_text())
            prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if id(node) in prose:  # a docstring may explain the header
                        continue
                    text = node.value.lower()
                    if "remote_addr" in text or "forwarded_for" in text or "forwarded-for" in text:
                        readers.append(str(path.relative_to(settings.BASE_DIR)))
    assert sorted(set(readers)) == ["core/middleware.py"]


# 2. Sign-in works while Redis is down, and the limits still hold


def _sign_up(client: Client, email: str):
    password = "a long pass 93!"
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.redis
def test_with_redis_stopped_mid_test_sign_in_sign_up_and_reset_work(settings, own_redis):  # noqa: F811
    settings.CACHES = _redis_cache(own_redis.url)
    user, target = UserFactory(), UserFactory()
    client = Client()
    assert _sign_in(client, user.email).status_code == 302
    assert redis.Redis.from_url(own_redis.url).keys("pluginstore-test:*")  # counted in Redis
    client.logout()

    _redis_stop(own_redis)

    client = Client()
    response, seconds = _timed(lambda: _sign_in(client, user.email))
    assert response.status_code == 302, response.content.decode()[:500]
    assert _signed_in(client)
    assert seconds < 1.0  # no wait for a lock that can never be had

    response = _sign_up(Client(), "newcomer@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email="newcomer@example.com").exists()

    mail.outbox.clear()
    response = Client().post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert [message.to for message in mail.outbox] == [[user.email]]

    # The limit still holds, counted in this process's memory: the sixth sign-in is refused.
    for attempt in range(1, 6):
        response = _sign_in(Client(), target.email, "wrong password")
        assert response.status_code == 200 and REFUSED not in response.content.decode(), attempt
    client = Client()
    assert REFUSED in _sign_in(client, target.email).content.decode()
    assert not _signed_in(client)


@pytest.mark.redis
def test_with_redis_stopped_a_totp_sign_in_works_once_per_code(settings, own_redis):  # noqa: F811
    settings.CACHES = _redis_cache(own_redis.url)
    reviewer = make_reviewer()
    secret = activate_totp(reviewer)
    _redis_stop(own_redis)

    code = totp_code(secret)
    client = Client()
    response = _sign_in(client, reviewer.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert _signed_in(client)

    replay = Client()
    _sign_in(replay, reviewer.email)
    response = replay.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200  # the used code is refused: replay protection holds
    assert not _signed_in(replay)


def test_with_a_frozen_redis_sign_in_waits_one_timeout_at_most(settings):
    user = UserFactory()
    with _frozen_server() as port:
        settings.CACHES = _redis_cache(f"redis://127.0.0.1:{port}/0", timeout=0.3)
        client = Client()
        response, seconds = _timed(lambda: _sign_in(client, user.email))
    assert response.status_code == 302
    assert _signed_in(client)
    assert seconds < 1.5  # one 0.3 s timeout, then memory for BREAK_SECONDS
