from django.db import migrations

from accounts.reviewers import ensure_reviewer_permissions


def forwards(apps, schema_editor):
    # Reviewers read the watch's lists (drifted, unavailable); nobody edits them by hand.
    ensure_reviewer_permissions(
        apps,
        "watch",
        ["view_pluginwatch", "view_driftedplugin", "view_unavailableplugin"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0001_initial"),
        ("accounts", "0002_reviewers_group"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
