"""The watch's pages: the developer's Daily check box, the reviewers' Drifted and Unavailable
lists (with their query budgets) and the drifted plugin's diff."""

import json

import pytest
from django.urls import reverse

from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import manifest_for
from tests.watch.conftest import MANIFEST_PATH, T0
from watch import selectors
from watch.runner import watch_run
from watch.services import watches_create

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(clock):
    watches_create(now=T0)
    return watch_run(now=clock, threaded=False)


def drift(server, plugin, **manifest):
    server.hosts[plugin.domain].documents[MANIFEST_PATH] = json.dumps(
        manifest_for(plugin.domain, **manifest)
    ).encode()


def test_the_developer_page_shows_the_last_check_and_what_it_found(
    approved, plugin_server, clock, client
):
    plugin = approved("mine")
    page = reverse("developer:plugin", args=[plugin.pk])
    client.force_login(plugin.owner)
    html = client.get(page).content.decode()
    assert "Daily check" in html and "The first check is scheduled within a day" in html

    run(clock)
    html = client.get(page).content.decode()
    assert "Last checked" in html and clock.now.strftime("%-d %b %Y") in html
    assert "Your server serves the approved version." in html

    drift(plugin_server, plugin, name_for_human="Sneaky <b>change</b>")
    clock.next_day()
    run(clock)
    html = client.get(page).content.decode()
    assert "Drifted" in html and "Your server serves version 2, not the approved one" in html

    plugin_server.hosts[plugin.domain].mode = "down"
    clock.next_day()
    run(clock)
    html = client.get(page).content.decode()
    assert "Unreachable" in html and "HTTP 503" in html


def test_the_daily_check_box_costs_one_query_and_none_before_approval(
    approved, django_assert_num_queries
):
    from tests.pluginstore.helpers import register

    plugin = approved("budget")
    with django_assert_num_queries(1):
        assert selectors.plugin_watch_summary(plugin).watched
    draft = register(DeveloperFactory())
    with django_assert_num_queries(0):
        assert not selectors.plugin_watch_summary(draft).watched


def test_another_developer_never_sees_the_daily_check(approved, clock, client):
    plugin = approved("private")
    run(clock)
    client.force_login(DeveloperFactory())
    assert client.get(reverse("developer:plugin", args=[plugin.pk])).status_code == 404


def _drifted(approved, plugin_server, clock, count: int):
    plugins = [approved(f"d{count}-{n}") for n in range(count)]
    for plugin in plugins:
        drift(plugin_server, plugin, description_for_human="Changed after approval.")
    run(clock)
    return plugins


@pytest.mark.parametrize("count", [2, 12])
def test_the_drifted_list_query_count_does_not_grow(
    approved, plugin_server, clock, client, django_assert_max_num_queries, count
):
    plugins = _drifted(approved, plugin_server, clock, count)
    client.force_login(make_reviewer())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:watch_driftedplugin_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(p.display_name in html for p in plugins)
    assert f"{count} drifted plugins" in html


@pytest.mark.parametrize("count", [2, 12])
def test_the_unavailable_list_query_count_does_not_grow(
    approved, plugin_server, clock, client, django_assert_max_num_queries, count
):
    plugins = [approved(f"u{count}-{n}") for n in range(count)]
    run(clock)
    for plugin in plugins:
        plugin_server.hosts[plugin.domain].mode = "down"
    for _ in range(8):
        clock.next_day()
        run(clock)
    client.force_login(make_reviewer())
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:watch_unavailableplugin_changelist"))
    assert response.status_code == 200
    assert f"{count} unavailable plugins" in response.content.decode()


def test_a_drifted_plugin_page_shows_the_difference_from_the_approved_version(
    approved, plugin_server, clock, client
):
    [plugin] = _drifted(approved, plugin_server, clock, 1)
    watch = selectors.drifted_watches().get(plugin=plugin)
    client.force_login(make_reviewer())
    response = client.get(reverse("admin:watch_driftedplugin_change", args=[watch.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "manifest v1 (approved)" in html and "manifest v2 (served now)" in html
    assert "Changed after approval." in html  # the added line
    assert "Weather forecasts for European cities." in html  # the removed line
    assert 'class="wb-diff-add"' in html and 'class="wb-diff-del"' in html


def test_the_reviewers_lists_are_for_reviewers_only(approved, plugin_server, clock, client):
    _drifted(approved, plugin_server, clock, 1)
    client.force_login(UserFactory(is_staff=True))  # staff, not a reviewer
    for name in ("driftedplugin", "unavailableplugin", "pluginwatch"):
        response = client.get(reverse(f"admin:watch_{name}_changelist"))
        assert response.status_code == 403, name


def test_the_lists_change_nothing(approved, plugin_server, clock, client):
    [plugin] = _drifted(approved, plugin_server, clock, 1)
    watch = selectors.drifted_watches().get(plugin=plugin)
    client.force_login(make_reviewer())
    url = reverse("admin:watch_driftedplugin_change", args=[watch.pk])
    response = client.post(url, {"last_outcome": "unchanged"})
    assert response.status_code == 403
    assert selectors.drifted_watches().filter(pk=watch.pk).exists()


def test_approving_the_drifted_version_takes_it_off_the_list_at_once(
    approved, plugin_server, clock
):
    from tests.pluginstore.helpers import approve

    [plugin] = _drifted(approved, plugin_server, clock, 1)
    assert selectors.drifted_watches().filter(plugin=plugin).exists()
    approve(plugin)  # a reviewer approved the version the server serves
    assert not selectors.drifted_watches().filter(plugin=plugin).exists()
