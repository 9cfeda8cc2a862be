import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import versions
from inbox.kinds import NotificationKind
from inbox.models import Message, Thread
from inbox.receivers import INBOX_SCOPE
from inbox.selectors import unread_message_count
from inbox.services import notification_deliver
from tests.factories import DeveloperFactory, UserFactory
from tests.inbox.test_delivery import intent
from tests.pluginstore.helpers import register

MESSAGES = reverse("help:messages")


def deliver(user, kind=NotificationKind.APPROVED, n=None, plugin=None) -> Message:
    n = Message.objects.count() if n is None else n
    return notification_deliver(notification_id=intent(user, kind, n, plugin).pk)


def thread_url(thread) -> str:
    return reverse("help:thread", args=[thread.pk])


def inbox_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "inbox_" in q["sql"]]


@pytest.mark.django_db
def test_the_list_shows_threads_newest_activity_first_with_unread_marked(client):
    developer = DeveloperFactory()
    plugin = register(developer)
    deliver(developer, NotificationKind.SUBMISSION_RECEIVED, plugin=plugin)
    account = deliver(developer, NotificationKind.DEVELOPER_ACCESS_GRANTED).thread
    Thread.objects.filter(pk=account.pk).update(last_read_at=timezone.now())
    client.force_login(developer)

    page = client.get(MESSAGES).content.decode()

    plugin_at = page.index(plugin.display_name)
    account_at = page.index("Account notices")
    assert account_at < plugin_at  # the newest activity first
    assert page.count("Unread: ") == 1
    assert page.index("Unread: ") < plugin_at
    assert f"We received {plugin.display_name} version" in page
    assert "Thanks for submitting" in page  # the last message's preview
    assert "Mark all read" in page
    assert "inbox.css" in page


@pytest.mark.django_db
def test_an_empty_inbox_says_what_will_appear_here(client):
    client.force_login(UserFactory())
    page = client.get(MESSAGES).content.decode()
    assert "No messages yet" in page
    assert "Mark all read" not in page


@pytest.mark.django_db
def test_a_thread_shows_its_messages_in_order_and_marks_them_read(client):
    developer = DeveloperFactory()
    plugin = register(developer)
    received = deliver(developer, NotificationKind.SUBMISSION_RECEIVED, plugin=plugin)
    rejected = deliver(developer, NotificationKind.REJECTED, plugin=plugin)
    client.force_login(developer)
    assert unread_message_count(user=developer) == 2

    response = client.get(thread_url(received.thread))

    page = response.content.decode()
    assert page.index(received.subject) < page.index(rejected.subject)
    assert "C9: Has a privacy policy (404 at /privacy)" in page
    assert page.count("pill-new") == 2
    assert unread_message_count(user=developer) == 0
    assert not Thread.objects.get(pk=received.thread_id).is_unread
    # Read now: the second visit marks nothing new.
    assert client.get(thread_url(received.thread)).content.decode().count("pill-new") == 0


@pytest.mark.django_db
def test_reading_one_thread_leaves_the_others_unread(client):
    developer = DeveloperFactory()
    plugin_message = deliver(developer, plugin=register(developer))
    deliver(developer, NotificationKind.ACCOUNT_TYPE_CHANGED)
    client.force_login(developer)
    client.get(thread_url(plugin_message.thread))
    assert unread_message_count(user=developer) == 1


@pytest.mark.django_db
def test_someone_elses_thread_is_not_found(client):
    owner, other = DeveloperFactory(), DeveloperFactory()
    thread = deliver(owner).thread
    client.force_login(other)
    assert client.get(thread_url(thread)).status_code == 404
    assert Thread.objects.get(pk=thread.pk).last_read_at is None


@pytest.mark.django_db
def test_a_thread_that_does_not_exist_is_not_found(client):
    client.force_login(UserFactory())
    assert client.get(reverse("help:thread", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    thread = deliver(DeveloperFactory()).thread
    for url in (MESSAGES, thread_url(thread)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    response = client.post(reverse("help:mark_all_read"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_mark_all_read_reads_only_my_threads(client):
    developer, other = DeveloperFactory(), DeveloperFactory()
    deliver(developer, plugin=register(developer))
    deliver(developer, NotificationKind.ACCOUNT_TYPE_CHANGED)
    deliver(other)
    client.force_login(developer)

    response = client.post(reverse("help:mark_all_read"), follow=True)

    assert response.redirect_chain[-1][0] == MESSAGES
    assert "All messages are marked as read." in response.content.decode()
    assert unread_message_count(user=developer) == 0
    assert unread_message_count(user=other) == 1


@pytest.mark.django_db
def test_mark_all_read_needs_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("help:mark_all_read")).status_code == 405


@pytest.mark.django_db
def test_a_message_arriving_after_reading_is_unread_again():
    developer = DeveloperFactory()
    first = deliver(developer)
    Thread.objects.filter(pk=first.thread_id).update(last_read_at=first.created_at)
    assert unread_message_count(user=developer) == 0
    deliver(developer)
    assert unread_message_count(user=developer) == 1


@pytest.mark.django_db
def test_the_header_badge_shows_the_unread_count_on_every_page(client):
    developer = DeveloperFactory()
    for _ in range(3):
        deliver(developer)
    client.force_login(developer)
    page = client.get(reverse("store:list")).content.decode()
    assert 'aria-label="3 unread messages"' in page


@pytest.mark.django_db
def test_the_header_badge_costs_one_query_and_none_for_anonymous_visitors(client):
    developer = DeveloperFactory()
    deliver(developer)
    store = reverse("store:list")

    with CaptureQueriesContext(connection) as anonymous:
        assert client.get(store).status_code == 200
    assert inbox_queries(anonymous) == []

    client.force_login(developer)
    client.get(store)  # every other copy (installs, listing) made
    copy_key = versions.version_key(INBOX_SCOPE, developer.pk) + ":unread"
    cache.delete(copy_key)
    with CaptureQueriesContext(connection) as one_unread:
        client.get(store)
    assert len(inbox_queries(one_unread)) == 1
    # Kept as a copy until the inbox changes: the next page asks nothing.
    with CaptureQueriesContext(connection) as again:
        client.get(store)
    assert inbox_queries(again) == []
    assert len(again) == len(one_unread) - 1
    for _ in range(5):
        deliver(developer)
    with CaptureQueriesContext(connection) as six_unread:
        page = client.get(store).content.decode()
    assert 'aria-label="6 unread messages"' in page
    assert len(six_unread) == len(one_unread)


def _fill(thread, count: int) -> None:
    """Many more messages in one thread (bulk: the service path is covered elsewhere)."""
    start = timezone.now() - datetime.timedelta(days=1)
    Message.objects.bulk_create(
        Message(
            thread=thread,
            kind=NotificationKind.REVIEW_STARTED,
            subject=f"Message {n}",
            body="Body " * 30,
            created_at=start + datetime.timedelta(seconds=n),
        )
        for n in range(count)
    )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_inbox_pages_cost_the_same_queries_for_10_and_1000_messages(client):
    small, large = DeveloperFactory(), DeveloperFactory()
    busiest = {}
    for user, count in ((small, 10), (large, 1000)):
        plugins = [register(user) for _ in range(3)]
        for plugin in plugins:
            deliver(user, NotificationKind.SUBMISSION_RECEIVED, plugin=plugin)
        deliver(user, NotificationKind.ACCOUNT_TYPE_CHANGED)
        busiest[user.pk] = Thread.objects.get(plugin=plugins[0])
        _fill(busiest[user.pk], count)

    costs = {}
    for user in (small, large):
        client.force_login(user)
        url = thread_url(busiest[user.pk])
        costs[user.pk] = (
            _count_queries(client, MESSAGES),
            _count_queries(client, url),
            _count_queries(client, url + "?page=1"),
        )
    assert costs[small.pk] == costs[large.pk]
    # session, user, threads (+ page count), badge; thread: the thread, count, page, read mark
    assert costs[large.pk][0] <= 6
    assert costs[large.pk][1] <= 8


@pytest.mark.django_db
def test_a_long_thread_opens_on_its_newest_messages(client):
    developer = DeveloperFactory()
    thread = deliver(developer).thread
    _fill(thread, 120)
    latest = deliver(developer)
    client.force_login(developer)

    page = client.get(thread_url(thread)).content.decode()

    assert latest.subject in page
    assert "Message 0<" not in page
    assert "Earlier messages" in page
    assert "Message 0<" in client.get(thread_url(thread) + "?page=1").content.decode()
