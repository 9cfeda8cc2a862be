from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data `make run` seeds, and the demo plugin it serves. It builds through every
    app's services (moderation included), so it stands on the top floor, under config only."""

    name = "demo"
    verbose_name = "Demo data"
