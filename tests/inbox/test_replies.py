import pytest
from django.urls import reverse

from core.exceptions import ApplicationError
from inbox.kinds import NotificationKind
from inbox.models import Message
from inbox.selectors import unread_message_count
from inbox.services import REPLY_MAX_LENGTH, thread_reply_create
from reviews.selectors import developer_replies
from tests.factories import DeveloperFactory
from tests.inbox.test_views import deliver, thread_url
from tests.pluginstore.helpers import register

pytestmark = pytest.mark.django_db


def plugin_thread(owner):
    plugin = register(owner)
    return deliver(owner, NotificationKind.BANNED, plugin=plugin).thread


def test_the_owner_replies_in_a_plugin_thread_and_reviewers_can_read_it(client):
    owner = DeveloperFactory(display_name="Ada")
    thread = plugin_thread(owner)
    client.force_login(owner)
    client.get(thread_url(thread))

    response = client.post(
        reverse("help:reply", args=[thread.pk]),
        {"body": "  We removed the spam. Please look again.  "},
    )

    reply = Message.objects.get(author=owner)
    assert response.status_code == 302
    assert response.url == thread_url(thread) + f"#message-{reply.pk}"
    assert reply.body == "We removed the spam. Please look again."
    assert reply.subject == "Reply from Ada"
    # What the reviewers' submission page shows of the thread: the owner's words.
    assert developer_replies(thread.plugin_id) == [reply]
    # Your own reply is not news to you.
    assert unread_message_count(user=owner) == 0
    page = client.get(thread_url(thread)).content.decode()
    assert "We removed the spam." in page
    assert "message-person" in page


def test_nobody_can_reply_in_someone_elses_thread(client):
    thread = plugin_thread(DeveloperFactory())
    intruder = DeveloperFactory()
    client.force_login(intruder)
    response = client.post(reverse("help:reply", args=[thread.pk]), {"body": "Hello"})
    assert response.status_code == 404
    assert not Message.objects.filter(author=intruder).exists()
    with pytest.raises(ApplicationError, match="does not exist"):
        thread_reply_create(thread_id=thread.pk, author=intruder, body="Hello")


def test_an_empty_reply_is_refused_with_a_message(client):
    owner = DeveloperFactory()
    thread = plugin_thread(owner)
    client.force_login(owner)
    response = client.post(reverse("help:reply", args=[thread.pk]), {"body": "   "}, follow=True)
    assert "Write your reply first." in response.content.decode()
    assert not Message.objects.filter(author=owner).exists()


def test_account_notices_cannot_be_answered(client):
    owner = DeveloperFactory()
    thread = deliver(owner, NotificationKind.ACCOUNT_TYPE_CHANGED).thread
    with pytest.raises(ApplicationError, match="Account notices"):
        thread_reply_create(thread_id=thread.pk, author=owner, body="Why?")
    client.force_login(owner)
    assert "Send reply" not in client.get(thread_url(thread)).content.decode()


def test_a_too_long_reply_is_refused():
    owner = DeveloperFactory()
    thread = plugin_thread(owner)
    with pytest.raises(ApplicationError, match="at most"):
        thread_reply_create(thread_id=thread.pk, author=owner, body="x" * (REPLY_MAX_LENGTH + 1))
