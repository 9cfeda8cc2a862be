from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "watch"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        # Registers the beat task (watch.tasks.watch_run_task) with Celery.
        from watch import tasks  # noqa: F401
