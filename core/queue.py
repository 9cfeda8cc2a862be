"""Sending tasks after commit without letting a broker outage fail the request."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send task(*args) once the current transaction commits.

    The row the task works on is already committed; if the broker is down the send is
    logged and dropped, and the periodic sweep for that kind of row sends it again later.
    """

    def send() -> None:
        try:
            task.delay(*args)
        except (BrokerError, ConnectionError, TimeoutError, OSError):
            logger.warning(
                "Broker unavailable: %s%r not sent now; the sweep will retry", task.name, args
            )

    transaction.on_commit(send)
