"""The "Report" block of a plugin's store page: one include, one query for a signed-in user."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import fragments
from pluginstore.choices import PluginStatus
from reports import permissions, selectors

register = template.Library()


# Report boxes each process keeps, keyed by everything one shows.
memory = fragments.Memory(5000)


@register.simple_tag(takes_context=True)
def report_box(context, plugin) -> str:
    """What the user may do about the plugin here: report it, see their report's state, or sign
    in to report. Only approved plugins can be reported; the block is empty otherwise.
    Rendered once per state (the same for every visitor in it) and kept."""
    user = context["request"].user
    approved = plugin.status == PluginStatus.APPROVED
    shown = approved and (not user.is_authenticated or permissions.can_report(user, plugin))
    latest = selectors.latest_report(user, plugin.pk) if approved else None
    seen = (latest.state, latest.created_at) if latest else None
    key = repr((plugin.slug, shown, user.is_authenticated, seen))
    html = memory.get(key)
    if html is None:
        context = {
            "plugin": plugin,
            "shown": shown,
            "signed_in": user.is_authenticated,
            "latest": latest,
        }
        html = render_to_string("reports/_report_box.html", context)
        memory.set(key, html)
    # Our own template's output, escaped when it was rendered.
    return mark_safe(html)  # noqa: S308
