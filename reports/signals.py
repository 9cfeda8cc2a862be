"""Signals reports sends, so a higher floor can act on them without reports importing it
(reviews listens: reviews.receivers tells every reviewer of a new report)."""

from django.dispatch import Signal

# A user filed a report: sent by services.report_create with report= (its plugin loaded) and
# open_count= (the plugin's open reports, this one included), inside the report's transaction.
# What receivers write commits with the report or not at all.
report_filed = Signal()
