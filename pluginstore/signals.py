"""Signals pluginstore sends, so a higher floor can act on what happens here without
pluginstore importing it (reviews listens: reviews.receivers, connected in ReviewsConfig.ready)."""

from django.dispatch import Signal

# A refresh stored a new version of a plugin: sent by services.registration with version=
# (its plugin locked) and by= (who asked for the fetch; None for the system), inside the
# transaction that stores it. Receivers run in that transaction, so what they write commits
# with the version or not at all; they must not raise ApplicationError (the fetch job would
# report it as its own failure).
version_stored = Signal()

# A user installed a plugin (or installed it again): sent by services.installs with user= and
# plugin= (locked) inside installation_create's transaction, so a higher floor can remember
# who ever installed what (ratings: the right to rate outlives the install).
plugin_installed = Signal()

# The owner is deleting a plugin that was never approved: sent by services.lifecycle with
# plugin= (locked) and by= inside plugin_delete's transaction, before the row goes. A higher
# floor that keeps rows protecting the plugin removes them here, or raises ApplicationError to
# refuse the deletion with its reason (reviews: a submission still waiting for review).
plugin_deleting = Signal()
