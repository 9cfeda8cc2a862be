"""The bot page's query budget: at each step, the same number of SQL queries whether the
developer has 10 or 1,000 inbox messages and a few or many plugins (STYLE.md example 6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inbox.models import Message, Thread, ThreadKind
from reviews.bot.services import BOT_CRITERION_IDS
from reviews.models import BotStep, SubmissionConversation
from tests.budget import forget_copies
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import fake_fetch, manifest_for, register, spec_for

pytestmark = pytest.mark.django_db

URL = reverse("help:submit")
# A generous ceiling; the point of these tests is that it does not grow with the data.
BUDGET = 10


def add_messages(owner, count: int) -> None:
    thread, _ = Thread.objects.get_or_create(owner=owner, kind=ThreadKind.ACCOUNT)
    now = timezone.now()
    Message.objects.bulk_create(
        Message(thread=thread, kind="reply", subject=f"Notice {i}", body="Hello.", created_at=now)
        for i in range(count)
    )


def add_plugins(owner, count: int) -> None:
    for _ in range(count):
        register(owner)


def queries_for_the_page(client) -> int:
    forget_copies()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured)


def reach(step, client, owner, plugin, capture):
    """Answer the bot's questions until it asks the question of `step`."""

    def post(**data):
        with capture(execute=True):
            client.post(URL, data)

    if step == "check-running":
        client.post(URL, {"step": "pick", "plugin": plugin.pk, "action": "continue"})
        return
    if step == BotStep.PICK:
        return
    post(step="pick", plugin=plugin.pk, action="continue")
    if step == BotStep.CHECK:
        return
    post(step="check", action="continue")
    if step == BotStep.CRITERIA:
        post(step="criteria", criterion=BOT_CRITERION_IDS[0], action="confirm")
        return
    for criterion in BOT_CRITERION_IDS:
        post(step="criteria", criterion=criterion, action="confirm")
    if step == BotStep.NOTE:
        return
    post(step="note", note="Hello reviewer.", action="continue")
    if step == BotStep.SUMMARY:
        return
    post(step="summary", action="file")


STEPS = [
    BotStep.PICK,
    "check-running",
    BotStep.CHECK,
    BotStep.CRITERIA,
    BotStep.NOTE,
    BotStep.SUMMARY,
    BotStep.DONE,
]


@pytest.mark.parametrize("step", STEPS)
def test_the_bot_page_query_count_does_not_grow_with_messages_or_plugins(
    step, client, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    owner = DeveloperFactory()
    plugin = register(owner)
    fake_fetch(monkeypatch, lambda: (manifest_for(plugin.domain), spec_for()))
    add_plugins(owner, 2)
    add_messages(owner, 10)
    client.force_login(owner)
    reach(step, client, owner, plugin, django_capture_on_commit_callbacks)
    active = SubmissionConversation.objects.filter(user=owner, is_active=True).first()
    if step == BotStep.PICK:
        assert active is None
    elif step == "check-running":
        assert active.step == BotStep.CHECK and not active.fetch_job.is_finished
    else:
        assert active.step == step

    few = queries_for_the_page(client)
    assert few <= BUDGET

    add_messages(owner, 990)
    add_plugins(owner, 30)
    assert Message.objects.filter(thread__owner=owner).count() >= 1000
    forget_copies()
    with django_assert_num_queries(few):
        client.get(URL)
