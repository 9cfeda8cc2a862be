"""Installs follow the plugin's life (issue 13 item 3, PRODUCT.md section 2): a ban ends them
(listed as removed, with the reason, no longer counted); a reinstatement does not bring them
back; the new approval tells each former installer once that they may install it again, and
installing again starts afresh. Through the real services and the review workflow."""

import pytest
from django.urls import reverse

from pluginstore import services as plugin_services
from pluginstore.models import Installation
from reviews import moderation
from tests.factories import PlusUserFactory, UserFactory
from tests.reports.helpers import messages_of, told
from tests.reviews.helpers import approve, claim, new_version, submit

pytestmark = pytest.mark.django_db

REASON = "It sends your messages to a third party."


@pytest.fixture
def installers(plugin):
    users = [PlusUserFactory(), PlusUserFactory()]
    for user in users:
        plugin_services.installation_create(user=user, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 2
    return users


def _ban(plugin, reviewer, capture):
    with capture(execute=True):
        moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason=REASON)
    plugin.refresh_from_db()


def _reinstate_and_approve(plugin, reviewer, monkeypatch, capture):
    with capture(execute=True):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Fixed.")
    new_version(plugin, monkeypatch, capture, name_for_human="Book Finder")
    with capture(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
        approve(submission, reviewer)
    plugin.refresh_from_db()


def test_a_ban_ends_every_install_with_the_reason_and_tells_each_installer_once(
    plugin, installers, reviewer, django_capture_on_commit_callbacks
):
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    assert plugin.install_count == 0
    for installation in Installation.objects.filter(plugin=plugin):
        assert installation.removed_at is not None
        assert installation.removed_reason == REASON
    assert told("install_removed") == [user.pk for user in installers]
    message = messages_of(installers[0], "install_removed")[0]
    assert REASON in message.body and "Book Finder" in message.subject


def test_ban_reinstate_approve_keeps_installs_removed_tells_once_and_reinstalling_starts_afresh(
    client, plugin, installers, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    first, second = installers
    capture = django_capture_on_commit_callbacks
    _ban(plugin, reviewer, capture)
    with capture(execute=True):
        moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Fixed.")
    # Reinstated, unverified: the installs stay removed and nobody is told yet.
    assert Installation.objects.filter(plugin=plugin, removed_at__isnull=True).count() == 0
    assert told("plugin_back") == []

    # The second installer clears it from their list meanwhile: they hear nothing later.
    plugin_services.installation_delete(user=second, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 0

    new_version(plugin, monkeypatch, capture, name_for_human="Book Finder")
    with capture(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
        approve(submission, reviewer)
    plugin.refresh_from_db()
    assert plugin.status == "approved"
    assert told("plugin_back") == [first.pk]
    back = messages_of(first, "plugin_back")[0]
    assert "is back" in back.subject
    assert reverse("store:detail", args=[plugin.slug]) in back.body

    # The install is still removed, not silently working again.
    client.force_login(first)
    page = client.get(reverse("store:installed")).content.decode()
    assert "Removed" in page and "Working" not in page
    assert "install it again" in page
    detail = client.get(reverse("store:detail", args=[plugin.slug])).content.decode()
    assert "Install again" in detail
    assert plugin.install_count == 0

    # Installing again starts afresh and counts.
    with capture(execute=True):
        response = client.post(reverse("store:install", args=[plugin.slug]))
    assert response.status_code == 302
    installation = Installation.objects.get(user=first, plugin=plugin)
    assert (installation.removed_at, installation.removed_reason) == (None, "")
    plugin.refresh_from_db()
    assert plugin.install_count == 1
    page = client.get(reverse("store:installed")).content.decode()
    assert "Working" in page and "Removed" not in page

    # A later approval of a new version tells nobody again (no status change to approved).
    new_version(plugin, monkeypatch, capture, name_for_human="Book Finder 2")
    with capture(execute=True):
        submission = submit(plugin)
        claim(submission, reviewer)
        approve(submission, reviewer)
    assert told("plugin_back") == [first.pk]
    assert told("install_removed") == [first.pk, second.pk]


def test_uninstalling_a_removed_install_does_not_count_down_others(
    plugin, installers, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    _reinstate_and_approve(plugin, reviewer, monkeypatch, django_capture_on_commit_callbacks)
    newcomer = PlusUserFactory()
    plugin_services.installation_create(user=newcomer, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 1
    # The old installer removes their removed install: the newcomer's still counts.
    assert plugin_services.installation_delete(user=installers[0], plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 1


def test_deleting_an_account_with_a_removed_install_counts_nothing_down(
    plugin, installers, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    _reinstate_and_approve(plugin, reviewer, monkeypatch, django_capture_on_commit_callbacks)
    plugin_services.installation_create(user=PlusUserFactory(), plugin_id=plugin.pk)
    installers[0].delete()
    plugin.refresh_from_db()
    assert plugin.install_count == 1


def test_the_banned_plugins_page_tells_a_former_installer_the_real_state(
    client, plugin, installers, reviewer, django_capture_on_commit_callbacks
):
    _ban(plugin, reviewer, django_capture_on_commit_callbacks)
    client.force_login(installers[0])
    page = client.get(reverse("store:detail", args=[plugin.slug])).content.decode()
    assert "(approved)" not in page
    assert "(banned)" in page
    assert "Removed: this plugin was banned." in page
    assert REASON in page
    assert "Report this plugin" not in page
    # Someone who never installed it does not see it at all.
    client.force_login(UserFactory())
    assert client.get(reverse("store:detail", args=[plugin.slug])).status_code == 404
