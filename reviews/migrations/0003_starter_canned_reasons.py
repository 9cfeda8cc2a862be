from django.db import migrations

# The most common rejection reasons of the original store (PRODUCT.md section 4), as a start;
# reviewers edit and add to them in the admin.
REASONS = [
    (
        "C9",
        "Reserved word in the name",
        'The plugin name or description uses a reserved word ("plugin", "ChatGPT", "OpenAI" '
        'or "GPT"), also as part of a longer word. Choose a name without it.',
    ),
    (
        "C6",
        "Name too long",
        "The plugin name should be at most 20 characters so it fits the store and the chat.",
    ),
    (
        "C3",
        "Cannot be installed as given",
        "We could not install the plugin from its manifest and spec as submitted. Check that "
        "both URLs answer over HTTPS and that the spec describes the endpoints the plugin uses.",
    ),
    (
        "C3",
        "Missing legal URL or contact email",
        "The manifest needs a working legal_info_url and a contact_email we can reach.",
    ),
    (
        "C7",
        "Description punctuation",
        "End the description for people with a full stop (or other sentence punctuation) and "
        "check its grammar.",
    ),
    (
        "C11",
        "Actions without OAuth",
        "The spec has operations that change things for the user; those need OAuth so the user "
        "authorises them.",
    ),
]


def forwards(apps, schema_editor):
    CannedReason = apps.get_model("reviews", "CannedReason")
    for criterion, title, text in REASONS:
        CannedReason.objects.get_or_create(
            criterion=criterion, title=title, defaults={"text": text}
        )


def backwards(apps, schema_editor):
    CannedReason = apps.get_model("reviews", "CannedReason")
    for criterion, title, _ in REASONS:
        CannedReason.objects.filter(criterion=criterion, title=title).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_reviewers_permissions")]
    operations = [migrations.RunPython(forwards, backwards)]
