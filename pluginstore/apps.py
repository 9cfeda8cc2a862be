from django.apps import AppConfig


class PluginstoreConfig(AppConfig):
    name = "pluginstore"
    verbose_name = "Plugins"

    def ready(self) -> None:
        # Registers the Celery tasks that this app's services send by name (core.queue), and
        # the receivers of other apps' changes; and, since co-developers read in their own
        # thread of a plugin what its owner hears in theirs, who they are (inbox asks).
        from inbox.services import THREAD_FOLLOWERS
        from pluginstore import receivers, tasks  # noqa: F401
        from pluginstore.team_selectors import co_developers_of

        if co_developers_of not in THREAD_FOLLOWERS:
            THREAD_FOLLOWERS.append(co_developers_of)
