"""The token pages under /accounts/tokens/ (config/urls.py mounts them and /api/v1/)."""

from django.urls import path

from api import views

urlpatterns = [
    path("", views.token_list, name="api_tokens"),
    path("<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
