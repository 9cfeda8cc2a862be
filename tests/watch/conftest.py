"""The watch's tests: approved plugins at <name>.example.com, served by one local HTTPS server
(bench/watch_server.py) that the real safe fetcher reaches through its test seams, and a clock
the tests move a day at a time."""

import datetime
import json

import pytest

from bench.watch_server import Host, PluginServer, make_tls, route_fetcher
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import approve, manifest_for, register, spec_for
from watch.models import PluginWatch

MANIFEST_PATH = "/.well-known/ai-plugin.json"
SPEC_PATH = "/openapi.json"
# Half a minute past midnight: no plugin's slot (a whole minute) falls on a clock reading.
T0 = datetime.datetime(2026, 12, 1, 0, 0, 30, tzinfo=datetime.UTC)


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    return make_tls(tmp_path_factory.mktemp("watch-tls"))


@pytest.fixture
def plugin_server(tls, monkeypatch):
    server = PluginServer(tls)
    route_fetcher(server, monkeypatch.setattr)
    yield server
    server.close()


def documents(domain: str, **manifest) -> dict[str, bytes]:
    """What register() stored, byte for byte: the server serves the approved version."""
    return {
        MANIFEST_PATH: json.dumps(manifest_for(domain, **manifest)).encode(),
        SPEC_PATH: json.dumps(spec_for()).encode(),
    }


class Clock:
    """The run's clock: day(n) is n days after every plugin's first slot has come."""

    def __init__(self) -> None:
        self.now = T0 + datetime.timedelta(days=1)

    def __call__(self) -> datetime.datetime:
        return self.now

    def next_day(self) -> datetime.datetime:
        self.now += datetime.timedelta(days=1)
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def approved(plugin_server):
    """make(name) -> an approved plugin at name.example.com, served by the server."""

    def make(name: str, owner=None):
        domain = f"{name}.example.com"
        plugin = approve(register(owner or DeveloperFactory(), domain=domain))
        plugin_server.hosts[domain] = Host(documents=documents(domain))
        return plugin

    return make


def watch_of(plugin) -> PluginWatch:
    return PluginWatch.objects.select_related("drifted_version", "seen_version").get(plugin=plugin)
