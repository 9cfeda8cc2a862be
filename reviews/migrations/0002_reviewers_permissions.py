from django.db import migrations

from accounts.reviewers import ensure_reviewer_permissions


def forwards(apps, schema_editor):
    ensure_reviewer_permissions(
        apps,
        "reviews",
        [
            "review_submission",
            "view_submission",
            "view_criterionresult",
            "view_submissionevent",
            "view_cannedreason",
            "add_cannedreason",
            "change_cannedreason",
            "delete_cannedreason",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_submissions"),
        ("accounts", "0002_reviewers_group"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
