"""Canned reasons: the ready-made notes a reviewer picks from when deciding."""

from django.contrib import admin

from core.admin import ActionSelectionMixin
from reviews.models import CannedReason


@admin.register(CannedReason)
class CannedReasonAdmin(ActionSelectionMixin, admin.ModelAdmin):
    list_display = ("criterion", "title")
    list_filter = ("criterion",)
    search_fields = ("title", "text")
