from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Registers the Celery tasks beat sends by name, and the receivers of the signals
        # inbox and pluginstore send (a reply, a new version).
        from reviews import receivers, tasks  # noqa: F401
