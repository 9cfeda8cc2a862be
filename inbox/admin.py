from django.contrib import admin, messages

from core.admin import ReadOnlyAdminMixin
from inbox.models import Notification
from inbox.tasks import notification_deliver_task


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("pending", "Not delivered"), ("unemailed", "Delivered, not emailed")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(delivered_at__isnull=True)
        if self.value() == "unemailed":
            return queryset.filter(delivered_at__isnull=False, emailed_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox, to see what is stuck (the sweep gives up after MAX_DELIVERY_ATTEMPTS)."""

    list_display = ["event_key", "kind", "recipient", "created_at", "delivered_at", "emailed_at"]
    list_display += ["attempts"]
    list_filter = [DeliveryFilter, "kind"]
    list_select_related = ["recipient"]
    search_fields = ["event_key", "recipient__email"]
    date_hierarchy = "created_at"
    actions = ["redeliver"]

    @admin.action(description="Deliver again (safe: one message, one email)")
    def redeliver(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(attempts=0)
        for notification_id in ids:
            notification_deliver_task.delay(notification_id)
        self.message_user(request, f"{len(ids)} sent for delivery.", messages.SUCCESS)
