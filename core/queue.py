"""Sending tasks by name, after commit, without letting a broker outage fail the request.

Services name the task they want run instead of importing it: a tasks module imports its
app's services (tasks are thin), so the reverse import would make a cycle. Each app's
AppConfig.ready imports its tasks module, so every named task is registered in the web
process as in the worker.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def task_named(name: str):
    """The registered Celery task called `name` (its module path and function name)."""
    return current_app.tasks[name]


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send the task named `task_name` with args once the current transaction commits.

    The row the task works on is already committed; if the broker is down the send is
    logged and dropped, and the periodic sweep for that kind of row sends it again later.
    """
    task = task_named(task_name)  # an unknown name fails now, inside the caller's transaction

    def send() -> None:
        try:
            task.delay(*args)
        except (BrokerError, ConnectionError, TimeoutError, OSError):
            logger.warning(
                "Broker unavailable: %s%r not sent now; the sweep will retry", task.name, args
            )

    transaction.on_commit(send)
