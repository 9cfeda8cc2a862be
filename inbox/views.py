from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core import fragments, versions
from core.exceptions import ApplicationError
from inbox import selectors, services
from inbox.receivers import INBOX_SCOPE

THREADS_PER_PAGE = 25
MAX_COPIED_PAGES = 20
MESSAGES_PER_PAGE = 50


@login_required
@require_safe
def messages_list(request):
    user = request.user
    number = request.GET.get("page") or "1"

    def thread_list() -> str:
        paginator = Paginator(selectors.thread_list(user=user), THREADS_PER_PAGE)
        page = paginator.get_page(number)
        context = {
            "page": page,
            "threads": page.object_list,
            "unread_message_count": selectors.unread_message_count(user=user),
            **fragments.csrf_context(),
        }
        return render_to_string("inbox/_thread_list.html", context)

    # A copy per page the user asked for by number (at most MAX_COPIED_PAGES of them).
    if number.isdigit() and int(number) <= MAX_COPIED_PAGES:
        content = versions.copy(INBOX_SCOPE, user.pk, f"threads:{int(number)}", thread_list)
    else:
        content = thread_list()
    return fragments.framed(request, "inbox/messages_list.html", content)


@login_required
@require_safe
def thread_detail(request, thread_id: int):
    thread = selectors.thread_get(user=request.user, thread_id=thread_id)
    paginator = Paginator(selectors.thread_messages(thread=thread), MESSAGES_PER_PAGE)
    # The newest messages first come into view; earlier pages are a link away.
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    shown = list(page.object_list)
    read_before = thread.last_read_at
    for message in shown:
        message.is_new = read_before is None or message.created_at > read_before
    # Reading marks read; a HEAD (a link checker, a prefetch) reads nothing and changes nothing.
    if shown and request.method == "GET":
        services.thread_mark_read(thread=thread, up_to=shown[-1].created_at)
    return render(
        request,
        "inbox/thread_detail.html",
        {
            "thread": thread,
            "page": page,
            "thread_messages": shown,
            "reply_max_length": services.REPLY_MAX_LENGTH,
        },
    )


@login_required
@require_POST
def thread_reply(request, thread_id: int):
    thread = selectors.thread_get(user=request.user, thread_id=thread_id)
    try:
        message = services.thread_reply_create(
            thread_id=thread.pk, author=request.user, body=request.POST.get("body", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("help:thread", thread_id=thread.pk)
    messages.success(request, "Your reply was sent. The reviewers will see it with your plugin.")
    return redirect(reverse("help:thread", args=[thread.pk]) + f"#message-{message.pk}")


@login_required
@require_POST
def mark_all_read(request):
    if services.threads_mark_all_read(user=request.user):
        messages.success(request, "All messages are marked as read.")
    return redirect("help:messages")
