"""The review parts of the developer pages, in the `developer` namespace that config/urls.py
composes with pluginstore's (pluginstore/urls_developer.py)."""

from django.urls import path

from reviews import views_developer as views

app_name = "developer"
urlpatterns = [
    path("plugins/<int:plugin_id>/", views.plugin_detail, name="plugin"),
    path(
        "plugins/<int:plugin_id>/submissions/<int:submission_id>/withdraw/",
        views.submission_withdraw,
        name="withdraw",
    ),
]
