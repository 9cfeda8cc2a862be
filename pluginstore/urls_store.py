from django.urls import path

from pluginstore import views_store as views

app_name = "store"
urlpatterns = [
    path("", views.store_list, name="list"),
    path("installed/", views.installed, name="installed"),
    path("<slug:slug>/", views.store_detail, name="detail"),
    path("<slug:slug>/install/", views.install, name="install"),
    path("<slug:slug>/uninstall/", views.uninstall, name="uninstall"),
]
