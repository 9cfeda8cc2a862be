"""The role a staff member works in, for the headers: the admin's and the site's."""

from django import template

from accounts.permissions import is_reviewer

register = template.Library()


@register.filter
def staff_role(user) -> str:
    """ "Admin" for superusers, "Reviewer" for reviewers, "Staff" for other staff; "" otherwise."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return ""
    if user.is_superuser:
        return "Admin"
    return "Reviewer" if is_reviewer(user) else "Staff"
