"""The Celery app, wired as in cookiecutter-django: settings come from Django's CELERY_* names."""

import os

from celery import Celery

from config import broker_filesystem  # noqa: F401 (filesystem:// writes messages atomically)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("pluginstore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_run_folders(sender, **kwargs) -> None:
    """The filesystem transport and beat's schedule file expect their folders to exist."""
    from pathlib import Path

    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if sender.conf.beat_schedule_filename:
        Path(sender.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)
