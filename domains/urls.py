"""The Domain page of a developer's plugin, in the `developer` namespace that config/urls.py
composes with pluginstore's and reviews' developer pages."""

from django.urls import path

from domains import views

app_name = "developer"
urlpatterns = [
    path("plugins/<int:plugin_id>/domain/", views.domain_detail, name="domain"),
    path("plugins/<int:plugin_id>/domain/check/", views.domain_check, name="domain_check"),
]
