"""Rough edges of the submission bot (issue 14 item 5): reopened after the developer refreshed
on the plugin page it talks about the newer version, and reopened after a decision it says
where things stand now instead of the old "Filed!" bubble."""

import pytest
from django.urls import reverse

from reviews.models import BotStep, Submission, SubmissionConversation
from reviews.moderation import plugin_ban
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import approve as approve_plugin
from tests.pluginstore.helpers import manifest_for, register
from tests.reviews import test_bot
from tests.reviews.helpers import approve, claim, reject
from tests.reviews.test_bot import URL, conversation, serve, text, walk_to

pytestmark = pytest.mark.django_db
bot = test_bot.bot  # the fixture that posts one answer and follows the redirect


def test_the_bot_reopened_after_a_refresh_on_the_plugin_page_shows_the_newer_version(
    client, bot, monkeypatch, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = register(owner, domain="gpt.example.com", name_for_human="Weather GPT")
    served = serve(monkeypatch, plugin, name_for_human="Weather GPT")
    client.force_login(owner)
    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "Version 1 has <strong>1 error</strong>" in page

    # The developer fixes the manifest and presses Refresh on the plugin page, not in the bot.
    served["manifest"] = manifest_for(plugin.domain, name_for_human="Weather Now")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developer:refresh", args=[plugin.pk]))
    plugin.refresh_from_db()
    assert plugin.latest_version.number == 2 and plugin.latest_version.error_count == 0

    page = text(client.get(URL))
    assert "has <strong>1 error</strong>" not in page
    assert "You refreshed the plugin since my check" in page
    assert "Version 2 passed every blocking check" in page
    assert conversation(owner).checks_run == 1  # no Re-check was needed

    # And Continue takes that version on.
    bot(step="check", action="continue")
    assert conversation(owner).step == BotStep.CRITERIA
    assert conversation(owner).version.number == 2


def test_a_refresh_that_still_has_errors_is_shown_as_the_newest_version_with_its_errors(
    client, bot, monkeypatch, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = register(owner, domain="gpt.example.com", name_for_human="Weather GPT")
    served = serve(monkeypatch, plugin, name_for_human="Weather GPT")
    client.force_login(owner)
    bot(step="pick", plugin=plugin.pk, action="continue")
    served["manifest"] = manifest_for(
        plugin.domain, name_for_human="Weather GPT", description_for_human="Weather, everywhere"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developer:refresh", args=[plugin.pk]))
    page = text(client.get(URL))
    assert "Version 2 has <strong>" in page
    page = text(bot(step="check", action="continue"))
    assert "Version 2 has" in page and "error(s) that block the submission" in page
    assert conversation(owner).step == BotStep.CHECK


@pytest.mark.parametrize("decision", ["rejected", "approved"])
def test_the_bot_reopened_after_a_decision_says_where_things_stand_now(
    client, bot, monkeypatch, reviewer, decision, django_assert_max_num_queries
):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="Book Finder")
    serve(monkeypatch, plugin, name_for_human="Book Finder")
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.DONE)
    submission = Submission.objects.get()
    claim(submission, reviewer)
    (reject if decision == "rejected" else approve)(submission, reviewer)

    with django_assert_max_num_queries(12):
        page = text(client.get(URL))
    assert "Filed!" not in page
    assert f"Your last submission, version 1 of Book Finder, was {decision} on" in page
    status = "unverified" if decision == "rejected" else "approved"
    assert f"Book Finder is {status} now." in page
    assert 'value="pick"' in page  # the bot asks which plugin to submit next

    plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Spam.")
    page = text(client.get(URL))
    assert f"was {decision} on" in page
    assert "Book Finder is banned now." in page
    assert f"is {status} now" not in page
    assert "Filed!" not in page


def test_while_the_submission_is_open_the_filed_bubble_stays(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="Book Finder")
    serve(monkeypatch, plugin, name_for_human="Book Finder")
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.DONE)
    page = text(client.get(URL))
    assert "Filed!" in page and "in the review queue" in page
    assert "Your last submission" not in page
    assert SubmissionConversation.objects.get(user=owner, is_active=True).step == BotStep.DONE


def test_the_developer_page_of_a_banned_plugin_says_it_is_banned_not_live(client, reviewer):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="Book Finder")
    approve_plugin(plugin)
    url = reverse("developer:plugin", args=[plugin.pk])
    client.force_login(owner)
    page = text(client.get(url))
    assert "This is the version the store serves." in page
    assert '<span class="pill pill-approved">Live</span>' in page

    plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Spam.")
    page = text(client.get(url))
    assert "This plugin is banned." in page
    assert "This is the version the store serves." not in page
    assert "The plugin is banned: the store serves no version of it (version 1 was the" in page
    assert '<span class="pill pill-approved">Live</span>' not in page
    assert '<span class="pill pill-banned">Banned</span>' in page


def test_a_refused_pick_is_described_on_the_radios(client, bot):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    page = text(bot(step="pick", action="continue"))  # no plugin chosen
    assert '<p id="bot-notice" class="alert alert-error" role="alert">Choose one of your' in page
    assert f'aria-describedby="bot-plugin-{plugin.pk}-info bot-notice" aria-invalid="true"' in page
    page = text(client.get(URL))  # said once: the next view has no stale description
    assert "bot-notice" not in page


def test_the_decision_forms_criterion_radios_point_at_their_error():
    from reviews.forms import APPROVE, ReviewDecisionForm

    form = ReviewDecisionForm(data={}, decision=APPROVE)
    assert not form.is_valid()
    field = form["result_C1"]
    assert field.errors
    for radio in field:
        assert 'aria-describedby="id_result_C1_error"' in str(radio.tag())
        assert 'aria-invalid="true"' in str(radio.tag())
    # Without an error, no dangling reference.
    clean = ReviewDecisionForm(data={})
    assert "aria-describedby" not in str(next(iter(clean["result_C1"])).tag())
    # The canned reasons' boxes point at their help text, which the page gives that id.
    box = next(iter(form["canned_reasons"]))  # the migrations add the canned reasons
    assert 'aria-describedby="id_canned_reasons_helptext"' in str(box.tag())
