from django.urls import path

from inbox import views
from reviews import views_bot

app_name = "help"
urlpatterns = [
    path("messages/", views.messages_list, name="messages"),
    path("messages/read/", views.mark_all_read, name="mark_all_read"),
    path("messages/<int:thread_id>/", views.thread_detail, name="thread"),
    path("messages/<int:thread_id>/reply/", views.thread_reply, name="reply"),
    # The submission bot lives with the reviews (STYLE.md); its URL is in the Help menu.
    path("submit/", views_bot.submit, name="submit"),
]
