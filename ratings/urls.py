"""The reviews section's actions, under /store/<slug>/ (config/urls.py mounts them there)."""

from django.urls import path

from ratings import views

app_name = "ratings"
urlpatterns = [
    path("<slug:slug>/review/", views.edit, name="edit"),
    path("<slug:slug>/review/delete/", views.delete, name="delete"),
    path("<slug:slug>/reviews/<int:rating_id>/answer/", views.answer, name="answer"),
    path("<slug:slug>/reviews/<int:rating_id>/report/", views.report, name="report"),
]
