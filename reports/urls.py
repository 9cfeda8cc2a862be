from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("<slug:slug>/new/", views.report_create, name="create"),
]
