"""The submission bot's page at /help/submit/: GET shows the conversation, every answer is a
form POST followed by a redirect back (it works without JavaScript)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError
from pluginstore.permissions import can_register_plugins
from reviews.bot import services as bot
from reviews.bot.selectors import bot_page
from reviews.models import BotStep

NOTICE_KEY = "submission_bot_notice"


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _back() -> str:
    return reverse("help:submit") + "#current"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    # Only developers submit plugins; everyone else is told how to become one.
    if not can_register_plugins(request.user):
        return render(request, "reviews/bot/not_developer.html", status=403)
    if request.method == "POST":
        return _answer(request)
    # The bot's last word is shown once, by a GET: a HEAD (a link checker) must not eat it.
    take = request.session.pop if request.method == "GET" else request.session.get
    page = bot_page(
        request.user,
        preselect_id=_int_or_none(request.GET.get("plugin")),
        notice=take(NOTICE_KEY, None),
    )
    context = {"page": page, "note_max_length": bot.NOTE_MAX_LENGTH}
    return render(request, "reviews/bot/page.html", context)


def _answer(request):
    user, post = request.user, request.POST
    step, action = post.get("step", ""), post.get("action", "")
    if action == "restart":
        bot.conversation_end(user=user)
        return redirect(_back())
    if action == "cancel":
        if bot.conversation_end(user=user):
            messages.info(request, "Submission cancelled. Nothing was filed.")
        return redirect("developer:plugins")
    handlers = {
        (BotStep.PICK, "continue"): lambda: bot.conversation_start(
            user=user, plugin_id=post.get("plugin")
        ),
        (BotStep.CHECK, "recheck"): lambda: bot.conversation_recheck(user=user),
        (BotStep.CHECK, "continue"): lambda: bot.conversation_accept_check(user=user),
        (BotStep.CRITERIA, "confirm"): lambda: bot.conversation_confirm_criterion(
            user=user, criterion=post.get("criterion", "")
        ),
        (BotStep.NOTE, "continue"): lambda: bot.conversation_set_note(
            user=user, note=post.get("note", "")
        ),
        (BotStep.SUMMARY, "file"): lambda: bot.conversation_file(user=user),
    }
    handler = handlers.get((step, action))
    if handler is None:
        _say(
            request, "I didn't understand that answer. Nothing was changed; use the buttons below."
        )
        return redirect(_back())
    try:
        _conversation, notice = handler()
    except ApplicationError as error:
        _say(request, error.message)
    else:
        if notice:
            _say(request, notice, level="warning")
    return redirect(_back())


def _say(request, text: str, level: str = "error") -> None:
    """What the bot says before its next question, once (kept in the session for the GET)."""
    request.session[NOTICE_KEY] = {"text": text, "level": level}
