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
"""

import threading
from collections import OrderedDict
from typing import Any

from django.middleware.csrf import get_token
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
