"""The pages of a plugin's team and life (pluginstore.views_team): who may do what on each URL,
what each page shows, CSRF, escaping and the query budgets."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pluginstore.choices import InvitationState
from pluginstore.models import Plugin, PluginInvitation
from pluginstore.services import team
from tests.factories import DeveloperFactory, PlusUserFactory
from tests.pluginstore.helpers import make_plugin, register


def page(plugin) -> str:
    return reverse("developer:plugin", args=[plugin.pk])


def join(plugin, dev):
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=plugin.owner, email=dev.email)
    team.invitation_accept(invitation_id=invitation.pk, user=dev)


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def plugin(owner):
    return register(owner, name_for_human="Team Weather")


@pytest.fixture
def co_dev(plugin):
    dev = DeveloperFactory()
    join(plugin, dev)
    return dev


def plugin_urls(plugin, member_id=0, invitation_id=0) -> list[str]:
    """Every POST URL of the plugin's team and life."""
    return [
        reverse("developer:co_developer_invite", args=[plugin.pk]),
        reverse("developer:co_developer_remove", args=[plugin.pk, member_id]),
        reverse("developer:transfer", args=[plugin.pk]),
        reverse("developer:invitation_cancel", args=[plugin.pk, invitation_id]),
        reverse("developer:unlist", args=[plugin.pk]),
        reverse("developer:relist", args=[plugin.pk]),
        reverse("developer:delete", args=[plugin.pk]),
        reverse("developer:leave", args=[plugin.pk]),
    ]


# The plugin's page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_sees_the_developers_and_every_control(client, owner, plugin, co_dev):
    client.force_login(owner)
    content = client.get(page(plugin)).content.decode()
    assert co_dev.email in content
    assert "Invite co-developer" in content
    assert "Offer the plugin" in content
    assert "Delete this plugin" in content
    assert "Leave this plugin" not in content
    # Owner, one co-developer, no tester.
    assert "2 of 100 developers in all (the owner, 1 co-developer and 0 testers)" in content


@pytest.mark.django_db
def test_a_co_developer_sees_the_page_but_no_owners_controls(client, owner, plugin, co_dev):
    tester = DeveloperFactory()
    from pluginstore import services as plugin_services

    plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    client.force_login(co_dev)
    response = client.get(page(plugin))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Refresh manifest" in content
    assert "Leave this plugin" in content
    assert "You are a co-developer" in content
    for control in (
        "Invite co-developer",
        "Offer the plugin",
        "Delete this plugin",
        "Invite tester",
    ):
        assert control not in content, control
    assert reverse("developer:tester_remove", args=[plugin.pk, 1]).rsplit("/", 3)[0] not in content


@pytest.mark.django_db
def test_the_domain_card_speaks_of_the_owners_proof_to_a_co_developer(
    client, owner, plugin, co_dev
):
    """The proof is the owner's: a co-developer is not told they own the domain, and gets no
    link to the owner's token page (a 404 for them)."""
    domain_page = reverse("developer:domain", args=[plugin.pk])
    client.force_login(co_dev)
    content = client.get(page(plugin)).content.decode()
    assert "The plugin's owner has proved control of this domain." in content
    assert "You own this domain" not in content
    assert domain_page not in content
    client.force_login(owner)
    content = client.get(page(plugin)).content.decode()
    assert "You own this domain." in content
    assert domain_page in content


@pytest.mark.django_db
def test_a_co_developer_posting_to_the_owners_urls_changes_nothing(client, owner, plugin, co_dev):
    other = DeveloperFactory()
    join(plugin, other)
    member = plugin.members.get(developer=other)
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=owner, email="x@example.com")
    client.force_login(co_dev)
    posts = [
        (reverse("developer:co_developer_invite", args=[plugin.pk]), {"email": "y@example.com"}),
        (reverse("developer:co_developer_remove", args=[plugin.pk, member.pk]), {}),
        (reverse("developer:transfer", args=[plugin.pk]), {"email": co_dev.email}),
        (reverse("developer:invitation_cancel", args=[plugin.pk, invitation.pk]), {}),
        (reverse("developer:unlist", args=[plugin.pk]), {}),
        (reverse("developer:delete", args=[plugin.pk]), {"confirmation": plugin.domain}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert any(m.level_tag == "error" for m in response.context["messages"]), url
    assert plugin.members.count() == 2
    assert PluginInvitation.objects.filter(state=InvitationState.PENDING).count() == 1
    plugin.refresh_from_db()
    assert plugin.owner == owner and Plugin.objects.filter(pk=plugin.pk).exists()


@pytest.mark.django_db
def test_someone_elses_plugin_is_a_404_on_every_team_url(client, plugin):
    client.force_login(DeveloperFactory())
    assert client.get(page(plugin)).status_code == 404
    assert client.get(reverse("developer:delete", args=[plugin.pk])).status_code == 404
    for url in plugin_urls(plugin):
        assert client.post(url, {"email": "a@example.com"}).status_code == 404, url
    # Not a developer: the developer pages are refused; leaving is a 404 (not a member).
    client.force_login(PlusUserFactory())
    assert client.post(reverse("developer:unlist", args=[plugin.pk])).status_code == 403
    assert client.post(reverse("developer:leave", args=[plugin.pk])).status_code == 404


@pytest.mark.django_db
def test_the_team_urls_take_posts_only_and_check_csrf(owner, plugin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for url in plugin_urls(plugin):
        if url.endswith("/delete/"):
            continue  # its GET is the confirmation page
        assert client.get(url).status_code == 405, url
    assert client.post(reverse("developer:unlist", args=[plugin.pk])).status_code == 403
    response = client.post(
        reverse("developer:co_developer_invite", args=[plugin.pk]), {"email": "a@example.com"}
    )
    assert response.status_code == 403
    assert not PluginInvitation.objects.exists()


@pytest.mark.django_db
def test_inviting_gives_the_same_answer_for_any_email(client, owner, plugin):
    client.force_login(owner)
    url = reverse("developer:co_developer_invite", args=[plugin.pk])
    answers = []
    for email in (DeveloperFactory().email, "nobody@example.com"):
        response = client.post(url, {"email": email}, follow=True)
        (message,) = list(response.context["messages"])
        answers.append(str(message).replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    assert "If they have a developer account" in answers[0]
    response = client.post(url, {"email": "not an email"}, follow=True)
    assert "Enter the email address" in str(list(response.context["messages"])[0])
    assert PluginInvitation.objects.count() == 2


@pytest.mark.django_db
def test_the_owner_removes_and_a_co_developer_leaves_from_the_page(client, owner, plugin, co_dev):
    client.force_login(co_dev)
    response = client.post(reverse("developer:leave", args=[plugin.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("developer:plugins")
    assert client.get(page(plugin)).status_code == 404
    join(plugin, co_dev)
    client.force_login(owner)
    member = plugin.members.get(developer=co_dev)
    response = client.post(
        reverse("developer:co_developer_remove", args=[plugin.pk, member.pk]), follow=True
    )
    assert "Co-developer removed." in str(list(response.context["messages"])[0])
    assert not plugin.members.exists()
    response = client.post(
        reverse("developer:co_developer_remove", args=[plugin.pk, member.pk]), follow=True
    )
    assert "nothing changed" in str(list(response.context["messages"])[0])


@pytest.mark.django_db
def test_unlist_and_relist_from_the_page(client, owner):
    approved = make_plugin(owner, status="approved")
    client.force_login(owner)
    assert "Unlist from the store" in client.get(page(approved)).content.decode()
    client.post(reverse("developer:unlist", args=[approved.pk]))
    approved.refresh_from_db()
    assert not approved.listed
    content = client.get(page(approved)).content.decode()
    assert "List in the store again" in content and "No review needed" in content
    client.post(reverse("developer:relist", args=[approved.pk]))
    approved.refresh_from_db()
    assert approved.listed


@pytest.mark.django_db
def test_the_delete_page_asks_for_the_domain(client, owner, plugin):
    client.force_login(owner)
    url = reverse("developer:delete", args=[plugin.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert plugin.domain in response.content.decode()
    response = client.post(url, {"confirmation": "wrong"})
    assert response.status_code == 400
    assert f"Type {plugin.domain} to confirm" in response.content.decode()
    assert Plugin.objects.filter(pk=plugin.pk).exists()
    response = client.post(url, {"confirmation": plugin.domain})
    assert response.status_code == 302 and response["Location"] == reverse("developer:plugins")
    assert not Plugin.objects.filter(pk=plugin.pk).exists()


@pytest.mark.django_db
def test_an_approved_plugin_has_no_delete_page(client, owner):
    approved = make_plugin(owner, status="approved")
    client.force_login(owner)
    assert "Delete this plugin" not in client.get(page(approved)).content.decode()
    response = client.get(reverse("developer:delete", args=[approved.pk]), follow=True)
    assert "never approved or banned" in str(list(response.context["messages"])[0])
    assert Plugin.objects.filter(pk=approved.pk).exists()


# The invited developer's pages ------------------------------------------------------------


@pytest.mark.django_db
def test_the_invited_developer_accepts_on_the_invitation_page(client, owner, plugin):
    dev = DeveloperFactory()
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=owner, email=dev.email)
    url = reverse("developer:invitation", args=[invitation.pk])
    for stranger in (owner, DeveloperFactory(), PlusUserFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        accept = reverse("developer:invitation_accept", args=[invitation.pk])
        assert client.post(accept).status_code == 404
    client.force_login(dev)
    listing = client.get(reverse("developer:invitations")).content.decode()
    assert "Team Weather" in listing
    assert "Team Weather" in client.get(reverse("developer:plugins")).content.decode()
    content = client.get(url).content.decode()
    assert "Develop Team Weather?" in content and ">Accept</button>" in content
    response = client.post(reverse("developer:invitation_accept", args=[invitation.pk]))
    assert response["Location"] == page(plugin)
    assert client.get(page(plugin)).status_code == 200
    assert "was accepted" in client.get(url).content.decode()


@pytest.mark.django_db
def test_declining_on_the_page(client, owner, plugin):
    dev = DeveloperFactory()
    invitation = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=dev.email)
    client.force_login(dev)
    assert (
        "Take over Team Weather?"
        in client.get(reverse("developer:invitation", args=[invitation.pk])).content.decode()
    )
    response = client.post(reverse("developer:invitation_decline", args=[invitation.pk]))
    assert response["Location"] == reverse("developer:invitations")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    plugin.refresh_from_db()
    assert plugin.owner == owner


@pytest.mark.django_db
def test_an_invitation_page_explains_expiry_and_missing_developer_access(client, owner, plugin):
    plus = PlusUserFactory()
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=owner, email=plus.email)
    client.force_login(plus)
    content = client.get(reverse("developer:invitation", args=[invitation.pk])).content.decode()
    assert "You need developer access to accept" in content
    assert ">Accept</button>" not in content
    PluginInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    content = client.get(reverse("developer:invitation", args=[invitation.pk])).content.decode()
    assert "This invitation expired" in content and "Decline" not in content
    assert "No invitations" in client.get(reverse("developer:invitations")).content.decode()


@pytest.mark.django_db
def test_the_plugin_name_is_escaped_on_the_invitation_pages(client, owner):
    plugin = register(owner, name_for_human="<img src=x onerror=alert(1)>")
    dev = DeveloperFactory()
    invitation = team.co_developer_invite(plugin_id=plugin.pk, by=owner, email=dev.email)
    client.force_login(dev)
    for url in (
        reverse("developer:invitations"),
        reverse("developer:invitation", args=[invitation.pk]),
        reverse("developer:plugins"),
    ):
        content = client.get(url).content
        assert b"<img src=x" not in content
        assert b"&lt;img src=x onerror=alert(1)&gt;" in content


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, plugin):
    for url in (reverse("developer:invitations"), reverse("developer:invitation", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


# Query budgets ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 15])
def test_the_team_pages_query_counts_do_not_grow(
    client, owner, plugin, django_assert_max_num_queries, count
):
    members = DeveloperFactory.create_batch(count)
    for dev in members:
        join(plugin, dev)
        team.co_developer_invite(plugin_id=plugin.pk, by=owner, email=f"w{dev.pk}@example.com")
    invitee = DeveloperFactory()
    for _ in range(count):
        other = register(DeveloperFactory())
        invitation = team.co_developer_invite(
            plugin_id=other.pk, by=other.owner, email=invitee.email
        )
    # The plugin's page for a co-developer (the members once, read by every rule) and for the
    # owner (its co-developers, its invitations, whether it may be deleted): the same whatever
    # the number of co-developers and invitations.
    client.force_login(members[0])
    with django_assert_max_num_queries(12):
        assert client.get(page(plugin)).status_code == 200
    client.force_login(owner)
    with django_assert_max_num_queries(14):
        assert client.get(page(plugin)).status_code == 200
    client.force_login(invitee)
    # Session, user, the invitations (with their plugins), the unread count.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("developer:invitations")).status_code == 200
    with django_assert_max_num_queries(4):
        url = reverse("developer:invitation", args=[invitation.pk])
        assert client.get(url).status_code == 200
