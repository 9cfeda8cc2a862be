from django.db import migrations

from accounts.reviewers import ensure_reviewer_permissions


def forwards(apps, schema_editor):
    ensure_reviewer_permissions(
        apps,
        "accounts",
        ["view_user", "view_accounttypechange", "view_developeraccessrequest", "decide_developeraccessrequest"],
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
