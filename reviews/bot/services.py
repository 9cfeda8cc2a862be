"""The submission bot's state machine (/help/submit/): every write to a conversation.

A conversation moves pick → check → criteria → note → summary → done. Each service takes the
step the developer's form was showing and refuses (ApplicationError, nothing changed) when the
conversation is elsewhere, so a stale tab, a double click or a hand-made POST cannot skip a
step. Services lock the user's active conversation first and the plugin second.

The plugin can change while the developer talks to the bot (a submission opened from another
tab, a ban, a new version fetched). Every step re-reads it under the lock; when it changed the
service moves the conversation back (or ends it) and returns what the bot should say, instead
of doing the step. Those services return that notice ("" when the step was taken).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from domains.selectors import DomainStanding
from pluginstore import services as plugin_services
from pluginstore.models import FetchJobState, Plugin
from pluginstore.permissions import can_manage
from pluginstore.selectors import worked_on_by
from reviews import selectors
from reviews import services as review_services
from reviews.models import (
    NOTE_MAX_LENGTH,
    OPEN_STATES,
    BotStep,
    Criterion,
    Submission,
    SubmissionConversation,
    SubmissionState,
)
from reviews.permissions import APPEAL_HINT, SubmissionBlocker, submission_blocker

# The human criteria the developer confirms, in order, each with a one-line explanation.
BOT_CRITERIA: tuple[tuple[str, str], ...] = (
    (
        Criterion.C1,
        "Nothing illegal, hateful, sexual, violent or deceptive, and it does not help anyone "
        "do such things.",
    ),
    (
        Criterion.C2,
        "The name, logo and description do not imitate another brand or suggest that we, "
        "or anyone else, endorse it.",
    ),
    (
        Criterion.C4,
        "When a call fails, the API answers with a message a person can act on, not a bare "
        "status code.",
    ),
    (
        Criterion.C8,
        "If it only works in some countries, languages or for some tasks, the description says so.",
    ),
    (
        Criterion.C10,
        "Before it books, buys, sends or deletes anything, the assistant asks the user to confirm.",
    ),
    (
        Criterion.C11,
        "If it takes actions in the world for the user, it signs the user in with OAuth.",
    ),
)
BOT_CRITERION_IDS = tuple(str(c) for c, _ in BOT_CRITERIA)


def plugin_blocker(
    user: User,
    plugin: Plugin,
    open_state: str | None,
    rejected_hash: str | None,
    domain: DomainStanding | None = None,
) -> str:
    """Why the bot can't take this plugin now, in the bot's words ("" if it can).

    The verdict is reviews.permissions.submission_blocker's, without the latest version's own
    checks: the bot fetches and checks the plugin again before it files. open_state is the
    state of the plugin's open submission, if any, and rejected_hash the content of its last
    rejected version (reviews.selectors.last_rejected_content); the caller loads both. domain
    is the owner's standing with the plugin's domain when the caller loaded it (a list).
    """
    blocker = submission_blocker(
        user,
        plugin,
        open_state=open_state,
        rejected_hash=rejected_hash,
        recheck=True,
        domain=domain,
    )
    return bot_words(blocker, open_state)


def bot_words(blocker: SubmissionBlocker | None, open_state: str | None) -> str:
    """A submission_blocker verdict in the bot's words ("" for none)."""
    if blocker is None:
        return ""
    if blocker.reason == "banned":
        return f"It is banned, so nobody can use it and it can't be submitted. {APPEAL_HINT}"
    if blocker.reason == "open" and open_state == SubmissionState.CHANGES_REQUESTED:
        return (
            "A reviewer asked for changes to its submission. Answer by replying in the "
            "plugin's thread in Help > Messages, or change your manifest or spec and refresh "
            "it on the plugin's page: either puts the submission back in the queue, in its "
            "old place."
        )
    if blocker.reason == "open":
        label = SubmissionState(open_state).label.lower()
        return (
            f"It already has a submission that is {label}. Wait for the decision, or withdraw "
            "it on the plugin's page to submit again."
        )
    if blocker.reason == "domain_unverified" and blocker.domain.state == "taken":
        return (
            f"Another developer verified {blocker.plugin.domain}, so they own it and this "
            f"plugin can't be submitted. Its Domain page says more: {blocker.domain_page}"
        )
    if blocker.reason == "domain_unverified":
        return (
            f"Its domain {blocker.plugin.domain} isn't verified yet. Prove that you control it "
            f"on the plugin's Domain page ({blocker.domain_page}), then come back to submit."
        )
    if blocker.reason == "domain_proof_lost_blocked":
        return (
            f"Your proof for {blocker.plugin.domain} has been missing too long, so submissions "
            f"are blocked. Put it back and check it on the Domain page: {blocker.domain_page}"
        )
    if blocker.reason == "live":
        return (
            "Its latest version is already live. Change your manifest or spec and refresh it "
            "on the plugin's page to submit a new version."
        )
    return blocker.message


def checked_version(job, plugin: Plugin):
    """The version the bot's check step is about: the check's own version, or the plugin's
    latest one when a newer version was fetched after the check (the developer fixed the
    manifest and pressed Refresh on the plugin page). Versions are immutable and keep their
    findings, so the newer one needs no second check. None when the check fetched nothing."""
    version = job.version if job.state == FetchJobState.DONE else None
    latest = plugin.latest_version
    if latest is None:
        return version
    if version is None:
        # The check fetched nothing; a version fetched after it is the one to talk about.
        return latest if latest.fetched_at >= job.created_at else None
    return latest if latest.number > version.number else version


def next_criterion(conversation: SubmissionConversation) -> str | None:
    """The first criterion not confirmed yet, or None when all are."""
    confirmed = set(conversation.confirmed_criteria or [])
    return next((c for c in BOT_CRITERION_IDS if c not in confirmed), None)


# Helpers ------------------------------------------------------------------------------------


def _active(user: User) -> SubmissionConversation | None:
    return (
        SubmissionConversation.objects.select_for_update().filter(user=user, is_active=True).first()
    )


def _wrong_step(conversation: SubmissionConversation | None) -> ApplicationError:
    current = conversation.step if conversation else BotStep.PICK
    if current == BotStep.DONE:
        where = "this submission is already filed; start again to submit another plugin"
    else:
        where = f"we are at the step “{BotStep(current).label}”"
    return ApplicationError(
        f"That answer belongs to another step of the conversation ({where}). Nothing was "
        "changed; answer the question below."
    )


def _current(user: User, step: str) -> SubmissionConversation:
    """The user's active conversation, locked, if it is at `step`; otherwise refuse."""
    conversation = _active(user)
    if conversation is None or conversation.step != step:
        raise _wrong_step(conversation)
    return conversation


def _end(conversation: SubmissionConversation) -> None:
    conversation.is_active = False
    conversation.ended_at = timezone.now()
    conversation.save(update_fields=["is_active", "ended_at", "updated_at"])


def _open_state(plugin_id: int) -> str | None:
    return (
        Submission.objects.filter(plugin_id=plugin_id, state__in=OPEN_STATES)
        .values_list("state", flat=True)
        .first()
    )


def _locked_plugin(user: User, plugin_id) -> Plugin | None:
    """The user's own plugin, locked; None for anyone else's (whose existence we don't tell)."""
    try:
        plugin_id = int(plugin_id)
    except (TypeError, ValueError):
        return None
    # Its owner's or a co-developer's (PRODUCT.md section 13).
    plugin = Plugin.objects.select_for_update().filter(worked_on_by(user), pk=plugin_id).first()
    if plugin is None or not can_manage(user, plugin):
        return None
    return plugin


def _start_check(conversation: SubmissionConversation, user: User) -> str:
    """Queue a refresh-and-check of the conversation's plugin; the notice if it can't start."""
    conversation.fetch_job = None
    conversation.version = None
    try:
        job = plugin_services.plugin_refresh_start(user=user, plugin_id=conversation.plugin_id)
    except ApplicationError as error:
        conversation.save(update_fields=["fetch_job", "version", "updated_at"])
        return f"I couldn't start the check: {error.message} Then press Re-check."
    conversation.fetch_job = job
    conversation.checks_run += 1
    conversation.save(update_fields=["fetch_job", "version", "checks_run", "updated_at"])
    return ""


def _revalidate(conversation: SubmissionConversation, user: User) -> str:
    """Re-read the plugin under its lock; if it can't go on as planned, move the conversation
    back (or end it) and say why. "" when nothing changed."""
    plugin = _locked_plugin(user, conversation.plugin_id)
    if plugin is None:
        _end(conversation)
        return "This plugin is no longer yours to submit, so I stopped. Nothing was filed."
    blocker = plugin_blocker(
        user, plugin, _open_state(plugin.pk), selectors.rejected_content_hash(plugin.pk)
    )
    if blocker:
        _end(conversation)
        return (
            f"{plugin.display_name} changed while we were talking. {blocker} "
            "I stopped this submission; nothing was filed."
        )
    if conversation.version_id and plugin.latest_version_id != conversation.version_id:
        conversation.step = BotStep.CHECK
        conversation.fetch_job = None
        conversation.version = None
        conversation.confirmed_criteria = []
        conversation.save(
            update_fields=["step", "fetch_job", "version", "confirmed_criteria", "updated_at"]
        )
        return (
            f"A newer version of {plugin.display_name} was fetched since the check. I have to "
            "check it before you can file it, and you'll confirm the criteria again for it: "
            "press Re-check."
        )
    return ""


# Steps --------------------------------------------------------------------------------------


@transaction.atomic
def conversation_start(*, user: User, plugin_id) -> tuple[SubmissionConversation, str]:
    """Step 1: the developer picks a plugin; a new conversation starts its check."""
    conversation = _active(user)
    if conversation is not None and conversation.step not in (BotStep.PICK, BotStep.DONE):
        raise _wrong_step(conversation)
    if plugin_id in (None, ""):
        raise ApplicationError("Choose one of your plugins first.")
    plugin = _locked_plugin(user, plugin_id)
    if plugin is None:
        raise ApplicationError("I can't find that plugin among yours. Choose one from the list.")
    blocker = plugin_blocker(
        user, plugin, _open_state(plugin.pk), selectors.rejected_content_hash(plugin.pk)
    )
    if blocker:
        raise ApplicationError(f"{plugin.display_name} can't be submitted now. {blocker}")
    if conversation is not None:
        _end(conversation)
    try:
        with transaction.atomic():
            conversation = SubmissionConversation.objects.create(
                user=user, plugin=plugin, step=BotStep.CHECK
            )
    except IntegrityError:
        # Another tab started one in the meantime.
        raise ApplicationError(
            "You already have a submission in progress. Continue it below."
        ) from None
    return conversation, _start_check(conversation, user)


@transaction.atomic
def conversation_recheck(*, user: User) -> tuple[SubmissionConversation, str]:
    """Step 2 again: refresh the plugin and run the checks once more (after a fix)."""
    conversation = _current(user, BotStep.CHECK)
    job = conversation.fetch_job
    if job is not None and not job.is_finished:
        raise ApplicationError("The check is still running. Wait for it to finish.")
    notice = _revalidate(conversation, user)
    if notice and not conversation.is_active:
        return conversation, notice
    return conversation, _start_check(conversation, user)


@transaction.atomic
def conversation_accept_check(*, user: User) -> tuple[SubmissionConversation, str]:
    """Step 2 done: the checked version has no errors; go on to the criteria."""
    conversation = _current(user, BotStep.CHECK)
    job = conversation.fetch_job
    if job is None:
        raise ApplicationError("Run the check first: press Re-check.")
    if not job.is_finished:
        raise ApplicationError("The check is still running. Wait for it to finish.")
    notice = _revalidate(conversation, user)
    if notice:
        return conversation, notice
    plugin = conversation.plugin  # read after _revalidate locked it
    version = checked_version(job, plugin)
    if version is None:
        raise ApplicationError(
            "The check could not fetch your plugin. Fix the problem shown and press Re-check."
        )
    if version.error_count:
        raise ApplicationError(
            f"Version {version.number} has {version.error_count} error(s) that block the "
            "submission. Fix them, then press Re-check."
        )
    if plugin.latest_version_id != version.pk:
        conversation.fetch_job = None
        conversation.save(update_fields=["fetch_job", "updated_at"])
        return conversation, (
            f"A newer version of {plugin.display_name} was fetched since this check. "
            "Press Re-check to check it."
        )
    conversation.version = version
    conversation.step = BotStep.CRITERIA
    conversation.save(update_fields=["version", "step", "updated_at"])
    return conversation, ""


@transaction.atomic
def conversation_confirm_criterion(
    *, user: User, criterion: str
) -> tuple[SubmissionConversation, str]:
    """Step 4: the developer confirms the criteria one at a time, in order."""
    conversation = _current(user, BotStep.CRITERIA)
    expected = next_criterion(conversation)
    if criterion != expected:
        if criterion in (conversation.confirmed_criteria or []):
            raise ApplicationError(f"You already confirmed {criterion}. Nothing was changed.")
        raise ApplicationError(
            f"Please answer the question about {expected} first. Nothing was changed."
        )
    notice = _revalidate(conversation, user)
    if notice:
        return conversation, notice
    conversation.confirmed_criteria = [*(conversation.confirmed_criteria or []), criterion]
    fields = ["confirmed_criteria", "updated_at"]
    if next_criterion(conversation) is None:
        conversation.step = BotStep.NOTE
        fields.append("step")
    conversation.save(update_fields=fields)
    return conversation, ""


@transaction.atomic
def conversation_set_note(*, user: User, note: str) -> tuple[SubmissionConversation, str]:
    """Step 5: an optional note for the reviewer."""
    conversation = _current(user, BotStep.NOTE)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ApplicationError(
            f"The note is too long: at most {NOTE_MAX_LENGTH} characters, yours has {len(note)}."
        )
    notice = _revalidate(conversation, user)
    if notice:
        return conversation, notice
    conversation.note = note
    conversation.step = BotStep.SUMMARY
    conversation.save(update_fields=["note", "step", "updated_at"])
    return conversation, ""


@transaction.atomic
def conversation_file(*, user: User) -> tuple[SubmissionConversation, str]:
    """Step 7: file the submission the summary showed.

    The plugin is locked by _revalidate and again by submission_create (same transaction),
    so the version compared here is the version filed.
    """
    conversation = _current(user, BotStep.SUMMARY)
    notice = _revalidate(conversation, user)
    if notice:
        return conversation, notice
    submission = review_services.submission_create(
        plugin_id=conversation.plugin_id, by=user, note_to_reviewer=conversation.note
    )
    conversation.submission = submission
    conversation.step = BotStep.DONE
    conversation.save(update_fields=["submission", "step", "updated_at"])
    return conversation, ""


@transaction.atomic
def conversation_end(*, user: User) -> bool:
    """Start over or cancel: the active conversation ends (kept as a record). True if one did."""
    conversation = _active(user)
    if conversation is None:
        return False
    _end(conversation)
    return True


def conversation_record_filed(*, user: User, submission: Submission) -> SubmissionConversation:
    """Record a submission filed outside the chat (the developer API) whose developer listed
    every human criterion as confirmed: an ended conversation pointing at it, where the
    reviewer's workbench reads the bot's confirmations, whichever way the developer filed."""
    return SubmissionConversation.objects.create(
        user=user,
        plugin_id=submission.plugin_id,
        step=BotStep.DONE,
        version=submission.version,
        confirmed_criteria=list(BOT_CRITERION_IDS),
        note=submission.note_to_reviewer,
        submission=submission,
        is_active=False,
        ended_at=timezone.now(),
    )
