"""The developer pages pluginstore serves. config/urls.py composes the `developer` namespace
from these and the pages of the floor above that show review work (the plugin's own page,
withdrawing a submission)."""

from django.urls import path

from pluginstore import views_developer as views
from pluginstore import views_team

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
    # Teams and a plugin's life (PRODUCT.md section 13).
    path(
        "plugins/<int:plugin_id>/co-developers/",
        views_team.co_developer_invite,
        name="co_developer_invite",
    ),
    path(
        "plugins/<int:plugin_id>/co-developers/<int:member_id>/remove/",
        views_team.co_developer_remove,
        name="co_developer_remove",
    ),
    path("plugins/<int:plugin_id>/leave/", views_team.co_developer_leave, name="leave"),
    path("plugins/<int:plugin_id>/transfer/", views_team.transfer_offer, name="transfer"),
    path(
        "plugins/<int:plugin_id>/invitations/<int:invitation_id>/cancel/",
        views_team.invitation_cancel,
        name="invitation_cancel",
    ),
    path("plugins/<int:plugin_id>/unlist/", views_team.plugin_unlist, name="unlist"),
    path("plugins/<int:plugin_id>/relist/", views_team.plugin_relist, name="relist"),
    path("plugins/<int:plugin_id>/delete/", views_team.plugin_delete, name="delete"),
    path("invitations/", views_team.invitation_list, name="invitations"),
    path("invitations/<int:invitation_id>/", views_team.invitation_detail, name="invitation"),
    path(
        "invitations/<int:invitation_id>/accept/",
        views_team.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "invitations/<int:invitation_id>/decline/",
        views_team.invitation_decline,
        name="invitation_decline",
    ),
]
