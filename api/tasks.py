"""Beat's pruning of the API token audit."""

from celery import shared_task

from api import tokens


@shared_task(time_limit=300, soft_time_limit=240)
def api_token_uses_prune_task() -> int:
    return tokens.token_uses_prune()
