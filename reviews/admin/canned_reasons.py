"""Canned reasons: the ready-made notes a reviewer picks from when deciding."""

from django.contrib import admin

from reviews.models import CannedReason


@admin.register(CannedReason)
class CannedReasonAdmin(admin.ModelAdmin):
    list_display = ("criterion", "title")
    list_filter = ("criterion",)
    search_fields = ("title", "text")
