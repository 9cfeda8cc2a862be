"""HTML rendered once and reused for many requests, with slots for what is per request.

A fragment is rendered without the request (no user, session or CSP nonce can reach it), so
it may be shared. What differs per request goes in a slot, an HTML comment the fragment's
template writes and the view fills in. User text is escaped when a fragment is rendered, so
it can never spell a slot.

- CSRF_SLOT: `{% csrf_token %}` in a fragment rendered with `csrf_context()` writes the slot
  as the token's value; `fill_csrf` puts this request's (masked) token there.
- `Memory`: a small least-recently-used memory of this process's fragments. Entries are keyed
  by what they show, so a copy is never stale, and it is bounded, so a worker's memory stays
  flat whatever it serves.
- `framed`: a page's frame (head, header, footer) rendered once per template and header
  state, the title, the content and the CSRF token filled in per request.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CSRF_SLOT = mark_safe("<!--csrf-slot-->")  # noqa: S308


def csrf_context() -> dict:
    """Context for rendering a fragment whose forms carry a CSRF token (filled by fill_csrf)."""
    return {"csrf_token": CSRF_SLOT}


def fill_csrf(request, html: str) -> SafeString:
    """The fragment with this request's CSRF token in its slots (asked for only if needed)."""
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    # Our own templates' output, escaped when it was rendered; the token is alphanumeric.
    return mark_safe(html)  # noqa: S308


class Memory:
    """A bounded least-recently-used memory, safe to share between a process's threads.
    Entries are usually HTML, or (version, HTML) pairs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        with self.lock:
            found = {key: self.entries[key] for key in keys if key in self.entries}
            for key in found:
                self.entries.move_to_end(key)
        return found

    def set_many(self, entries: dict[str, Any]) -> None:
        with self.lock:
            self.entries.update(entries)
            for key in entries:
                self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def set(self, key: str, value: Any) -> None:
        self.set_many({key: value})

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)


# Page frames ----------------------------------------------------------------------------------

CONTENT_SLOT = mark_safe("<!--content-slot-->")  # noqa: S308
TITLE_SLOT = mark_safe("<!--title-slot-->")  # noqa: S308
# An anonymous visitor's "Sign in" link comes back to the page they are on.
NEXT_SLOT = mark_safe("<!--next-slot-->")  # noqa: S308
# Frames each process keeps: one per page template and signed-in header state (about 6 KB).
FRAME_MEMORY_ENTRIES = 2000
frame_memory = Memory(FRAME_MEMORY_ENTRIES)
_frame_states: list[Callable[[HttpRequest], str | None]] = []


def next_query(request: HttpRequest | None) -> str:
    """The page to come back to after signing in, as the `next` parameter's value."""
    return escape(urlencode(request.get_full_path())) if request is not None else ""


def register_frame_state(state: Callable[[HttpRequest], str | None]) -> None:
    """How a request's frame is told apart (accounts: the signed-in header's state, or None
    for a visitor whose header is rendered per request). Registered by the app that draws the
    header, a floor above this one."""
    _frame_states[:] = [state]


def framed(
    request: HttpRequest, template_name: str, content: str, *, title: str = ""
) -> HttpResponse:
    """The page `template_name` (a template whose content block is `{{ content }}`, title
    block `{{ title }}`) around `content`, a fragment of our own HTML.

    Everything around the content (the head, the header, the footer) is rendered once per
    template and header state and kept in this process's memory with slots for the title,
    the content, the CSRF token and an anonymous visitor's way back after signing in; a
    request with flash messages to show is rendered in full.
    """
    state = _frame_states[0](request) if _frame_states else None
    if state is None or len(messages.get_messages(request)):
        context = {"content": fill_csrf(request, content), "title": title}
        return render(request, template_name, context)
    key = repr((template_name, state))
    frame = frame_memory.get(key)
    if frame is None:
        context = {"content": CONTENT_SLOT, "title": TITLE_SLOT, "frame": True}
        frame = render_to_string(template_name, context, request=request)
        frame_memory.set(key, frame)
    html = frame.replace(TITLE_SLOT, escape(title), 1).replace(NEXT_SLOT, next_query(request), 1)
    html = html.replace(CONTENT_SLOT, content, 1)
    return HttpResponse(fill_csrf(request, html))
