"""Co-developers and transfers (PRODUCT.md section 13): pluginstore.services.team, through the
real services, with each change's audit row and its notifications, exactly once each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError
from inbox.models import Notification, Thread
from inbox.services import notification_deliver, thread_reply_create
from pluginstore import permissions
from pluginstore import services as plugin_services
from pluginstore.choices import InvitationKind, InvitationState, TeamAction
from pluginstore.models import PluginEvent, PluginInvitation, PluginMember
from pluginstore.services import team
from reviews import permissions as review_permissions
from reviews import services as review_services
from reviews.models import Submission, SubmissionState
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin, register


def told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def invite(plugin, who, by=None):
    return team.co_developer_invite(plugin_id=plugin.pk, by=by or plugin.owner, email=who.email)


def join(plugin, who):
    """Invite and accept: `who` becomes a co-developer."""
    return team.invitation_accept(invitation_id=invite(plugin, who).pk, user=who)


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def plugin(owner):
    return register(owner)


# Inviting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inviting_a_developer_writes_an_invitation_the_audit_and_tells_them_once(owner, plugin):
    dev = DeveloperFactory()
    invitation = invite(plugin, dev)
    assert invitation.state == InvitationState.PENDING
    assert invitation.kind == InvitationKind.CO_DEVELOPER
    assert invitation.email == dev.email
    expected = timezone.now() + timedelta(days=team.INVITATION_DAYS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60
    (notice,) = told(dev, "co_developer_invited")
    # Not a member yet: Account notices, not the plugin's thread.
    assert notice.thread_plugin_id is None
    assert notice.context["invitation_id"] == invitation.pk
    event = PluginEvent.objects.get(plugin=plugin)
    assert (event.action, event.actor, event.subject) == (TeamAction.INVITED, owner, dev.email)
    assert not PluginMember.objects.exists()


@pytest.mark.django_db
def test_an_unknown_email_gets_the_same_answer_and_nobody_is_told(plugin):
    """The form can't be used to learn who has a developer account."""
    plus = PlusUserFactory()
    unknown = team.co_developer_invite(
        plugin_id=plugin.pk, by=plugin.owner, email="Nobody@Example.com"
    )
    not_a_developer = team.co_developer_invite(
        plugin_id=plugin.pk, by=plugin.owner, email=plus.email
    )
    assert unknown.state == not_a_developer.state == InvitationState.PENDING
    assert unknown.email == "nobody@example.com"
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_bad_invitations_are_refused_and_change_nothing(owner, plugin):
    dev = DeveloperFactory()
    invite(plugin, dev)
    for email, message in (
        ("not an email", "valid email"),
        (owner.email, "owner's own"),
        (dev.email, "already has an invitation"),
    ):
        with pytest.raises(ApplicationError, match=message):
            team.co_developer_invite(plugin_id=plugin.pk, by=owner, email=email)
    with pytest.raises(ApplicationError, match="Only the owner"):
        team.co_developer_invite(plugin_id=plugin.pk, by=DeveloperFactory(), email="a@b.example")
    assert PluginInvitation.objects.count() == 1
    assert PluginEvent.objects.count() == 1


@pytest.mark.django_db
def test_pending_invitations_are_bounded(plugin, monkeypatch):
    monkeypatch.setattr(team, "MAX_PENDING_INVITATIONS", 2)
    for n in range(2):
        team.co_developer_invite(plugin_id=plugin.pk, by=plugin.owner, email=f"d{n}@example.com")
    with pytest.raises(ApplicationError, match="At most 2 invitations"):
        team.co_developer_invite(plugin_id=plugin.pk, by=plugin.owner, email="d9@example.com")


# Answering --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_accepting_makes_a_co_developer_and_tells_the_owner_and_the_others_once(owner, plugin):
    first, second = DeveloperFactory(), DeveloperFactory()
    join(plugin, first)
    invitation = invite(plugin, second)
    team.invitation_accept(invitation_id=invitation.pk, user=second)

    assert set(plugin.members.values_list("developer_id", flat=True)) == {first.pk, second.pk}
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED and invitation.answered_at
    # The owner heard of both, the first co-developer of the second, the second of nobody.
    assert len(told(owner, "co_developer_joined")) == 2
    assert len(told(first, "co_developer_joined")) == 1
    assert told(second, "co_developer_joined") == []
    assert {n.thread_plugin_id for n in told(owner, "co_developer_joined")} == {plugin.pk}
    assert PluginEvent.objects.filter(action=TeamAction.INVITATION_ACCEPTED).count() == 2
    with pytest.raises(ApplicationError, match="already accepted"):
        team.invitation_accept(invitation_id=invitation.pk, user=second)
    assert len(told(owner, "co_developer_joined")) == 2


@pytest.mark.django_db
def test_only_the_invited_account_answers_and_it_needs_developer_access(plugin):
    invitation = team.co_developer_invite(
        plugin_id=plugin.pk, by=plugin.owner, email="later@example.com"
    )
    with pytest.raises(ApplicationError, match="does not exist"):
        team.invitation_accept(invitation_id=invitation.pk, user=DeveloperFactory())
    with pytest.raises(ApplicationError, match="does not exist"):
        team.invitation_decline(invitation_id=invitation.pk, user=DeveloperFactory())
    with pytest.raises(ApplicationError, match="developer access"):
        team.invitation_accept(
            invitation_id=invitation.pk, user=PlusUserFactory(email="later@example.com")
        )
    assert not plugin.members.exists()
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


@pytest.mark.django_db
def test_declining_tells_the_owner_once_and_closes_the_invitation(owner, plugin):
    dev = DeveloperFactory()
    invitation = invite(plugin, dev)
    team.invitation_decline(invitation_id=invitation.pk, user=dev)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.DECLINED
    (notice,) = told(owner, "team_invitation_declined")
    assert notice.context["transfer"] is False
    with pytest.raises(ApplicationError, match="already declined"):
        team.invitation_accept(invitation_id=invitation.pk, user=dev)
    with pytest.raises(ApplicationError, match="already declined"):
        team.invitation_decline(invitation_id=invitation.pk, user=dev)
    assert len(told(owner, "team_invitation_declined")) == 1
    assert not plugin.members.exists()


@pytest.mark.django_db
def test_an_invitation_expires_after_14_days(owner, plugin):
    dev = DeveloperFactory()
    invitation = invite(plugin, dev)
    PluginInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ApplicationError, match="expired"):
        team.invitation_accept(invitation_id=invitation.pk, user=dev)
    assert not plugin.members.exists()
    # A new invitation is possible; the stale one is marked expired, audited.
    again = invite(plugin, dev)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.EXPIRED
    assert PluginEvent.objects.filter(action=TeamAction.INVITATION_EXPIRED).count() == 1
    team.invitation_accept(invitation_id=again.pk, user=dev)
    assert permissions.is_co_developer(dev, plugin)


@pytest.mark.django_db
def test_cancelling_tells_the_invited_developer_once(owner, plugin):
    dev = DeveloperFactory()
    invitation = invite(plugin, dev)
    with pytest.raises(ApplicationError, match="Only the owner"):
        team.invitation_cancel(plugin_id=plugin.pk, invitation_id=invitation.pk, by=dev)
    team.invitation_cancel(plugin_id=plugin.pk, invitation_id=invitation.pk, by=owner)
    with pytest.raises(ApplicationError, match="already cancelled"):
        team.invitation_cancel(plugin_id=plugin.pk, invitation_id=invitation.pk, by=owner)
    assert len(told(dev, "team_invitation_cancelled")) == 1
    with pytest.raises(ApplicationError, match="already cancelled"):
        team.invitation_accept(invitation_id=invitation.pk, user=dev)


@pytest.mark.django_db
def test_another_plugins_invitation_cant_be_cancelled_through_this_one(owner, plugin):
    other = register(owner)
    invitation = invite(other, DeveloperFactory())
    with pytest.raises(ApplicationError, match="does not exist"):
        team.invitation_cancel(plugin_id=plugin.pk, invitation_id=invitation.pk, by=owner)


# Removing and leaving ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_removes_a_co_developer_who_is_told_once(owner, plugin):
    dev, other = DeveloperFactory(), DeveloperFactory()
    join(plugin, dev)
    join(plugin, other)
    member = plugin.members.get(developer=dev)
    with pytest.raises(ApplicationError, match="Only the owner"):
        team.co_developer_remove(plugin_id=plugin.pk, by=other, member_id=member.pk)
    assert team.co_developer_remove(plugin_id=plugin.pk, by=owner, member_id=member.pk)
    assert not team.co_developer_remove(plugin_id=plugin.pk, by=owner, member_id=member.pk)
    assert not permissions.is_member(dev, plugin)
    (notice,) = told(dev, "co_developer_removed")
    assert notice.thread_plugin_id is None
    event = PluginEvent.objects.get(action=TeamAction.MEMBER_REMOVED)
    assert (event.actor, event.subject) == (owner, dev.email)


@pytest.mark.django_db
def test_a_co_developer_leaves_and_the_owner_is_told_once(owner, plugin):
    dev = DeveloperFactory()
    join(plugin, dev)
    team.co_developer_leave(plugin_id=plugin.pk, user=dev)
    assert not plugin.members.exists()
    assert len(told(owner, "co_developer_left")) == 1
    with pytest.raises(ApplicationError, match="not a co-developer"):
        team.co_developer_leave(plugin_id=plugin.pk, user=dev)
    with pytest.raises(ApplicationError, match="not a co-developer"):
        team.co_developer_leave(plugin_id=plugin.pk, user=owner)


# What a co-developer may and may not do ---------------------------------------------------


@pytest.mark.django_db
def test_a_co_developer_works_on_the_plugin_but_does_not_manage_it(owner, plugin):
    dev = DeveloperFactory()
    join(plugin, dev)
    plugin.refresh_from_db()
    for rule in (
        permissions.can_manage,
        permissions.can_refresh,
        permissions.can_submit,
        permissions.can_reply,
        permissions.can_leave,
    ):
        assert rule(dev, plugin), rule.__name__
    for rule in (
        permissions.can_manage_people,
        permissions.can_invite_testers,
        permissions.can_invite_co_developers,
        permissions.can_transfer,
    ):
        assert not rule(dev, plugin), rule.__name__
    assert not permissions.can_delete(dev, plugin, has_status_history=False)
    with pytest.raises(ApplicationError):
        plugin_services.tester_invite(plugin_id=plugin.pk, by=dev, email=DeveloperFactory().email)
    with pytest.raises(ApplicationError):
        team.transfer_offer(plugin_id=plugin.pk, by=dev, email=dev.email)
    # The owner's rules are not a co-developer's: they can't leave, a stranger has none.
    stranger = DeveloperFactory()
    assert not permissions.can_leave(owner, plugin)
    assert not permissions.can_manage(stranger, plugin)


@pytest.mark.django_db
def test_a_co_developer_submits_withdraws_and_hears_of_the_review_in_their_thread(
    owner, plugin, django_capture_on_commit_callbacks
):
    dev = DeveloperFactory()
    join(plugin, dev)
    submission = review_services.submission_create(plugin_id=plugin.pk, by=dev)
    # What the owner hears in the plugin's thread, the co-developer hears in theirs, once.
    for person in (owner, dev):
        (notice,) = told(person, "submission_received")
        assert notice.thread_plugin_id == plugin.pk
    with django_capture_on_commit_callbacks(execute=False):
        notification_deliver(notification_id=told(dev, "submission_received")[0].pk)
    assert Thread.objects.filter(owner=dev, plugin=plugin).count() == 1
    review_services.submission_withdraw(submission_id=submission.pk, by=dev)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.WITHDRAWN


@pytest.mark.django_db
def test_a_co_developers_reply_answers_a_request_for_changes(
    owner, plugin, django_capture_on_commit_callbacks
):
    dev, reviewer = DeveloperFactory(), make_reviewer()
    join(plugin, dev)
    submission = review_services.submission_create(plugin_id=plugin.pk, by=owner)
    review_services.submission_claim(submission_id=submission.pk, reviewer=reviewer)
    review_services.submission_request_changes(
        submission_id=submission.pk, reviewer=reviewer, note="Which cities?"
    )
    notice = told(dev, "changes_requested")[0]
    with django_capture_on_commit_callbacks(execute=False):
        message = notification_deliver(notification_id=notice.pk)
    thread_reply_create(thread_id=message.thread_id, author=dev, body="All of Europe.")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED


@pytest.mark.django_db
def test_a_removed_co_developer_can_no_longer_submit(owner, plugin):
    dev = DeveloperFactory()
    join(plugin, dev)
    team.co_developer_remove(
        plugin_id=plugin.pk, by=owner, member_id=plugin.members.get(developer=dev).pk
    )
    with pytest.raises(ApplicationError, match="developers can submit"):
        review_services.submission_create(plugin_id=plugin.pk, by=dev)
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_a_reviewer_who_co_develops_a_plugin_does_not_review_it(plugin):
    reviewer = make_reviewer(account_type="developer")
    join(plugin, reviewer)
    submission = review_services.submission_create(plugin_id=plugin.pk, by=plugin.owner)
    assert not review_permissions.can_review(reviewer, submission)
    assert review_permissions.can_review(make_reviewer(), submission)


@pytest.mark.django_db
def test_a_co_developer_installs_the_unverified_plugin_and_sees_its_store_page(plugin):
    dev = DeveloperFactory()
    join(plugin, dev)
    plugin.refresh_from_db()
    assert permissions.can_view(dev, plugin)
    plugin_services.installation_create(user=dev, plugin_id=plugin.pk)
    assert plugin.installations.filter(user=dev).exists()


# The developer limit counts co-developers -------------------------------------------------


@pytest.mark.django_db
def test_owner_co_developers_and_testers_share_the_developer_limit(owner, plugin, settings):
    settings.UNVERIFIED_DEVELOPER_LIMIT = 3
    dev, tester, extra = DeveloperFactory(), DeveloperFactory(), DeveloperFactory()
    join(plugin, dev)
    plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    with pytest.raises(ApplicationError, match="at most 3 developers in all: you, 1 co-developer"):
        plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=extra.email)
    with pytest.raises(ApplicationError, match="at most 3 developers"):
        invite(plugin, extra)
    assert plugin.testers.count() == 1 and plugin.members.count() == 1


@pytest.mark.django_db
def test_accepting_is_refused_when_the_limit_filled_meanwhile(owner, plugin, settings):
    settings.UNVERIFIED_DEVELOPER_LIMIT = 2
    dev, tester = DeveloperFactory(), DeveloperFactory()
    invitation = invite(plugin, dev)
    plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    with pytest.raises(ApplicationError, match="at most 2 developers"):
        team.invitation_accept(invitation_id=invitation.pk, user=dev)
    assert not plugin.members.exists()


@pytest.mark.django_db
def test_a_tester_who_joins_is_no_longer_a_tester_and_a_co_developer_cant_be_one(owner, plugin):
    dev = DeveloperFactory()
    plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=dev.email)
    join(plugin, dev)
    assert not plugin.testers.exists()
    with pytest.raises(ApplicationError, match="is a co-developer"):
        plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=dev.email)


# Transfer ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transfer_offer_tells_the_developer_once(owner, plugin):
    new = DeveloperFactory()
    offer = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    assert offer.kind == InvitationKind.TRANSFER
    (notice,) = told(new, "transfer_offered")
    assert notice.context["invitation_id"] == offer.pk
    event = PluginEvent.objects.get(action=TeamAction.TRANSFER_OFFERED)
    assert (event.from_value, event.to_value) == (owner.email, new.email)
    plugin.refresh_from_db()
    assert plugin.owner == owner
    with pytest.raises(ApplicationError, match="already offered"):
        team.transfer_offer(plugin_id=plugin.pk, by=owner, email=DeveloperFactory().email)


@pytest.mark.django_db
def test_accepting_a_transfer_makes_them_the_owner_and_the_old_owner_a_co_developer(owner, plugin):
    new, dev, reviewer = DeveloperFactory(), DeveloperFactory(), make_reviewer()
    join(plugin, dev)
    join(plugin, new)  # a co-developer may be offered the plugin too
    submission = review_services.submission_create(plugin_id=plugin.pk, by=owner)
    offer = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    team.invitation_accept(invitation_id=offer.pk, user=new)
    plugin.refresh_from_db()
    assert plugin.owner == new
    assert set(plugin.members.values_list("developer_id", flat=True)) == {owner.pk, dev.pk}
    assert permissions.can_manage_people(new, plugin)
    assert not permissions.can_manage_people(owner, plugin)
    assert permissions.can_manage(owner, plugin)
    # The old owner and the co-developer hear of it once each, in their thread of the plugin.
    for person in (owner, dev):
        (notice,) = told(person, "ownership_transferred")
        assert notice.thread_plugin_id == plugin.pk
    assert told(new, "ownership_transferred") == []
    event = PluginEvent.objects.get(action=TeamAction.TRANSFERRED)
    assert (event.actor, event.from_value, event.to_value) == (new, owner.email, new.email)
    # The open submission stays; what goes to the owner's thread now reaches the new owner,
    # and the old one as a co-developer, once each.
    review_services.submission_claim(submission_id=submission.pk, reviewer=reviewer)
    for person in (new, owner, dev):
        assert len(told(person, "review_started")) == 1


@pytest.mark.django_db
def test_declining_or_cancelling_a_transfer_leaves_the_owner(owner, plugin):
    new = DeveloperFactory()
    offer = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    team.invitation_decline(invitation_id=offer.pk, user=new)
    (notice,) = told(owner, "team_invitation_declined")
    assert notice.context["transfer"] is True
    second = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    team.invitation_cancel(plugin_id=plugin.pk, invitation_id=second.pk, by=owner)
    assert len(told(new, "team_invitation_cancelled")) == 1
    with pytest.raises(ApplicationError, match="already cancelled"):
        team.invitation_accept(invitation_id=second.pk, user=new)
    plugin.refresh_from_db()
    assert plugin.owner == owner
    assert not PluginEvent.objects.filter(action=TeamAction.TRANSFERRED).exists()


@pytest.mark.django_db
def test_a_transfer_is_refused_when_the_new_owner_has_that_domain_already(owner):
    new = DeveloperFactory()
    register(new, domain="shared.example.com", verified_domain=False)
    plugin = register(owner, domain="shared.example.com", verified_domain=False)
    offer = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    with pytest.raises(ApplicationError, match="already have a plugin for shared.example.com"):
        team.invitation_accept(invitation_id=offer.pk, user=new)
    plugin.refresh_from_db()
    assert plugin.owner == owner


@pytest.mark.django_db
def test_a_banned_plugin_is_neither_transferred_nor_joined(owner):
    plugin = make_plugin(owner, status="banned")
    with pytest.raises(ApplicationError, match="not a banned one"):
        team.transfer_offer(plugin_id=plugin.pk, by=owner, email=DeveloperFactory().email)
    with pytest.raises(ApplicationError, match="not to a banned plugin"):
        invite(plugin, DeveloperFactory())


@pytest.mark.django_db
def test_the_domain_goes_with_the_plugin_so_the_new_owner_can_submit(owner, plugin):
    """Verified domain ownership is a developer's (PRODUCT.md section 9): the transfer moves
    the previous owner's proof of the plugin's domain to the new owner."""
    from domains.selectors import domain_standing

    new = DeveloperFactory()
    assert domain_standing(developer_id=owner.pk, domain=plugin.domain).may_submit
    offer = team.transfer_offer(plugin_id=plugin.pk, by=owner, email=new.email)
    team.invitation_accept(invitation_id=offer.pk, user=new)
    assert domain_standing(developer_id=new.pk, domain=plugin.domain).may_submit
    assert not domain_standing(developer_id=owner.pk, domain=plugin.domain).may_submit
    submission = review_services.submission_create(plugin_id=plugin.pk, by=new)
    assert submission.plugin_id == plugin.pk
