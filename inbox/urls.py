from django.urls import path

from inbox import views

# config/urls.py serves these under /help/ together with the submission bot's page: one Help
# namespace, each app routing only its own views.
app_name = "help"
urlpatterns = [
    path("messages/", views.messages_list, name="messages"),
    path("messages/read/", views.mark_all_read, name="mark_all_read"),
    path("messages/<int:thread_id>/", views.thread_detail, name="thread"),
    path("messages/<int:thread_id>/reply/", views.thread_reply, name="reply"),
]
