"""The bot's URL, in the Help namespace that config/urls.py composes with inbox's."""

from django.urls import path

from reviews.bot import views

app_name = "help"
urlpatterns = [
    path("submit/", views.submit, name="submit"),
]
