"""Reads for the submission bot's page: the conversation and the transcript derived from it.

The page's query count does not depend on how many plugins, messages or submissions the
developer has: one query for the conversation with everything it points to, one for the
plugin list (pick step), two for the previous rejection, three on the filed step.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import User
from domains.selectors import plugin_standings
from inbox.models import Thread
from pluginstore.models import Plugin
from pluginstore.presenters import fetch_job_steps
from pluginstore.selectors import VERSION_SUMMARY_FIELDS, worked_on_by
from reviews import selectors
from reviews.bot.services import (
    BOT_CRITERIA,
    bot_words,
    checked_version,
    next_criterion,
    plugin_blocker,
)
from reviews.models import (
    OPEN_STATES,
    BotStep,
    Criterion,
    Submission,
    SubmissionConversation,
    SubmissionState,
)
from reviews.permissions import submission_blocker

# The version's documents are not shown here; its findings are.
_HEAVY = ("manifest_text", "spec_text", "manifest", "spec")


@dataclass(frozen=True)
class PluginChoice:
    plugin: Plugin
    pickable: bool
    reason: str
    open_state: str
    open_state_label: str
    # The plugin's Domain page when its domain is what blocks it (PRODUCT.md section 9).
    domain_url: str = ""


@dataclass
class Entry:
    """One message of the transcript: who says it, which partial shows it, and its data."""

    who: str  # "bot" or "you"
    template: str
    current: bool = False
    data: dict = field(default_factory=dict)


@dataclass
class BotPage:
    step: str
    conversation: SubmissionConversation | None
    entries: list[Entry]
    job_url: str = ""  # set while a check runs: bot.js polls it
    job_state: str = ""


def plugin_choices(user: User) -> list[PluginChoice]:
    """The developer's plugins for the pick step, each pickable or with the reason; one query."""
    open_submission = Submission.objects.filter(plugin=OuterRef("pk"), state__in=OPEN_STATES)
    plugins = (
        Plugin.objects.filter(worked_on_by(user))
        .prefetch_related("members")
        .select_related("latest_version")
        .only(
            "id",
            "name",
            "domain",
            "status",
            "owner_id",
            "live_version_id",
            *("latest_version__" + f for f in VERSION_SUMMARY_FIELDS),
            "latest_version__content_hash",
        )
        .annotate(
            open_state=Subquery(open_submission.values("state")[:1]),
            rejected_hash=Subquery(selectors.last_rejected_content(OuterRef("pk"))),
        )
        .order_by("name", "id")
    )
    plugins = list(plugins)
    standings = plugin_standings(plugins)
    choices = []
    for plugin in plugins:
        blocker = submission_blocker(
            user,
            plugin,
            open_state=plugin.open_state,
            rejected_hash=plugin.rejected_hash,
            recheck=True,
            domain=standings[plugin.pk],
        )
        reason = bot_words(blocker, plugin.open_state)
        domain_blocks = blocker is not None and blocker.reason.startswith("domain_")
        choices.append(
            PluginChoice(
                plugin=plugin,
                pickable=not reason,
                reason=reason,
                domain_url=blocker.domain_page if domain_blocks else "",
                open_state=plugin.open_state or "",
                open_state_label=(
                    SubmissionState(plugin.open_state).label if plugin.open_state else ""
                ),
            )
        )
    # Pickable ones first, in name order.
    choices.sort(key=lambda c: not c.pickable)
    return choices


def active_conversation(user: User) -> SubmissionConversation | None:
    """The user's active conversation with what the transcript needs, in one query."""
    open_submission = Submission.objects.filter(
        plugin=OuterRef("plugin_id"), state__in=OPEN_STATES
    ).values("state")[:1]
    return (
        SubmissionConversation.objects.filter(user=user, is_active=True)
        .annotate(
            plugin_open_state=Subquery(open_submission),
            plugin_rejected_hash=Subquery(selectors.last_rejected_content(OuterRef("plugin_id"))),
        )
        .select_related(
            "plugin__latest_version",
            "fetch_job__version",
            "version",
            "submission__version",
        )
        .defer(
            "plugin__search_vector",
            *("plugin__latest_version__" + f for f in _HEAVY),
            *("fetch_job__version__" + f for f in _HEAVY),
            *("version__" + f for f in _HEAVY),
            *("submission__version__" + f for f in _HEAVY),
        )
        .first()
    )


def previous_rejection(plugin_id: int, *, exclude_id: int | None = None) -> Submission | None:
    """The plugin's last submission if it was rejected, with its failed criteria (2 queries)."""
    last = (
        Submission.objects.filter(plugin_id=plugin_id)
        .exclude(pk=exclude_id)
        .select_related("version")
        .only(
            "state", "submitted_at", "decided_at", "developer_note", "plugin_id", "version__number"
        )
        .prefetch_related(selectors.failed_results_prefetch())
        .order_by("-submitted_at", "-id")
        .first()
    )
    if last is None or last.state != SubmissionState.REJECTED:
        return None
    return last


def _check_entry(conversation: SubmissionConversation, current: bool) -> Entry:
    job = conversation.fetch_job
    data: dict = {"job": job, "checks_run": conversation.checks_run}
    if job is None:
        data["outcome"] = "none"
    elif not job.is_finished:
        data["outcome"] = "running"
        data["progress"] = fetch_job_steps(job)
    else:
        version = checked_version(job, conversation.plugin)
        data["newer"] = version is not None and version.pk != job.version_id
        findings = version.findings if version is not None else job.findings
        findings = [f for f in findings or [] if isinstance(f, dict)]
        data["version"] = version
        data["errors"] = [f for f in findings if f.get("severity") == "error"]
        data["warnings"] = [f for f in findings if f.get("severity") != "error"]
        if version is None:
            data["outcome"] = "failed"
        elif version.error_count:
            data["outcome"] = "errors"
        elif conversation.plugin.live_version_id == version.pk:
            data["outcome"] = "live"
        else:
            data["outcome"] = "ok"
    return Entry("bot", "reviews/bot/_check.html", current=current, data=data)


def _you(text: str) -> Entry:
    return Entry("you", "reviews/bot/_text.html", data={"text": text})


def _bot(text: str) -> Entry:
    return Entry("bot", "reviews/bot/_text.html", data={"text": text})


def bot_page(user: User, *, preselect_id: int | None = None, notice: dict | None = None) -> BotPage:
    """Everything the bot page shows: the transcript so far and the current question."""
    conversation = active_conversation(user)
    greeting = _bot(
        f"Hi {user.public_name}! I'll help you submit a plugin for review, one question at a "
        "time. You can leave at any point and come back: I'll remember where we were."
    )
    entries = [greeting]
    decided = conversation is not None and _decided_since_filing(conversation)
    fresh = (
        conversation is None
        or conversation.step == BotStep.PICK
        or decided
        or (
            conversation.step == BotStep.DONE
            and preselect_id is not None
            and preselect_id != conversation.plugin_id
        )
    )
    if fresh:
        if decided:
            entries.append(_bot(_where_it_stands(conversation)))
        choices = plugin_choices(user)
        if preselect_id is None or not any(
            c.pickable and c.plugin.pk == preselect_id for c in choices
        ):
            preselect_id = next((c.plugin.pk for c in choices if c.pickable), None)
        entries.append(
            Entry(
                "bot",
                "reviews/bot/_pick.html",
                current=True,
                data={
                    "choices": choices,
                    "preselect_id": preselect_id,
                    "any_pickable": any(c.pickable for c in choices),
                },
            )
        )
        return _with_notice(BotPage(BotStep.PICK, None, entries), notice)

    step = conversation.step
    plugin = conversation.plugin
    entries.append(_bot("Which plugin do you want to submit for review?"))
    entries.append(_you(plugin.display_name))
    rejection = previous_rejection(plugin.pk, exclude_id=conversation.submission_id)
    if rejection is not None:
        entries.append(
            Entry(
                "bot",
                "reviews/bot/_rejection.html",
                data={
                    "submission": rejection,
                    "failed": selectors.failed_criteria(rejection),
                },
            )
        )

    page = BotPage(step, conversation, entries)
    if notice is None:
        notice = _heads_up(user, conversation, preselect_id)
    entries.append(_check_entry(conversation, current=step == BotStep.CHECK))
    if step == BotStep.CHECK:
        job = conversation.fetch_job
        if job is not None and not job.is_finished:
            page.job_url = reverse("developer:job", kwargs={"job_id": job.pk})
            page.job_state = job.state
        return _with_notice(page, notice)
    version = conversation.version
    entries.append(_you(f"Continue with version {version.number}." if version else "Continue."))

    explanations = dict(BOT_CRITERIA)
    for criterion in conversation.confirmed_criteria or []:
        entries.append(_criterion_entry(criterion, explanations, current=False))
        entries.append(_you(f"Confirmed {criterion}: {Criterion(criterion).label}."))
    if step == BotStep.CRITERIA:
        upcoming = next_criterion(conversation)
        entries.append(_criterion_entry(upcoming, explanations, current=True))
        return _with_notice(page, notice)

    entries.append(
        Entry(
            "bot",
            "reviews/bot/_note.html",
            current=step == BotStep.NOTE,
            data={"note": conversation.note},
        )
    )
    if step == BotStep.NOTE:
        return _with_notice(page, notice)
    entries.append(_you(conversation.note or "No note, thanks."))

    summary = {
        "plugin": plugin,
        "version": version,
        "criteria": [(c, Criterion(c).label) for c in conversation.confirmed_criteria or []],
        "note": conversation.note,
    }
    entries.append(
        Entry("bot", "reviews/bot/_summary.html", current=step == BotStep.SUMMARY, data=summary)
    )
    if step == BotStep.SUMMARY:
        return _with_notice(page, notice)
    entries.append(_you("File submission."))
    entries.append(_done_entry(conversation))
    return _with_notice(page, notice)


def _decided_since_filing(conversation: SubmissionConversation) -> bool:
    """A filed conversation whose submission is no longer open (decided, withdrawn or gone):
    its "Filed!" bubble is history, so the bot starts afresh and says where things stand."""
    if conversation.step != BotStep.DONE:
        return False
    return conversation.submission is None or not conversation.submission.is_open


def _where_it_stands(conversation: SubmissionConversation) -> str:
    """The current state of the last filed submission and of its plugin, not the old bubble."""
    plugin, submission = conversation.plugin, conversation.submission
    now = f"{plugin.display_name} is {plugin.get_status_display().lower()} now."
    if submission is None:
        return f"The submission of {plugin.display_name} you filed here no longer exists. {now}"
    when = date_format(localtime(submission.decided_at or submission.submitted_at), "j F Y")
    return (
        f"Your last submission, version {submission.version.number} of "
        f"{plugin.display_name}, was {submission.get_state_display().lower()} on {when}. {now}"
    )


def _heads_up(
    user: User, conversation: SubmissionConversation, preselect_id: int | None
) -> dict | None:
    """What the bot notices on its own when the page is opened mid-way (no query of its own):
    the plugin changed behind its back, or the developer came for another plugin."""
    if conversation.step == BotStep.DONE:
        return None
    plugin = conversation.plugin
    blocker = plugin_blocker(
        user, plugin, conversation.plugin_open_state, conversation.plugin_rejected_hash
    )
    if blocker:
        return {
            "level": "warning",
            "text": f"Heads-up: {plugin.display_name} changed since we started. {blocker} "
            "Start over to pick another plugin.",
        }
    if conversation.version_id and plugin.latest_version_id != conversation.version_id:
        return {
            "level": "warning",
            "text": f"Heads-up: a newer version of {plugin.display_name} was fetched since "
            "the check. At your next answer I'll ask you to check it.",
        }
    if preselect_id is not None and preselect_id != plugin.pk:
        return {
            "level": "info",
            "text": f"We're in the middle of submitting {plugin.display_name}. Finish it "
            "first, or press Start over to pick another plugin.",
        }
    return None


def _criterion_entry(criterion: str, explanations: dict, *, current: bool) -> Entry:
    position = [c for c, _ in BOT_CRITERIA].index(criterion) + 1
    return Entry(
        "bot",
        "reviews/bot/_criterion.html",
        current=current,
        data={
            "criterion": criterion,
            "label": Criterion(criterion).label,
            "explanation": explanations[criterion],
            "position": position,
            "total": len(BOT_CRITERIA),
        },
    )


def _done_entry(conversation: SubmissionConversation) -> Entry:
    submission = conversation.submission
    data: dict = {"submission": submission, "plugin": conversation.plugin}
    if submission is not None and submission.is_open:
        position = selectors.queue_position(submission)
        data["position"] = position
        data["expected_at"] = selectors.expected_decision_date(submission, position=position)
    thread_id = (
        Thread.objects.filter(owner_id=conversation.user_id, plugin_id=conversation.plugin_id)
        .values_list("pk", flat=True)
        .first()
    )
    data["thread_url"] = (
        reverse("help:thread", kwargs={"thread_id": thread_id})
        if thread_id
        else reverse("help:messages")
    )
    return Entry("bot", "reviews/bot/_done.html", current=True, data=data)


def _with_notice(page: BotPage, notice: dict | None) -> BotPage:
    """A refusal or a change the bot noticed is said just before the current question."""
    if notice:
        entry = Entry(
            "bot",
            "reviews/bot/_notice.html",
            data={"text": notice.get("text", ""), "level": notice.get("level", "error")},
        )
        at = next((i for i, e in enumerate(page.entries) if e.current), len(page.entries))
        page.entries.insert(at, entry)
        if at + 1 < len(page.entries):
            # The question's choices point at what was refused (aria-describedby).
            page.entries[at + 1].data["notice_id"] = "bot-notice"
            page.entries[at + 1].data["notice_level"] = entry.data["level"]
    return page
