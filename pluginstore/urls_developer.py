from django.urls import path

from pluginstore import views_developer as views

app_name = "developer"
urlpatterns = [
    path("plugins/", views.plugin_list, name="plugins"),
]
