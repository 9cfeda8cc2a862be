from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Ratings and reviews"

    def ready(self) -> None:
        # The receivers of pluginstore's install signal and of account deletions.
        from ratings import receivers  # noqa: F401
