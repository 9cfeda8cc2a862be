from django.apps import AppConfig


class PluginstoreConfig(AppConfig):
    name = "pluginstore"
    verbose_name = "Plugins"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services send by name (core.queue), and
        # the receivers of other apps' changes.
        from pluginstore import receivers, tasks  # noqa: F401
