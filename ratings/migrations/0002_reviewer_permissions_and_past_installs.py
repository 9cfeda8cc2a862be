from django.db import migrations

from accounts.reviewers import ensure_reviewer_permissions


def forwards(apps, schema_editor):
    ensure_reviewer_permissions(
        apps, "ratings", ["moderate_rating", "view_rating", "view_reviewreport"]
    )
    # Everyone with an install today may rate it (installs removed before this app existed
    # left no trace).
    Installation = apps.get_model("pluginstore", "Installation")
    EverInstalled = apps.get_model("ratings", "EverInstalled")
    EverInstalled.objects.bulk_create(
        [
            EverInstalled(user_id=user_id, plugin_id=plugin_id)
            for user_id, plugin_id in Installation.objects.values_list("user_id", "plugin_id")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
        ("accounts", "0002_reviewers_group"),
        ("pluginstore", "0004_ownership_watch_ratings_lifecycle_fields"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
