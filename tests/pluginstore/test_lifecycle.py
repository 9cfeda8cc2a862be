"""Unlist, relist and delete (PRODUCT.md section 13): pluginstore.services.lifecycle, through
the real services and the store's pages, with the audit and the notifications once each."""

import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from inbox.models import Notification
from pluginstore import permissions
from pluginstore import services as plugin_services
from pluginstore.choices import TeamAction
from pluginstore.models import Installation, Plugin, PluginEvent, PluginVersion
from pluginstore.services import lifecycle, team
from reviews import services as review_services
from reviews.models import Submission
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import approve, ban, make_plugin, register


def told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def names(client, **params) -> list[str]:
    response = client.get(reverse("store:list"), params)
    assert response.status_code == 200
    return [p.display_name for p in response.context["page"].object_list]


def with_co_developer(plugin):
    dev = DeveloperFactory()
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=plugin.owner, email=dev.email)
    team.invitation_accept(invitation_id=invitation.pk, user=dev)
    return dev


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def approved(owner):
    return make_plugin(owner, status="approved", name_for_human="Rain Radar")


# Unlist and relist ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unlisted_plugin_leaves_the_store_and_search_and_comes_back_without_review(
    client, owner, approved
):
    make_plugin(owner, status="approved", name_for_human="Sun Radar")
    assert names(client) == ["Sun Radar", "Rain Radar"]  # cached for anonymous visitors now
    lifecycle.plugin_unlist(plugin_id=approved.pk, by=owner)
    # The cached listing was told: the next request no longer shows it.
    assert names(client) == ["Sun Radar"]
    assert names(client, q="radar") == ["Sun Radar"]
    assert names(client, q="rain") == []
    assert client.get(reverse("store:detail", args=[approved.slug])).status_code == 404

    lifecycle.plugin_relist(plugin_id=approved.pk, by=owner)
    assert names(client) == ["Sun Radar", "Rain Radar"]
    assert names(client, q="rain") == ["Rain Radar"]
    # No review: no submission was filed, the same version is live.
    assert not Submission.objects.exists()
    approved_version = approved.live_version_id
    approved.refresh_from_db()
    assert approved.live_version_id == approved_version and approved.listed


@pytest.mark.django_db
def test_existing_installs_keep_working_and_nobody_new_installs(client, owner, approved):
    user, newcomer = PlusUserFactory(), PlusUserFactory()
    plugin_services.installation_create(user=user, plugin_id=approved.pk)
    lifecycle.plugin_unlist(plugin_id=approved.pk, by=owner)
    approved.refresh_from_db()

    assert permissions.install_verdict(user, approved, has_installed=True).allowed
    verdict = permissions.install_verdict(newcomer, approved)
    assert (verdict.allowed, verdict.reason) == (False, "unlisted")
    with pytest.raises(ApplicationError, match="took this plugin out of the store"):
        plugin_services.installation_create(user=newcomer, plugin_id=approved.pk)
    # Installing again is harmless for someone who has it.
    plugin_services.installation_create(user=user, plugin_id=approved.pk)
    assert not Installation.objects.filter(user=newcomer).exists()

    client.force_login(user)
    response = client.get(reverse("store:installed"))
    ((installation, verdict),) = response.context["rows"]
    assert installation.plugin_id == approved.pk and verdict.allowed
    assert client.get(reverse("store:detail", args=[approved.slug])).status_code == 200
    client.force_login(newcomer)
    assert client.get(reverse("store:detail", args=[approved.slug])).status_code == 404


@pytest.mark.django_db
def test_unlisting_and_relisting_are_audited_and_told_to_co_developers_once(owner, approved):
    dev = with_co_developer(approved)
    lifecycle.plugin_unlist(plugin_id=approved.pk, by=owner)
    with pytest.raises(ApplicationError, match="approved, listed one"):
        lifecycle.plugin_unlist(plugin_id=approved.pk, by=owner)
    lifecycle.plugin_relist(plugin_id=approved.pk, by=owner)
    with pytest.raises(ApplicationError, match="approved, unlisted one"):
        lifecycle.plugin_relist(plugin_id=approved.pk, by=owner)
    assert told(dev, "plugin_unlisted") == 1
    assert told(dev, "plugin_relisted") == 1
    # The owner did it: nothing to tell them.
    assert told(owner, "plugin_unlisted") == told(owner, "plugin_relisted") == 0
    unlisted, relisted = PluginEvent.objects.filter(
        action__in=[TeamAction.UNLISTED, TeamAction.RELISTED]
    ).order_by("pk")
    version = approved.live_version.number
    assert (unlisted.actor, unlisted.from_value, unlisted.to_value) == (
        owner,
        f"listed (version {version})",
        "unlisted",
    )
    assert (relisted.from_value, relisted.to_value) == ("unlisted", f"listed (version {version})")


@pytest.mark.django_db
def test_only_the_owner_unlists_and_only_an_approved_plugin(owner, approved):
    dev = with_co_developer(approved)
    with pytest.raises(ApplicationError, match="Only the owner"):
        lifecycle.plugin_unlist(plugin_id=approved.pk, by=dev)
    with pytest.raises(ApplicationError, match="Only the owner"):
        lifecycle.plugin_unlist(plugin_id=approved.pk, by=DeveloperFactory())
    unverified = register(owner)
    with pytest.raises(ApplicationError, match="approved, listed one"):
        lifecycle.plugin_unlist(plugin_id=unverified.pk, by=owner)
    approved.refresh_from_db()
    assert approved.listed
    assert not PluginEvent.objects.filter(action=TeamAction.UNLISTED).exists()


@pytest.mark.django_db
def test_a_new_approval_of_an_unlisted_plugin_keeps_it_unlisted(client, owner, approved):
    lifecycle.plugin_unlist(plugin_id=approved.pk, by=owner)
    approve(approved)  # a newer version goes live, as a reviewer's approval does
    approved.refresh_from_db()
    assert not approved.listed
    assert names(client) == []


# Delete -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_deletes_a_never_approved_plugin_typing_its_domain(owner):
    plugin = register(owner, domain="draft.example.com")
    dev = with_co_developer(plugin)
    with pytest.raises(ApplicationError, match="Type draft.example.com"):
        lifecycle.plugin_delete(plugin_id=plugin.pk, by=owner, confirmation="draft")
    assert Plugin.objects.filter(pk=plugin.pk).exists()
    name = lifecycle.plugin_delete(plugin_id=plugin.pk, by=owner, confirmation="Draft.Example.com")
    assert name == plugin.display_name
    assert not Plugin.objects.filter(pk=plugin.pk).exists()
    assert not PluginVersion.objects.filter(plugin_id=plugin.pk).exists()
    # The audit row stays, naming the plugin; the co-developer is told once, in Account notices.
    event = PluginEvent.objects.get(action=TeamAction.DELETED)
    assert (event.plugin, event.plugin_label, event.actor) == (None, name, owner)
    notice = Notification.objects.get(recipient=dev, kind="plugin_deleted")
    assert notice.thread_plugin_id is None
    assert told(owner, "plugin_deleted") == 0


@pytest.mark.django_db
def test_an_approved_banned_or_reinstated_plugin_is_not_deleted(owner, approved):
    banned = make_plugin(owner, status="banned")
    reinstated = make_plugin(owner, status="banned")
    from reviews.moderation import plugin_reinstate

    plugin_reinstate(plugin_id=reinstated.pk, by=make_reviewer(), reason="Appeal accepted.")
    never_approved_but_banned = ban(register(owner))
    for plugin in (approved, banned, reinstated, never_approved_but_banned):
        with pytest.raises(ApplicationError, match="never approved or banned"):
            lifecycle.plugin_delete(plugin_id=plugin.pk, by=owner, confirmation=plugin.domain)
        assert Plugin.objects.filter(pk=plugin.pk).exists()


@pytest.mark.django_db
def test_only_the_owner_deletes(owner):
    plugin = register(owner)
    dev = with_co_developer(plugin)
    for who in (dev, DeveloperFactory()):
        with pytest.raises(ApplicationError, match="Only the owner"):
            lifecycle.plugin_delete(plugin_id=plugin.pk, by=who, confirmation=plugin.domain)
    assert Plugin.objects.filter(pk=plugin.pk).exists()


@pytest.mark.django_db
def test_an_open_submission_must_be_withdrawn_first_and_closed_ones_go_with_it(owner):
    plugin = register(owner)
    dev = with_co_developer(plugin)
    submission = review_services.submission_create(plugin_id=plugin.pk, by=owner)
    with pytest.raises(ApplicationError, match="Withdraw it first"):
        lifecycle.plugin_delete(plugin_id=plugin.pk, by=owner, confirmation=plugin.domain)
    # Refused: nothing changed, nobody was told, no audit row.
    assert Plugin.objects.filter(pk=plugin.pk).exists()
    assert told(dev, "plugin_deleted") == 0
    assert not PluginEvent.objects.filter(action=TeamAction.DELETED).exists()

    review_services.submission_withdraw(submission_id=submission.pk, by=owner)
    lifecycle.plugin_delete(plugin_id=plugin.pk, by=owner, confirmation=plugin.domain)
    assert not Plugin.objects.filter(pk=plugin.pk).exists()
    assert not Submission.objects.exists()
    assert told(dev, "plugin_deleted") == 1
