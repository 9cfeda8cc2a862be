"""The account notices and tester invitations other apps' services now write (PRODUCT.md 8)."""

import pytest
from django.core import mail

from accounts.models import AccountType
from accounts.services import (
    developer_access_decline,
    developer_access_grant,
    developer_access_request_create,
    user_set_account_type,
)
from inbox.kinds import NotificationKind
from inbox.models import Message, Notification, ThreadKind
from pluginstore import services as plugin_services
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register

pytestmark = pytest.mark.django_db


def only_message(user) -> Message:
    (message,) = Message.objects.filter(thread__owner=user)
    assert message.thread.kind == ThreadKind.ACCOUNT
    return message


def test_granting_developer_access_tells_the_user_once(django_capture_on_commit_callbacks):
    user = PlusUserFactory()
    access_request = developer_access_request_create(user=user, reason="A tide-table plugin.")
    with django_capture_on_commit_callbacks(execute=True):
        developer_access_grant(
            request_id=access_request.pk, decided_by=make_reviewer(), note="Welcome aboard."
        )

    notification = Notification.objects.get(recipient=user)
    assert notification.kind == NotificationKind.DEVELOPER_ACCESS_GRANTED
    message = only_message(user)
    assert message.subject == "You now have developer access"
    assert "Welcome aboard." in message.body
    assert [email.to for email in mail.outbox] == [[user.email]]


def test_declining_developer_access_tells_the_user_why(django_capture_on_commit_callbacks):
    user = PlusUserFactory()
    access_request = developer_access_request_create(user=user, reason="Something.")
    with django_capture_on_commit_callbacks(execute=True):
        developer_access_decline(
            request_id=access_request.pk, decided_by=make_reviewer(), note="Tell us more."
        )
    message = only_message(user)
    assert message.kind == NotificationKind.DEVELOPER_ACCESS_DECLINED
    assert "Tell us more." in message.body


def test_staff_changing_an_account_type_tells_the_user(django_capture_on_commit_callbacks):
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user_set_account_type(
            user_id=user.pk, account_type=AccountType.PLUS, changed_by=admin, reason="Partner"
        )
        # Setting the same type again changes nothing and says nothing.
        user_set_account_type(user_id=user.pk, account_type=AccountType.PLUS, changed_by=admin)
    message = only_message(user)
    assert message.subject == "Your account is now Plus"
    assert "from Normal to Plus" in message.body
    assert "Partner" in message.body


def test_each_account_type_change_is_its_own_notice(django_capture_on_commit_callbacks):
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for account_type in (AccountType.PLUS, AccountType.NORMAL, AccountType.PLUS):
            user_set_account_type(user_id=user.pk, account_type=account_type, changed_by=admin)
    assert Message.objects.filter(thread__owner=user).count() == 3


def test_an_invited_tester_hears_of_it_in_account_notices(django_capture_on_commit_callbacks):
    owner = DeveloperFactory(display_name="Ada")
    tester = DeveloperFactory()
    plugin = register(owner)
    with django_capture_on_commit_callbacks(execute=True):
        plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    message = only_message(tester)
    assert message.subject == f"You are invited to test {plugin.display_name}"
    assert "Ada invited you" in message.body
    assert f"/store/{plugin.slug}/" in message.body
    assert not Message.objects.filter(thread__owner=owner).exists()
