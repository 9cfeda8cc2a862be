"""Every URL pattern of the site, from the resolver, minus third-party internals.

Rule for what the permission matrix may leave out (everything else must have a row):

1. django-allauth's own views (their callback lives in ``allauth.*``): sign in, sign up,
   password reset, email and MFA management. They are allauth's, tested upstream; the CSP and
   login-rate-limit tests here still request them.
2. The admin site's internals: login, logout, password change, autocomplete, jsi18n,
   view-on-site, the per-app index, the catch-all, and the unnamed ``<id>/`` redirect Django adds
   to every model (it only redirects to ``<id>/change/``, which has its row).
3. The admin pages of third-party models (``auth.Group``, allauth's ``EmailAddress`` and
   ``Authenticator``): Django's and allauth's admin classes, not ours.

Our admin is in: the index, every changelist / add / change / history / delete page of our
models, the user password page, and our custom views (transitions, replies, ban appeals).
"""

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_INTERNALS = {
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
}
THIRD_PARTY_ADMIN_PREFIXES = ("admin/auth/", "admin/account/", "admin/mfa/")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def all_patterns() -> list[tuple[str, str | None, str]]:
    """(route, name, callback module) of every URL pattern the resolver knows."""
    return [(route, name, view.__module__) for route, name, view in all_views()]


def all_views() -> list[tuple[str, str | None, object]]:
    """(route, name, view callable) of every URL pattern the resolver knows."""
    return list(_walk(get_resolver().url_patterns))


def excluded_reason(route: str, name: str | None, module: str) -> str:
    """Why this pattern needs no row in the matrix, or "" when it needs one."""
    if module.startswith("allauth."):
        return "allauth view"
    if route.startswith("admin/"):
        if name in ADMIN_INTERNALS or name is None:
            return "admin internal"
        if route.startswith(THIRD_PARTY_ADMIN_PREFIXES):
            return "third-party model admin"
    return ""


def site_url_names() -> set[str]:
    """Names of the patterns the permission matrix must cover."""
    names = set()
    for route, name, module in all_patterns():
        if excluded_reason(route, name, module):
            continue
        assert name, f"URL pattern {route!r} has no name; name it so the matrix can list it"
        names.add(name)
    return names


def allauth_url_names() -> list[str]:
    return sorted(
        name
        for _, name, module in all_patterns()
        if module.startswith("allauth.") and name is not None
    )
