from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and access"

    def ready(self) -> None:
        # The user copy's bumps (accounts.middleware.user_changed) must be connected in every
        # process that saves users, the worker too, not only where the middleware is loaded.
        from accounts import middleware  # noqa: F401
        from accounts.templatetags.site_header import header_state
        from core import fragments

        # Page frames are kept per state of the signed-in header this app draws.
        fragments.register_frame_state(header_state)
