"""The API's writes that are more than one call to another app's service.

Submitting through the API is the submission bot's filing without the chat: the developer lists
the human criteria they confirm, the plugin is locked, reviews.permissions.submission_blocker
answers under the lock (its reason is the API's error code, its message the web's words), and
reviews.services.submission_create files it. The confirmations are recorded by the bot's own
service (reviews.bot.services.conversation_record_filed: an ended SubmissionConversation pointing
at the submission), where the reviewer's workbench reads the bot's, so the reviewer sees what
the developer confirmed whichever way they filed.
"""

from django.db import transaction

from accounts.models import User
from api.errors import ApiError
from core.exceptions import ApplicationError
from domains import proof
from domains import selectors as domain_selectors
from domains import services as domain_services
from pluginstore.models import Plugin
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.bot import BOT_CRITERION_IDS
from reviews.bot.services import conversation_record_filed
from reviews.models import OPEN_STATES, Submission
from reviews.permissions import submission_blocker


def unconfirmed_criteria(confirmed: list[str]) -> list[str]:
    """The human criteria missing from what the developer listed, in the bot's order."""
    given = {str(c).strip().upper() for c in confirmed}
    return [c for c in BOT_CRITERION_IDS if c not in given]


@transaction.atomic
def api_submission_create(
    *, user: User, plugin_id: int, confirmed_criteria: list[str], note_to_reviewer: str = ""
) -> Submission:
    """File the plugin's latest version for review, as the bot files it; ApiError if not."""
    unknown = sorted({str(c) for c in confirmed_criteria} - set(BOT_CRITERION_IDS))
    if unknown:
        raise ApiError(
            "criteria_unconfirmed",
            f"Only the human criteria {', '.join(BOT_CRITERION_IDS)} are confirmed by you; "
            f"not {', '.join(unknown)[:200]}.",
        )
    missing = unconfirmed_criteria(confirmed_criteria)
    if missing:
        raise ApiError(
            "criteria_unconfirmed",
            f"Confirm every human review criterion before submitting; missing: "
            f"{', '.join(missing)}.",
            extra={"missing": missing},
        )
    plugin = (
        Plugin.objects.select_for_update(of=("self",))
        .select_related("latest_version")
        .filter(pk=plugin_id)
        .first()
    )
    if plugin is None:
        raise ApiError("not_found", "Not found.")
    open_state = (
        Submission.objects.filter(plugin=plugin, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )
    blocker = submission_blocker(
        user,
        plugin,
        open_state=open_state,
        rejected_hash=review_selectors.rejected_content_hash(plugin.pk),
    )
    if blocker is not None:
        raise ApiError(blocker.reason, blocker.message)
    try:
        submission = review_services.submission_create(
            plugin_id=plugin.pk, by=user, note_to_reviewer=note_to_reviewer
        )
    except ApplicationError as error:
        raise ApiError("refused", error.message) from None
    conversation_record_filed(user=user, submission=submission)
    return submission


def domain_out(*, user: User, plugin: Plugin) -> dict:
    """Where the user stands with the plugin's domain, the proof to publish, the newest check."""
    standing, job = domain_selectors.verification_state(developer_id=user.pk, domain=plugin.domain)
    claim = standing.claim
    return {
        "domain": plugin.domain,
        "state": standing.state,
        "may_submit": standing.may_submit,
        "txt_record": proof.txt_value(claim.token) if claim is not None else None,
        "dns_names": [name for _, name in proof.dns_names(plugin.domain)],
        "file_url": proof.file_url(plugin.domain),
        "check": None
        if job is None
        else {
            "id": job.pk,
            "state": job.state,
            "state_label": job.get_state_display(),
            "finished": job.is_finished,
            "outcome": job.outcome,
            "outcome_label": job.get_outcome_display() if job.outcome else "",
            "error": job.error,
            "attempts": [a for a in job.attempts or [] if isinstance(a, dict)],
        },
    }


def domain_verify(*, user: User, plugin: Plugin) -> dict:
    """Start a look for the proof of the plugin's domain (PRODUCT.md section 9), as the domain
    page's Check now does; the answer's check shows its progress (GET .../domain)."""
    try:
        domain_services.verification_start(user=user, plugin=plugin)
    except ApplicationError as error:
        raise ApiError("domain_refused", error.message) from None
    return domain_out(user=user, plugin=plugin)
