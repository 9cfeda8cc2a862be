from django.db import migrations

from accounts.reviewers import ensure_reviewer_permissions


def add_reviewer_permissions(apps, schema_editor):
    ensure_reviewer_permissions(
        apps,
        "pluginstore",
        [
            "review_plugin",
            "ban_plugin",
            "view_plugin",
            "change_plugin",  # every field is read-only; it shows the ban/reinstate buttons
            "view_pluginversion",
            "view_pluginstatuschange",
            "view_installation",
            "view_testerinvitation",
        ],
    )


def create_search_index(apps, schema_editor):
    # GIN over the stored tsvector; PostgreSQL only (SQLite falls back to LIKE).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS plugin_search_vector_gin "
            "ON pluginstore_plugin USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS plugin_search_vector_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("pluginstore", "0001_initial"),
        ("accounts", "0002_reviewers_group"),
    ]
    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(add_reviewer_permissions, migrations.RunPython.noop),
    ]
