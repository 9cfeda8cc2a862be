"""The daily check of approved plugins (PRODUCT.md section 10): unchanged with 304, drift of the
manifest and of the spec, unreachable 3 and 7 days, recovery, each notice exactly once."""

import json

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from inbox.models import Notification
from pluginstore import services as plugin_services
from pluginstore.models import PluginVersion
from pluginstore.store_cache import store_generation
from tests.factories import PlusUserFactory
from tests.pluginstore.helpers import manifest_for, spec_for
from tests.watch.conftest import MANIFEST_PATH, SPEC_PATH, T0, watch_of
from watch.choices import WatchOutcome
from watch.runner import watch_run
from watch.services import watches_create

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(clock, **kwargs):
    watches_create(now=T0)  # first slots within the day after T0, all come by clock()
    return watch_run(now=clock, threaded=False, **kwargs)


def notices(plugin, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=plugin.owner, kind=kind))


def requests_for(server, plugin):
    return [r for r in server.requests if r.host == plugin.domain]


def test_an_unchanged_plugin_is_fetched_conditionally_and_answers_304(
    approved, plugin_server, clock
):
    plugin = approved("steady")
    assert run(clock).checked == 1
    watch = watch_of(plugin)
    assert watch.last_outcome == WatchOutcome.UNCHANGED
    assert watch.seen_version_id == plugin.live_version_id
    assert watch.manifest_etag and watch.spec_etag and watch.manifest_last_modified
    first = requests_for(plugin_server, plugin)
    assert [(r.path, r.status, r.if_none_match) for r in first] == [
        (MANIFEST_PATH, 200, None),
        (SPEC_PATH, 200, None),
    ]

    plugin_server.reset_counts()
    clock.next_day()
    assert run(clock).checked == 1
    second = requests_for(plugin_server, plugin)
    assert [(r.path, r.status) for r in second] == [(MANIFEST_PATH, 304), (SPEC_PATH, 304)]
    assert second[0].if_none_match == watch.manifest_etag
    assert second[0].if_modified_since == watch.manifest_last_modified
    assert second[1].if_none_match == watch.spec_etag
    watch = watch_of(plugin)
    assert watch.last_outcome == WatchOutcome.UNCHANGED
    assert watch.last_checked_at == clock.now
    assert plugin.versions.count() == 1
    assert notices(plugin, "watch_drifted") == []


@pytest.mark.parametrize("document", ["manifest", "spec"])
def test_drift_is_stored_as_a_new_version_the_store_does_not_serve(
    approved, plugin_server, clock, document
):
    plugin = approved(f"drift-{document}")
    run(clock)
    host = plugin_server.hosts[plugin.domain]
    if document == "manifest":
        changed = manifest_for(plugin.domain, description_for_human="Now with hail alerts.")
        host.documents[MANIFEST_PATH] = json.dumps(changed).encode()
    else:
        changed = spec_for(title="Test Weather v2")
        host.documents[SPEC_PATH] = json.dumps(changed).encode()

    clock.next_day()
    run(clock)
    plugin.refresh_from_db()
    watch = watch_of(plugin)
    drifted = watch.drifted_version
    assert watch.last_outcome == WatchOutcome.DRIFTED
    assert drifted is not None and drifted.number == 2 and drifted.fetched_by is None
    assert plugin.latest_version_id == drifted.pk
    assert plugin.live_version.number == 1  # the store keeps serving the approved one
    assert plugin.description == "Weather forecasts for European cities."
    stored = drifted.manifest if document == "manifest" else drifted.spec
    assert stored == changed
    [told] = notices(plugin, "watch_drifted")
    assert told.context["version_number"] == 2
    assert told.context["live_version_number"] == 1
    assert told.thread_plugin_id == plugin.pk

    # The next day the server answers 304 for what it served: still drifted, told once.
    plugin_server.reset_counts()
    clock.next_day()
    run(clock)
    assert {r.status for r in requests_for(plugin_server, plugin)} == {304}
    watch = watch_of(plugin)
    assert (watch.last_outcome, watch.drifted_version_id) == (WatchOutcome.DRIFTED, drifted.pk)
    assert PluginVersion.objects.filter(plugin=plugin).count() == 2
    assert len(notices(plugin, "watch_drifted")) == 1


def test_reverting_to_the_approved_documents_ends_the_drift(approved, plugin_server, clock):
    plugin = approved("reverted")
    host = plugin_server.hosts[plugin.domain]
    approved_manifest = host.documents[MANIFEST_PATH]
    host.documents[MANIFEST_PATH] = json.dumps(
        manifest_for(plugin.domain, name_for_human="Changed")
    ).encode()
    run(clock)
    assert watch_of(plugin).last_outcome == WatchOutcome.DRIFTED
    host.documents[MANIFEST_PATH] = approved_manifest
    clock.next_day()
    run(clock)
    watch = watch_of(plugin)
    assert (watch.last_outcome, watch.drifted_version) == (WatchOutcome.UNCHANGED, None)
    assert plugin.versions.count() == 2  # nothing stored for the approved content


def test_unreachable_3_days_tells_the_owner_and_7_days_makes_it_unavailable(
    approved, plugin_server, clock
):
    plugin = approved("flaky")
    buyer = PlusUserFactory()
    run(clock)
    plugin_server.hosts[plugin.domain].mode = "down"
    generation = store_generation()
    for day in range(7):  # failing checks on days 0..6
        clock.next_day()
        run(clock)
        told = notices(plugin, "watch_unreachable")
        assert len(told) == (1 if day >= 3 else 0), day
        plugin.refresh_from_db()
        assert plugin.unavailable_since is None
    watch = watch_of(plugin)
    assert watch.last_outcome == WatchOutcome.UNREACHABLE
    assert "503" in watch.last_error
    assert store_generation() == generation

    clock.next_day()  # the 7th day running
    run(clock)
    plugin.refresh_from_db()
    assert plugin.unavailable_since == clock.now
    assert store_generation() != generation
    [unavailable] = notices(plugin, "watch_unavailable")
    assert unavailable.context["days"] == 7
    with pytest.raises(ApplicationError, match="unavailable"):
        plugin_services.installation_create(user=buyer, plugin_id=plugin.pk)
    assert not plugin.installations.exists()

    clock.next_day()  # still down: nothing new to tell
    run(clock)
    assert len(notices(plugin, "watch_unavailable")) == 1
    assert len(notices(plugin, "watch_unreachable")) == 1

    plugin_server.hosts[plugin.domain].mode = "ok"
    before = store_generation()
    clock.next_day()
    run(clock)
    plugin.refresh_from_db()
    watch = watch_of(plugin)
    assert plugin.unavailable_since is None
    assert store_generation() != before
    assert (watch.last_outcome, watch.unreachable_since, watch.told_3_days) == (
        WatchOutcome.UNCHANGED,
        None,
        False,
    )
    [back] = notices(plugin, "watch_back")
    assert back.context["was_unavailable"] is True
    assert plugin_services.installation_create(user=buyer, plugin_id=plugin.pk)

    clock.next_day()
    run(clock)
    assert len(notices(plugin, "watch_back")) == 1


def test_a_short_outage_tells_nobody(approved, plugin_server, clock):
    plugin = approved("blip")
    run(clock)
    plugin_server.hosts[plugin.domain].mode = "down"
    for _ in range(2):
        clock.next_day()
        run(clock)
    plugin_server.hosts[plugin.domain].mode = "ok"
    clock.next_day()
    run(clock)
    assert not Notification.objects.filter(recipient=plugin.owner, kind__startswith="watch_")
    assert watch_of(plugin).unreachable_since is None


def test_a_second_outage_is_told_again(approved, plugin_server, clock):
    plugin = approved("twice")
    run(clock)
    for _outage in range(2):
        plugin_server.hosts[plugin.domain].mode = "down"
        for _ in range(4):
            clock.next_day()
            run(clock)
        plugin_server.hosts[plugin.domain].mode = "ok"
        clock.next_day()
        run(clock)
    assert len(notices(plugin, "watch_unreachable")) == 2
    assert len(notices(plugin, "watch_back")) == 2


def test_the_store_page_says_an_unavailable_plugin_cant_be_installed(
    approved, plugin_server, clock, client
):
    plugin = approved("gone")
    run(clock)
    plugin_server.hosts[plugin.domain].mode = "down"
    for _ in range(8):
        clock.next_day()
        run(clock)
    page = client.get(reverse("store:detail", args=[plugin.slug]))
    assert page.status_code == 200
    assert "Unavailable: this plugin’s server has not answered" in page.content.decode()
    client.force_login(PlusUserFactory())
    # No Install button for a new install, but the reason, from the one install rule.
    signed_in = client.get(reverse("store:detail", args=[plugin.slug])).content.decode()
    assert reverse("store:install", args=[plugin.slug]) not in signed_in
    assert "This plugin is unavailable" in signed_in
    response = client.post(reverse("store:install", args=[plugin.slug]), follow=True)
    assert response.status_code == 200
    assert "This plugin is unavailable" in response.content.decode()
    assert not plugin.installations.exists()


def test_a_banned_plugin_is_no_longer_checked(approved, plugin_server, clock):
    from tests.pluginstore.helpers import ban

    plugin = approved("banned")
    assert run(clock).checked == 1
    ban(plugin)
    plugin_server.reset_counts()
    clock.next_day()
    assert run(clock).checked == 0
    assert requests_for(plugin_server, plugin) == []


def test_each_notice_is_delivered_to_the_plugins_thread_with_its_message(
    approved, plugin_server, clock, django_capture_on_commit_callbacks
):
    from inbox.models import Message

    plugin = approved("told")
    run(clock)
    host = plugin_server.hosts[plugin.domain]
    host.documents[SPEC_PATH] = json.dumps(spec_for(title="Changed")).encode()
    clock.next_day()
    with django_capture_on_commit_callbacks(execute=True):
        run(clock)
    host.mode = "down"
    for _ in range(8):
        clock.next_day()
        with django_capture_on_commit_callbacks(execute=True):
            run(clock)
    host.mode = "ok"
    clock.next_day()
    with django_capture_on_commit_callbacks(execute=True):
        run(clock)
    messages = {m.kind: m for m in Message.objects.filter(thread__plugin=plugin)}
    kinds = {"watch_drifted", "watch_unreachable", "watch_unavailable", "watch_back"}
    assert set(messages) >= kinds
    drifted = messages["watch_drifted"]
    assert drifted.subject == "Test Weather no longer matches its approved version"
    assert "Submit version 2 for review" in drifted.body
    assert "for 3 days" in messages["watch_unreachable"].subject
    assert "unavailable" in messages["watch_unavailable"].subject
    assert "available again" in messages["watch_back"].body


def test_a_spec_that_can_no_longer_be_fetched_is_unreachable(approved, plugin_server, clock):
    plugin = approved("nospec")
    del plugin_server.hosts[plugin.domain].documents[SPEC_PATH]
    run(clock)
    watch = watch_of(plugin)
    assert watch.last_outcome == WatchOutcome.UNREACHABLE
    assert watch.last_error.startswith("The OpenAPI spec:") and "404" in watch.last_error
    assert plugin.versions.count() == 1


def test_a_check_that_breaks_on_our_side_is_recorded_and_waits_for_the_next_slot(
    approved, plugin_server, clock, monkeypatch
):
    plugin = approved("bug")
    run(clock)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr("watch.fetching.observe", broken)
    clock.next_day()
    stats = run(clock)
    assert (stats.checked, stats.failed) == (1, 1)
    watch = watch_of(plugin)
    assert watch.last_outcome == WatchOutcome.ERROR
    assert watch.unreachable_since is None  # not counted against the plugin
    assert watch.due_at > clock.now
    assert run(clock).checked == 0
