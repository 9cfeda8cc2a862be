"""The submission bot at /help/submit/ (issue 5, part 1), driven by form posts as a browser
without JavaScript would: every answer is a POST, then a redirect back to the page."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from inbox.kinds import NotificationKind
from inbox.models import Message, Thread
from pluginstore.models import FetchJob, PluginStatus
from pluginstore.services import MAX_OPEN_FETCH_JOBS, fetch_job_run
from reviews.bot.services import BOT_CRITERION_IDS
from reviews.models import BotStep, Submission, SubmissionConversation
from reviews.permissions import APPEAL_HINT
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory
from tests.pluginstore.helpers import fake_fetch, make_plugin, manifest_for, register, spec_for
from tests.reviews.helpers import claim, new_version, reject, results, submit

pytestmark = pytest.mark.django_db

URL = reverse("help:submit")


@pytest.fixture
def bot(client, django_capture_on_commit_callbacks):
    """Post one answer, running what commits schedule (the eager Celery tasks)."""

    def answer(**data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, data)
        assert response.status_code == 302
        assert response["Location"] == URL + "#current"
        return client.get(URL)

    return answer


def serve(monkeypatch, plugin, **manifest):
    """What the plugin's server answers to the next refresh."""
    documents = {"manifest": manifest_for(plugin.domain, **manifest)}
    fake_fetch(monkeypatch, lambda: (documents["manifest"], spec_for()))
    return documents


def conversation(user) -> SubmissionConversation:
    return SubmissionConversation.objects.get(user=user, is_active=True)


def text(response) -> str:
    return response.content.decode()


def confirm_all(bot):
    page = None
    for criterion in BOT_CRITERION_IDS:
        page = bot(step="criteria", criterion=criterion, action="confirm")
    return page


def walk_to(bot, plugin, step: str):
    """Answer the bot's questions for `plugin` until it asks the question of `step`."""
    page = bot(step="pick", plugin=plugin.pk, action="continue")
    if step == BotStep.CHECK:
        return page
    page = bot(step="check", action="continue")
    if step == BotStep.CRITERIA:
        return page
    page = confirm_all(bot)
    if step == BotStep.NOTE:
        return page
    page = bot(step="note", note="Test account: demo / demo.", action="continue")
    if step == BotStep.SUMMARY:
        return page
    return bot(step="summary", action="file")


# Who may use it -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.post(URL, {"step": "pick", "action": "continue"}).status_code == 302
    assert not SubmissionConversation.objects.exists()


@pytest.mark.parametrize("factory", [UserFactory, PlusUserFactory])
def test_users_without_developer_access_are_told_how_to_get_it(client, factory):
    user = factory()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    page = text(response)
    assert "Submitting plugins is for developer accounts" in page
    assert reverse("profile") + "#dev-heading" in page
    assert "Request developer access" in page
    if factory is UserFactory:
        assert reverse("upgrade") in page
    # A post from them changes nothing either.
    plugin_owner = DeveloperFactory()
    plugin = register(plugin_owner)
    assert client.post(URL, {"step": "pick", "plugin": plugin.pk}).status_code == 403
    assert not SubmissionConversation.objects.exists()


def test_a_developer_without_plugins_is_sent_to_register_one(client):
    client.force_login(DeveloperFactory())
    page = text(client.get(URL))
    assert "<h1>Submit a plugin for review</h1>" in page
    assert "You haven't registered a plugin yet" in page
    assert f'href="{reverse("developer:plugins")}"' in page


# The happy path -----------------------------------------------------------------------------


def test_a_developer_goes_from_the_bot_to_a_filed_submission_and_a_received_message(
    client, bot, monkeypatch
):
    owner = DeveloperFactory()
    plugin = register(owner, domain="weather.example.com")
    serve(monkeypatch, plugin)
    client.force_login(owner)

    page = text(client.get(URL))
    assert "Which plugin do you want to submit for review?" in page
    assert f'value="{plugin.pk}"' in page
    assert "csrfmiddlewaretoken" in page

    # Step 2: the check runs (eagerly here) and its result shows; no errors, so Continue.
    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert conversation(owner).step == BotStep.CHECK
    assert conversation(owner).fetch_job.state == "done"
    assert "Version 1 passed every blocking check" in page
    assert 'value="continue"' in page
    assert "Test Weather" in page  # the answer stays in the transcript

    # Step 4: the human criteria, one at a time, each with its explanation.
    page = text(bot(step="check", action="continue"))
    assert conversation(owner).step == BotStep.CRITERIA
    assert "Criterion 1 of 6 · C1" in page
    assert "Follows the content policy" in page
    assert "Follows the brand guidelines" not in page  # one question at a time
    for number, criterion in enumerate(BOT_CRITERION_IDS[:-1], start=1):
        page = text(bot(step="criteria", criterion=criterion, action="confirm"))
        assert f"Criterion {number + 1} of 6" in page
    page = text(bot(step="criteria", criterion="C11", action="confirm"))
    assert conversation(owner).confirmed_criteria == list(BOT_CRITERION_IDS)

    # Step 5: the optional note; step 6: the summary.
    assert 'name="note"' in page and 'for="bot-note"' in page
    page = text(bot(step="note", note="Test account: demo / demo.", action="continue"))
    assert "Here is what I&#x27;ll file" in page or "Here is what I'll file" in page
    assert "Test account: demo / demo." in page
    assert "0 errors, 0 warnings" in page
    assert "File submission" in page
    assert not Submission.objects.exists()

    # Step 7: filed; the bot answers with the queue position, the date and the thread.
    page = text(bot(step="summary", action="file"))
    submission = Submission.objects.get(plugin=plugin)
    assert submission.state == "submitted"
    assert submission.version == plugin.latest_version
    assert submission.note_to_reviewer == "Test account: demo / demo."
    assert conversation(owner).submission == submission
    assert conversation(owner).step == BotStep.DONE
    assert "Filed!" in page
    assert "position 1" in page
    assert "expected decision date" in page or "expect a decision by" in page
    thread = Thread.objects.get(owner=owner, plugin=plugin)
    assert reverse("help:thread", args=[thread.pk]) in page
    received = Message.objects.get(thread=thread, kind=NotificationKind.SUBMISSION_RECEIVED)
    assert "at position 1" in received.body
    assert "Submit another plugin" in page


def test_submit_another_plugin_starts_a_new_conversation(client, bot, monkeypatch):
    owner = DeveloperFactory()
    first = register(owner)
    second = register(owner)
    serve(monkeypatch, first)
    client.force_login(owner)
    walk_to(bot, first, BotStep.DONE)
    done = conversation(owner)

    page = text(bot(action="restart"))
    assert not SubmissionConversation.objects.filter(user=owner, is_active=True).exists()
    done.refresh_from_db()
    assert done.ended_at is not None and done.submission is not None
    assert "Which plugin do you want to submit for review?" in page
    # The filed one is listed with its state and can't be picked again.
    assert "Submission submitted" in page
    assert f'value="{first.pk}"' not in page
    assert f'value="{second.pk}"' in page


# Findings -----------------------------------------------------------------------------------


def test_errors_stop_the_flow_and_a_recheck_after_the_fix_goes_on(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner, domain="gpt.example.com", name_for_human="Weather GPT")
    served = serve(monkeypatch, plugin, name_for_human="Weather GPT")
    client.force_login(owner)

    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "has <strong>1 error</strong>" in page
    assert "manifest.reserved_words" in page
    assert "How to fix:" in page
    assert "Re-check" in page
    assert 'value="continue"' not in page

    # Going on anyway is refused, and nothing moves.
    page = text(bot(step="check", action="continue"))
    assert "error(s) that block the submission" in page
    assert conversation(owner).step == BotStep.CHECK
    assert bot(step="criteria", criterion="C1", action="confirm")
    assert conversation(owner).confirmed_criteria == []

    # The developer fixes the manifest on their server; the re-check fetches version 2.
    served["manifest"] = manifest_for(plugin.domain, name_for_human="Weather Now")
    page = text(bot(step="check", action="recheck"))
    assert conversation(owner).checks_run == 2
    assert "Version 2 passed every blocking check" in page
    page = text(bot(step="check", action="continue"))
    assert conversation(owner).step == BotStep.CRITERIA
    assert conversation(owner).version.number == 2


def test_warnings_are_shown_and_do_not_stop_the_developer(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner, contact_email="help@elsewhere.org")
    serve(monkeypatch, plugin, contact_email="help@elsewhere.org")
    client.force_login(owner)

    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "passed every blocking check, with 1 warning" in page
    assert "manifest.contact_domain" in page
    page = text(bot(step="check", action="continue"))
    assert conversation(owner).step == BotStep.CRITERIA
    assert "1 warning" in text(walk_rest_to_summary(bot))


def walk_rest_to_summary(bot):
    confirm_all(bot)
    return bot(step="note", note="", action="continue")


def test_a_fetch_that_fails_is_explained_and_can_be_checked_again(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    served = {"manifest": None}
    fake_fetch(monkeypatch, lambda: (served["manifest"], spec_for()))
    client.force_login(owner)

    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "I couldn't fetch and check your plugin" in page
    assert "manifest.json" in page
    assert "Re-check" in page
    served["manifest"] = manifest_for(plugin.domain)
    page = text(bot(step="check", action="recheck"))
    assert "Version 1 passed every blocking check" in page


def test_while_the_check_runs_the_page_shows_progress_and_a_check_progress_button(
    client, monkeypatch
):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    # Without running the on-commit task, the job stays queued, as with a busy worker.
    client.post(URL, {"step": "pick", "plugin": plugin.pk, "action": "continue"})
    job = conversation(owner).fetch_job
    assert job.state == "queued"
    page = text(client.get(URL))
    assert "Checking…" in page
    assert "Check progress" in page
    job_url = reverse("developer:job", args=[job.pk])
    assert f'data-bot-job-url="{job_url}" data-bot-job-state="queued"' in page
    assert 'src="/static/js/bot.js"' in page
    # Continuing before the check finished is refused.
    client.post(URL, {"step": "check", "action": "continue"})
    assert "The check is still running" in text(client.get(URL))
    assert conversation(owner).step == BotStep.CHECK
    # The job's JSON, which bot.js polls, answers the owner.
    status = client.get(reverse("developer:job", args=[job.pk]), HTTP_ACCEPT="application/json")
    assert status.json()["finished"] is False
    # A worker runs it; "Check progress" (a plain GET) then shows the result.
    fetch_job_run(job_id=job.pk)
    page = text(client.get(URL))
    assert "Version 1 passed every blocking check" in page
    assert "data-bot-job-url" not in page


def test_a_check_that_cannot_start_is_explained_and_offered_again(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    for _ in range(MAX_OPEN_FETCH_JOBS):
        FetchJob.objects.create(
            kind="refresh", requested_by=owner, plugin=plugin, target=plugin.manifest_url
        )
    client.force_login(owner)
    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "I couldn&#x27;t start the check: You have several checks running already" in page
    assert conversation(owner).fetch_job is None
    assert 'value="recheck"' in page

    FetchJob.objects.filter(requested_by=owner).delete()
    page = text(bot(step="check", action="recheck"))
    assert "Version 1 passed every blocking check" in page


# Step validation ----------------------------------------------------------------------------


def test_each_criterion_must_be_confirmed_in_order(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.CRITERIA)

    page = text(bot(step="criteria", criterion="C2", action="confirm"))
    assert "Please answer the question about C1 first" in page
    assert conversation(owner).confirmed_criteria == []
    page = text(bot(step="criteria", criterion="C1", action="confirm"))
    page = text(bot(step="criteria", criterion="C1", action="confirm"))
    assert "You already confirmed C1" in page
    page = text(bot(step="criteria", criterion="C3", action="confirm"))  # not a bot question
    assert conversation(owner).confirmed_criteria == ["C1"]
    # The note step is not open until every criterion is confirmed.
    bot(step="note", note="Skipping ahead", action="continue")
    assert conversation(owner).step == BotStep.CRITERIA
    assert conversation(owner).note == ""


def test_a_post_for_a_step_that_is_not_the_current_one_changes_nothing(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.CHECK)
    before = conversation(owner)

    page = text(bot(step="summary", action="file"))
    assert "That answer belongs to another step" in page
    assert not Submission.objects.exists()
    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "That answer belongs to another step" in page
    page = text(bot(step="check", action="nonsense"))
    assert "I didn&#x27;t understand that answer" in page
    after = conversation(owner)
    assert (after.pk, after.step, after.fetch_job_id, after.checks_run) == (
        before.pk,
        before.step,
        before.fetch_job_id,
        before.checks_run,
    )
    assert SubmissionConversation.objects.count() == 1


def test_another_developers_plugin_is_refused_without_telling_anything(client, bot):
    owner = DeveloperFactory()
    mine = register(owner)
    theirs = register(DeveloperFactory(), name_for_human="Secret Thing")
    client.force_login(owner)

    page = text(client.get(URL, {"plugin": theirs.pk}))
    assert "Secret Thing" not in page
    assert f'value="{theirs.pk}"' not in page
    assert f'value="{mine.pk}" id="bot-plugin-{mine.pk}" checked' in page

    page = text(bot(step="pick", plugin=theirs.pk, action="continue"))
    assert "I can&#x27;t find that plugin among yours" in page
    assert "Secret Thing" not in page
    assert not SubmissionConversation.objects.exists()
    assert not theirs.fetch_jobs.exists()
    bot(step="pick", plugin="not-a-number", action="continue")
    assert not SubmissionConversation.objects.exists()


def test_open_submissions_and_banned_plugins_are_listed_with_why_they_cannot_be_picked(client, bot):
    owner = DeveloperFactory()
    waiting = register(owner, name_for_human="Waiting One")
    submit(waiting)
    banned = make_plugin(owner, status=PluginStatus.BANNED, name_for_human="Banned One")
    live = make_plugin(owner, status=PluginStatus.APPROVED, name_for_human="Live One")
    client.force_login(owner)

    page = text(client.get(URL))
    assert "Waiting One" in page and "Submission submitted" in page
    assert "It already has a submission that is submitted" in page
    assert "Banned One" in page and "It is banned" in page
    assert escape(APPEAL_HINT) in page  # the one appeal wording
    assert "Live One" in page and "Its latest version is already live" in page
    for plugin in (waiting, banned, live):
        assert f'value="{plugin.pk}"' not in page
    assert "None of your plugins can be submitted right now" in page

    for plugin in (waiting, banned, live):
        bot(step="pick", plugin=plugin.pk, action="continue")
        assert not SubmissionConversation.objects.exists()


def test_the_plugin_from_the_link_is_preselected(client):
    owner = DeveloperFactory()
    register(owner, name_for_human="Alpha")
    second = register(owner, name_for_human="Beta")
    client.force_login(owner)
    page = text(client.get(URL, {"plugin": second.pk}))
    assert f'value="{second.pk}" id="bot-plugin-{second.pk}" checked' in page


# Resuming, starting over, cancelling ----------------------------------------------------------


def test_leaving_half_way_and_coming_back_resumes_where_it_stopped(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.CRITERIA)
    bot(step="criteria", criterion="C1", action="confirm")
    bot(step="criteria", criterion="C2", action="confirm")

    client.logout()
    client.force_login(owner)  # a new session: the conversation lives in the database
    page = text(client.get(URL))
    assert "Criterion 3 of 6 · C4" in page
    assert "Confirmed C1: Follows the content policy." in page
    assert "Confirmed C2: Follows the brand guidelines." in page
    assert page.count('value="confirm"') == 1
    # The developer page's link, with a plugin preselected, does not lose it either.
    page = text(client.get(URL, {"plugin": plugin.pk}))
    assert "Criterion 3 of 6 · C4" in page
    assert "in the middle of submitting" not in page
    # Coming for another plugin, the bot says what is in progress and how to leave it.
    other = register(owner)
    page = text(client.get(URL, {"plugin": other.pk}))
    assert "Criterion 3 of 6 · C4" in page
    assert "in the middle of submitting Test Weather" in page


def test_start_over_and_cancel_end_the_conversation_without_filing(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.NOTE)

    page = text(bot(action="restart"))
    assert "Which plugin do you want to submit for review?" in page
    assert not SubmissionConversation.objects.filter(is_active=True).exists()

    walk_to(bot, plugin, BotStep.SUMMARY)
    response = client.post(URL, {"action": "cancel"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("developer:plugins")
    assert "Submission cancelled. Nothing was filed." in text(response)
    assert not SubmissionConversation.objects.filter(is_active=True).exists()
    assert SubmissionConversation.objects.count() == 2
    assert not Submission.objects.exists()


def test_only_one_active_conversation_per_user():
    from django.db import IntegrityError, transaction

    owner = DeveloperFactory()
    SubmissionConversation.objects.create(user=owner)
    SubmissionConversation.objects.create(user=owner, is_active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionConversation.objects.create(user=owner)


# Resubmission and changes behind the bot's back ----------------------------------------------


def test_a_resubmission_first_shows_the_previous_rejection(
    client, bot, monkeypatch, reviewer, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = register(owner)
    first = submit(plugin)
    claim(first, reviewer)
    reject(
        first,
        reviewer,
        results=results(C8="Say which cities are covered."),
        developer_note="Please name the cities in the description.",
    )
    # The developer updates the plugin first: the rejected version itself can't go back.
    changed = "Weather forecasts for Paris, Berlin and Rome."
    new_version(
        plugin, monkeypatch, django_capture_on_commit_callbacks, description_for_human=changed
    )
    serve(monkeypatch, plugin, description_for_human=changed)
    client.force_login(owner)

    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "Last time, version 1 was <strong>rejected</strong>" in page
    assert "<strong>C8</strong> States geographical or functional limits" in page
    assert "Say which cities are covered." in page
    assert "Please name the cities in the description." in page
    # It comes before the check's result.
    assert page.index("Last time, version 1") < page.index("passed every blocking check")


def test_a_submission_opened_elsewhere_meanwhile_stops_the_bot_at_filing(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.SUMMARY)
    submit(plugin)  # e.g. from another tab, through the service
    # Opening the page, the bot already warns.
    assert "Heads-up: Test Weather changed since we started" in text(client.get(URL))

    page = text(bot(step="summary", action="file"))
    assert "changed while we were talking" in page
    assert "It already has a submission that is submitted" in page
    assert Submission.objects.count() == 1
    assert not SubmissionConversation.objects.filter(is_active=True).exists()


def test_a_ban_meanwhile_stops_the_bot_at_the_next_step(client, bot, monkeypatch, reviewer):
    from reviews.moderation import plugin_ban

    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.CRITERIA)
    plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Spam.")

    page = text(bot(step="criteria", criterion="C1", action="confirm"))
    assert "It is banned" in page
    assert not SubmissionConversation.objects.filter(is_active=True).exists()
    assert not Submission.objects.exists()


def test_a_new_version_meanwhile_sends_the_bot_back_to_the_check(
    client, bot, monkeypatch, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.SUMMARY)
    new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, name_for_human="Newer")

    page = text(bot(step="summary", action="file"))
    assert "A newer version of" in page
    assert not Submission.objects.exists()
    current = conversation(owner)
    assert current.step == BotStep.CHECK
    assert current.confirmed_criteria == []
    assert current.note == "Test account: demo / demo."  # kept for the second pass

    page = text(bot(step="check", action="recheck"))
    assert "Version 2 passed every blocking check" in page
    walk_rest = bot(step="check", action="continue")
    assert walk_rest
    confirm_all(bot)
    page = text(bot(step="note", note=current.note, action="continue"))
    bot(step="summary", action="file")
    assert Submission.objects.get().version.number == 2


def test_a_service_error_at_filing_is_a_bot_message_not_a_500(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.SUMMARY)

    from core.exceptions import ApplicationError

    def refuse(**kwargs):
        raise ApplicationError("The review queue is closed for maintenance.")

    monkeypatch.setattr("reviews.services.submission_create", refuse)
    page = bot(step="summary", action="file")
    assert page.status_code == 200
    assert "The review queue is closed for maintenance." in text(page)
    assert conversation(owner).step == BotStep.SUMMARY


# The developer page ---------------------------------------------------------------------------


def test_the_developer_page_links_to_the_bot_instead_of_a_submit_form(client):
    owner = DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    page = text(client.get(reverse("developer:plugin", args=[plugin.pk])))
    assert f'href="{URL}?plugin={plugin.pk}">Submit for review</a>' in page
    assert 'name="note_to_reviewer"' not in page
    with pytest.raises(NoReverseMatch):
        reverse("developer:submit", args=[plugin.pk])
    assert client.post(f"/developer/plugins/{plugin.pk}/submit/").status_code == 404
    assert not Submission.objects.exists()


def test_a_note_over_the_limit_is_refused_and_kept_out(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    client.force_login(owner)
    walk_to(bot, plugin, BotStep.NOTE)
    page = text(bot(step="note", note="x" * 5001, action="continue"))
    assert "The note is too long: at most 5000 characters" in page
    assert 'maxlength="5000"' in page
    assert conversation(owner).step == BotStep.NOTE
    assert conversation(owner).note == ""


def test_a_conversation_still_at_the_pick_step_shows_the_plugin_list(client, bot, monkeypatch):
    owner = DeveloperFactory()
    plugin = register(owner)
    serve(monkeypatch, plugin)
    SubmissionConversation.objects.create(user=owner, step=BotStep.PICK)
    client.force_login(owner)
    assert "Which plugin do you want to submit for review?" in text(client.get(URL))
    page = text(bot(step="pick", plugin=plugin.pk, action="continue"))
    assert "Version 1 passed every blocking check" in page
    assert SubmissionConversation.objects.filter(user=owner).count() == 2
