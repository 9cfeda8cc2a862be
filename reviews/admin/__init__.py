"""The reviewer's admin: the queue and submission page, the plugin page's moderation buttons,
canned reasons. Importing the modules registers them."""

from reviews.admin import canned_reasons, plugins, submissions  # noqa: F401
