import socket

import pytest

from tests.domains.dns_server import dns_server
from tests.security.hostile_server import hostile_server


@pytest.fixture
def dns(settings):
    """A real local DNS server the resolver asks (PLUGINSTORE_DNS_NAMESERVERS), 1 s timeout."""
    with dns_server() as server:
        settings.PLUGINSTORE_DNS_NAMESERVERS = ["127.0.0.1"]
        settings.PLUGINSTORE_DNS_PORT = server.port
        settings.PLUGINSTORE_DNS_TIMEOUT_SECONDS = 1.0
        yield server


@pytest.fixture
def no_web_server(monkeypatch):
    """A public domain's file is not served: the fetcher's DNS lookup finds no address (the
    fetcher's own test seam), so a test that does not serve files never waits on the network."""

    def unresolvable(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr("core.fetch.transport._resolve", unresolvable)


@pytest.fixture
def web(settings):
    """A raw HTTP server on 127.0.0.1, reached as localhost:<port> through the local development
    setting, with the localhost exemption off so its domain must really be proved."""
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    settings.PLUGINSTORE_LOCAL_DOMAINS_VERIFIED = False
    with hostile_server() as server:
        server.domain = f"localhost:{server.port}"
        yield server


class Clock:
    """django.utils.timezone.now, moved forward by the test (every service and auto_now
    field reads it)."""

    def __init__(self) -> None:
        from django.utils import timezone

        self._real = timezone.now
        self.offset = None

    def now(self):
        import datetime

        return self._real() + (self.offset or datetime.timedelta())

    def travel(self, **delta) -> None:
        import datetime

        self.offset = (self.offset or datetime.timedelta()) + datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock.now)
    return clock
