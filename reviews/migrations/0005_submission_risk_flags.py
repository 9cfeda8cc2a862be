"""Submission.risk_flags (reviews.risk), and the flags of the submissions open today."""

from django.db import migrations, models

from reviews.risk import compute_flags

OPEN = ("submitted", "in_review", "changes_requested")
DECIDED = ("approved", "rejected")


def backfill(apps, schema_editor):
    Submission = apps.get_model("reviews", "Submission")
    PluginVersion = apps.get_model("pluginstore", "PluginVersion")
    for submission in Submission.objects.filter(state__in=OPEN).select_related("plugin", "version"):
        version, plugin = submission.version, submission.plugin
        decided = Submission.objects.filter(plugin_id=plugin.pk, state__in=DECIDED)
        approved = None
        if plugin.live_version_id and plugin.live_version_id != version.pk:
            approved = PluginVersion.objects.get(pk=plugin.live_version_id)
        else:
            last = (
                decided.filter(state="approved")
                .exclude(version_id=version.pk)
                .order_by("-decided_at", "-id")
                .first()
            )
            approved = last.version if last else None
        submission.risk_flags = compute_flags(
            manifest=version.manifest,
            spec=version.spec,
            manifest_url=version.manifest_url,
            warning_count=version.warning_count,
            first_submission=not decided.exists(),
            approved_manifest=approved.manifest if approved else None,
            approved_manifest_url=approved.manifest_url if approved else None,
        )
        submission.save(update_fields=["risk_flags"])


class Migration(migrations.Migration):
    dependencies = [
        ("pluginstore", "0002_search_index_and_reviewer_permissions"),
        ("reviews", "0004_submission_conversation"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="risk_flags",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
