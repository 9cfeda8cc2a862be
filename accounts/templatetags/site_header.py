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
        flat.update({"namespace": namespace, "unread_message_count": 0})
        return render_to_string(TEMPLATE, flat, request=request)
    role = staff_role(user)
    unread = unread_message_count(user=user)
    state = (user.pk, user.public_name, user.account_type, user.is_developer)
    key = repr((*state, user.is_staff, role, unread, namespace))
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
    return fragments.fill_csrf(request, html)
