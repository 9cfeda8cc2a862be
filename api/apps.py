from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Developer API"

    def ready(self) -> None:
        # Registers the task beat sends by name (config.settings: api-token-uses-prune).
        from api import tasks  # noqa: F401
