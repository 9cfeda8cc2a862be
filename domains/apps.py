from django.apps import AppConfig


class DomainsConfig(AppConfig):
    name = "domains"
    verbose_name = "Domain ownership"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services and beat send by name.
        from domains import tasks  # noqa: F401
