from django.urls import path

from inbox import views

app_name = "help"
urlpatterns = [
    path("messages/", views.messages_list, name="messages"),
    path("submit/", views.submit, name="submit"),
]
