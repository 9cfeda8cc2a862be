from django.urls import path

from pluginstore import views_store as views

app_name = "store"
urlpatterns = [
    path("", views.store_list, name="list"),
]
