from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Registers the Celery tasks beat sends by name, the receivers of the signals inbox and
        # pluginstore send (a reply, a new version), and the review column of the developer's
        # plugin list (pluginstore.developer_list).
        from pluginstore.developer_list import register_row_filler
        from reviews import receivers, tasks  # noqa: F401
        from reviews.developer_list import fill_review_column

        register_row_filler(fill_review_column)
