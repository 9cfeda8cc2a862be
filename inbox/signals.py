"""Signals the inbox sends, so a higher floor can act on what happens here without the inbox
importing it (reviews listens: reviews.receivers, connected in ReviewsConfig.ready)."""

from django.dispatch import Signal

# An owner replied in their plugin's thread: sent by services.thread_reply_create with
# thread=, message= and author=, inside the reply's transaction once the message is saved.
# Receivers run in that transaction, so what they write commits with the reply or not at all;
# one that raises fails the reply.
owner_replied = Signal()
