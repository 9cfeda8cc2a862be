from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "User reports"

    def ready(self) -> None:
        # The receiver that tells former installers when a banned plugin is approved again.
        from reports import receivers  # noqa: F401
