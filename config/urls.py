from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from api import v1 as api_v1
from core import views as core_views
from domains import urls as domains_urls
from inbox import urls as inbox_urls
from pluginstore import urls_developer as pluginstore_developer_urls
from reviews import urls_developer as reviews_developer_urls
from reviews.bot import urls as bot_urls

# Reviewers sign in through the same allauth login as everyone: rate limits and MFA apply.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "PluginStore review"
admin.site.site_title = "PluginStore review"
admin.site.index_title = "Reviewer's desk"


class FaviconView(RedirectView):
    """/favicon.ico: the icon in static/ (its hashed, long-cached URL in production)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.ico")


def namespace(name: str, *modules):
    """One URL namespace served by several apps' urls modules, each routing only its own views:
    a page of a higher floor joins a lower app's section without the lower app importing it."""
    return include(([pattern for module in modules for pattern in module.urlpatterns], name))


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="store:list", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/tokens/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("store/", include("pluginstore.urls_store")),
    path("reports/", include("reports.urls")),
    path("store/", include("ratings.urls")),  # /store/<slug>/review/ and the reviews' actions
    path(
        "developer/",
        namespace("developer", pluginstore_developer_urls, reviews_developer_urls, domains_urls),
    ),
    path("help/", namespace("help", inbox_urls, bot_urls)),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says (issue 13 item 4: it was a 404).
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("api/v1/", api_v1.urls()),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    urlpatterns += [
        path("403/", core_views.permission_denied, {"exception": None}),
        path("404/", core_views.page_not_found, {"exception": None}),
        path("500/", core_views.server_error),
    ]
