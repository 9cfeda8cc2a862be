"""The developer pages pluginstore serves. config/urls.py composes the `developer` namespace
from these and the pages of the floor above that show review work (the plugin's own page,
withdrawing a submission)."""

from django.urls import path

from pluginstore import views_developer as views

app_name = "developer"
urlpatterns = [
    path("plugins/", views.plugin_list, name="plugins"),
    path("plugins/jobs/<int:job_id>/", views.job_detail, name="job"),
    path("plugins/<int:plugin_id>/refresh/", views.plugin_refresh, name="refresh"),
    path("plugins/<int:plugin_id>/category/", views.plugin_category, name="category"),
    path("plugins/<int:plugin_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("plugins/<int:plugin_id>/testers/", views.tester_invite, name="tester_invite"),
    path(
        "plugins/<int:plugin_id>/testers/<int:invitation_id>/remove/",
        views.tester_remove,
        name="tester_remove",
    ),
]
