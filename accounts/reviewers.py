"""The Reviewers group and its permissions.

Later apps add theirs from a data migration with ensure_reviewer_permissions.
"""

REVIEWERS_GROUP = "Reviewers"


def ensure_reviewer_permissions(apps, app_label: str, codenames: list[str]) -> None:
    """Create the Reviewers group if needed and give it these permissions of one app.

    Called from data migrations. Django creates permissions after migrate, so they are
    created here first for the app that owns them.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    app_config = global_apps.get_app_config(app_label)
    create_contenttypes(app_config, verbosity=0, apps=apps)
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    found = set(perms.values_list("codename", flat=True))
    missing = set(codenames) - found
    if missing:
        raise RuntimeError(f"Permissions not found for {app_label}: {sorted(missing)}")
    group.permissions.add(*perms)
