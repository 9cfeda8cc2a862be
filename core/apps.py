from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # django.contrib.admin comes first in INSTALLED_APPS, so its autodiscover has loaded
        # every admin module by now, other apps' included.
        from django.contrib import admin

        from core.admin import guard_action_selections

        guard_action_selections(admin.site)
