"""`{% site_header %}`: the header of every site page, rendered once per state of a signed-in
user and reused (core.fragments), the sign-out form's CSRF token filled in per request.

The copy's key is everything the header shows (name, account type, staff role, unread count,
the section of the site), so a change to any of them is a new key on the next request: there
is nothing to invalidate. The unread count is itself a copy kept until the user's inbox
changes (inbox.selectors.unread_message_count). Anonymous visitors' headers link back to the
page they are on, so theirs is rendered per request (their store pages come whole from the
store cache).
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.templatetags.roles import staff_role
from core import fragments
from inbox.selectors import unread_message_count

register = template.Library()

TEMPLATE = "_site_header.html"
# Header states each process keeps (about 3 KB each).
MEMORY_ENTRIES = 1000
memory = fragments.Memory(MEMORY_ENTRIES)


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    if request is None or user is None or not user.is_authenticated:
        flat = context.flatten()
        # In a page frame, the page to come back to after signing in is filled per request.
        frame = context.get("frame")
        next_query = fragments.NEXT_SLOT if frame else fragments.next_query(request)
        flat.update({"namespace": namespace, "unread_message_count": 0, "next_query": next_query})
        return render_to_string(TEMPLATE, flat, request=request)
    role = staff_role(user)
    unread = unread_message_count(user=user)
    key = _state(user, namespace, role, unread)
    html = memory.get(key)
    if html is None:
        html = render_to_string(
            TEMPLATE,
            {
                "user": user,
                "role": role,
                "unread_message_count": unread,
                "namespace": namespace,
                **fragments.csrf_context(),
            },
        )
        memory.set(key, html)
    if context.get("frame"):  # kept in a page frame: its token is filled per request
        return mark_safe(html)  # noqa: S308
    return fragments.fill_csrf(request, html)


def _state(user, namespace: str, role: str, unread: int) -> str:
    """Everything the signed-in header shows, as a key."""
    state = (user.pk, user.public_name, user.account_type, user.is_developer, user.is_staff)
    return repr((*state, role, unread, namespace))


def header_state(request) -> str | None:
    """A page frame's key part for this request's header (core.fragments.framed), or None for
    a visitor whose header is rendered per request."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    if user is None or not user.is_authenticated:
        return repr(("anonymous", namespace))
    return _state(user, namespace, staff_role(user), unread_message_count(user=user))
