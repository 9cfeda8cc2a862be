"""Name the thread of every notification written before Notification.thread_plugin existed,
by the rule delivery used then: a plugin kind goes to the thread of the plugin in
context["plugin_id"] when the recipient owns that plugin; anything else to Account notices."""

from django.db import migrations

# The kinds delivery sent to a plugin's thread (inbox.kinds.PLUGIN_THREAD_KINDS at the time).
PLUGIN_KINDS = (
    "submission_received",
    "review_started",
    "approved",
    "rejected",
    "banned",
    "reinstated",
    "reviewer_reply",
)
BATCH = 1000


def _plugin_id(context) -> int | None:
    value = context.get("plugin_id") if isinstance(context, dict) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def fill_thread_plugin(apps, schema_editor):
    Notification = apps.get_model("inbox", "Notification")
    Plugin = apps.get_model("pluginstore", "Plugin")
    rows = (
        Notification.objects.filter(kind__in=PLUGIN_KINDS, thread_plugin__isnull=True)
        .only("pk", "recipient_id", "context")
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(rows.filter(pk__gt=last_pk)[:BATCH]):
        last_pk = batch[-1].pk
        wanted = {n.pk: _plugin_id(n.context) for n in batch}
        owners = dict(
            Plugin.objects.filter(pk__in={p for p in wanted.values() if p is not None}).values_list(
                "pk", "owner_id"
            )
        )
        changed = []
        for notification in batch:
            plugin_id = wanted[notification.pk]
            if plugin_id is not None and owners.get(plugin_id) == notification.recipient_id:
                notification.thread_plugin_id = plugin_id
                changed.append(notification)
        Notification.objects.bulk_update(changed, ["thread_plugin"])


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0003_notification_thread_plugin"),
    ]

    operations = [
        migrations.RunPython(fill_thread_plugin, migrations.RunPython.noop, elidable=True),
    ]
