"""The developer API, /api/v1/ (PRODUCT.md section 12), built on django-ninja.

Its OpenAPI document (/api/v1/openapi.json) and docs page (/api/v1/docs, Swagger UI served from
our own static files, no CDN) are public; every operation needs a bearer token.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from api import routes_plugins, routes_reviews
from api.auth import BearerToken, audited
from api.errors import ERROR_CODES, install_handlers

DESCRIPTION = (
    "Publish plugins from scripts and CI. Authenticate with a personal API token from your "
    "profile page, sent as `Authorization: Bearer psk_...`; session cookies are not accepted. "
    "A `read` token reads; a `publish` token also registers, refreshes, submits and withdraws "
    '(every write is a POST). Errors are JSON `{"code": ..., "message": ...}`; the codes:\n\n'
    + "\n".join(f"- `{code}` ({status}): {what}" for code, (status, what) in ERROR_CODES.items())
)

api = NinjaAPI(
    title="PluginStore developer API",
    version="1",
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=require_safe,  # GET and HEAD; a POST is a 405
)
install_handlers(api)
api.add_router("", routes_plugins.router)
api.add_router("", routes_reviews.router)


@csrf_exempt  # like the API's views: no cookie is read, nothing is changed
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Any other address under /api/v1/: JSON, not the site's HTML 404 page."""
    return JsonResponse({"code": "not_found", "message": "No such API endpoint."}, status=404)


def urls():
    """django-ninja's patterns, each view audited, and the JSON 404 for the rest."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = audited(pattern.callback)
    patterns.append(path("<path:rest>", not_found, name="not_found"))
    return patterns, app_name, namespace
