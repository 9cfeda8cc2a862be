from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("upgrade/", views.upgrade_to_plus, name="upgrade"),
    path("developer-access/", views.developer_access_request, name="developer_access"),
]
