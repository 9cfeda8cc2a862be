"""The "Report" block of a plugin's store page: one include, one query for a signed-in user."""

from django import template

from pluginstore.choices import PluginStatus
from reports import permissions, selectors

register = template.Library()


@register.inclusion_tag("reports/_report_box.html", takes_context=True)
def report_box(context, plugin):
    """What the user may do about the plugin here: report it, see their report's state, or sign
    in to report. Only approved plugins can be reported; the block is empty otherwise."""
    request = context["request"]
    user = request.user
    approved = plugin.status == PluginStatus.APPROVED
    return {
        "plugin": plugin,
        "request": request,
        "shown": approved and (not user.is_authenticated or permissions.can_report(user, plugin)),
        "signed_in": user.is_authenticated,
        "latest": selectors.latest_report(user, plugin.pk) if approved else None,
    }
