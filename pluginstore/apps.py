from django.apps import AppConfig


class PluginstoreConfig(AppConfig):
    name = "pluginstore"
    verbose_name = "Plugins"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services send by name (core.queue).
        from pluginstore import tasks  # noqa: F401
