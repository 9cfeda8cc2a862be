from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Messages"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services send by name (core.queue).
        from inbox import tasks  # noqa: F401
