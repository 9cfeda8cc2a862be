from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services send by name (core.queue).
        from inbox import receivers, tasks  # noqa: F401

        # Each app may declare notification kinds in its `notices` module (inbox.notices).
        autodiscover_modules("notices")
