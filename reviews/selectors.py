"""Reads of submissions that are more than a get: queue position, expected date, history, the
diff from the approved version (structured lines, and as text)."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.diff import (  # noqa: F401 (the workbench reads them from here too)
    DIFF_ADDED,
    DIFF_CONTEXT,
    DIFF_HUNK,
    DIFF_REMOVED,
    DiffLine,
    DocumentDiff,
    document_diff,
    pretty_encoder,
    pretty_lines,
)
from inbox.models import Message, Thread
from pluginstore.models import PluginVersion
from pluginstore.selectors import VERSION_DOCUMENT_FIELDS
from reviews.models import (
    QUEUE_STATES,
    Criterion,
    CriterionOutcome,
    CriterionResult,
    Submission,
    SubmissionEvent,
    SubmissionState,
)

# The expected date assumes the reviewers keep deciding as many submissions a day as they did
# over the last THROUGHPUT_WINDOW_DAYS, and at least MIN_DECISIONS_PER_DAY.
THROUGHPUT_WINDOW_DAYS = 14
MIN_DECISIONS_PER_DAY = 1.0

# Listing pages need a version's number, not its documents.
HEAVY_VERSION_FIELDS = (
    *(f"version__{field}" for field in VERSION_DOCUMENT_FIELDS),
    "version__findings",
)


def queue_position(submission: Submission) -> int | None:
    """1 for the oldest submission with the reviewers, counting those in review; None once it
    is closed, and while its developer is asked for changes (it comes back to this place)."""
    if not submission.is_with_reviewers:
        return None
    ahead = Submission.objects.filter(state__in=QUEUE_STATES).filter(
        Q(submitted_at__lt=submission.submitted_at)
        | Q(submitted_at=submission.submitted_at, pk__lt=submission.pk)
    )
    return ahead.count() + 1


def last_rejected_content(plugin) -> QuerySet:
    """The content hash of the version of the plugin's last rejection that asks for an updated
    version (a reviewer's, or at the changes-requested deadline; not a ban's, whose verdict was
    on the plugin), as a one-row values query: Subquery() it with OuterRef in a list."""
    return (
        Submission.objects.filter(
            plugin=plugin, state=SubmissionState.REJECTED, rejected_for_ban=False
        )
        .order_by("-decided_at", "-id")
        .values("version__content_hash")[:1]
    )


def rejected_content_hash(plugin_id: int) -> str | None:
    """last_rejected_content for one plugin: the hash, or None if nothing asks for an update."""
    row = last_rejected_content(plugin_id).first()
    return row["version__content_hash"] if row else None


def decisions_per_day() -> float:
    """How many submissions reviewers decided a day, lately (never below the minimum)."""
    since = timezone.now() - datetime.timedelta(days=THROUGHPUT_WINDOW_DAYS)
    decided = Submission.objects.filter(decided_at__gte=since).count()
    return max(decided / THROUGHPUT_WINDOW_DAYS, MIN_DECISIONS_PER_DAY)


def expected_decision_date(
    submission: Submission, *, position: int | None = None, per_day: float | None = None
) -> datetime.datetime | None:
    """When the developer can expect a decision: the due date, or later if the queue is long.

    Estimated as now + position / decisions_per_day(), never earlier than the due date (a
    promise we would rather keep than beat). Pass position and per_day when listing many
    submissions, to spend their queries once. None once the submission is closed, and while
    its developer is asked for changes.
    """
    if not submission.is_with_reviewers:
        return None
    position = position if position is not None else queue_position(submission)
    per_day = per_day if per_day is not None else decisions_per_day()
    estimate = timezone.now() + datetime.timedelta(days=position / per_day)
    return max(submission.due_at, estimate)


def plugin_submissions(plugin_id: int) -> list[Submission]:
    """Every submission of a plugin, oldest first, with its audit rows and criterion results.

    Three queries however long the history.
    """
    return list(
        Submission.objects.filter(plugin_id=plugin_id)
        .select_related("version", "claimed_by", "decided_by")
        .defer(*HEAVY_VERSION_FIELDS)
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor")),
            Prefetch("criterion_results", queryset=CriterionResult.objects.all()),
        )
        .order_by("submitted_at", "id")
    )


def last_approved_version(submission: Submission) -> PluginVersion | None:
    """The version to compare this submission's with: the live one, or else the last approved.

    After a ban and reinstatement nothing is live, but the last approved version is still
    what the reviewer wants to compare with.
    """
    live_id = submission.plugin.live_version_id
    if live_id and live_id != submission.version_id:
        return PluginVersion.objects.get(pk=live_id)
    previous = (
        Submission.objects.filter(plugin_id=submission.plugin_id, state=SubmissionState.APPROVED)
        .exclude(version_id=submission.version_id)
        .order_by("-decided_at", "-id")
        .select_related("version")
        .first()
    )
    return previous.version if previous else None


def pretty_head(document, text: str, *, lines: int, chars: int) -> tuple[str, bool]:
    """The start of pretty_lines() joined: at most `lines` lines and about `chars` characters,
    without printing the rest of a large document; and whether anything was left out."""
    chunks = pretty_encoder().iterencode(document) if document is not None else [text or ""]
    head, size, newlines = [], 0, 0
    for chunk in chunks:
        head.append(chunk)
        size += len(chunk)
        newlines += chunk.count("\n")
        if newlines >= lines or size >= chars:
            break
    else:
        return "".join(head), False
    kept = "".join(head)[:chars].split("\n")[:lines]
    return "\n".join(kept), True


def version_diffs(submission: Submission, *, limit: int | None = None) -> list[DocumentDiff] | None:
    """The manifest's and the spec's diffs from the last approved version; None if none.

    `limit` bounds the lines kept per document (a spec may hold thousands of operations).
    """
    base = last_approved_version(submission)
    if base is None:
        return None
    new = submission.version
    return [
        document_diff(
            label,
            pretty_lines(old_doc, old_text),
            pretty_lines(new_doc, new_text),
            from_label=f"{label} v{base.number} (approved)",
            to_label=f"{label} v{new.number}",
            limit=limit,
        )
        for label, old_doc, old_text, new_doc, new_text in (
            ("manifest", base.manifest, base.manifest_text, new.manifest, new.manifest_text),
            ("spec", base.spec, base.spec_text, new.spec, new.spec_text),
        )
    ]


_DIFF_PREFIX = {DIFF_ADDED: "+", DIFF_REMOVED: "-", DIFF_CONTEXT: " "}


def version_diff(submission: Submission) -> str | None:
    """version_diffs() as the text of a unified diff; None if nothing was approved before."""
    diffs = version_diffs(submission)
    if diffs is None:
        return None
    text = []
    for diff in diffs:
        if not diff.lines:
            continue
        text += [f"--- {diff.from_label}", f"+++ {diff.to_label}"]
        text += [
            line.text if line.kind == DIFF_HUNK else _DIFF_PREFIX[line.kind] + line.text
            for line in diff.lines
        ]
    return "\n".join(text)


@dataclass(frozen=True)
class FailedCriterion:
    criterion: str
    text: str
    note: str


@dataclass(frozen=True)
class DeveloperSubmission:
    """A submission as its developer sees it: never the reviewer's private note."""

    id: int
    version_number: int
    state: str
    state_label: str
    is_open: bool
    submitted_at: datetime.datetime
    due_at: datetime.datetime
    queue_position: int | None
    expected_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    developer_note: str
    failed_criteria: tuple[FailedCriterion, ...]
    # The last request for changes (the page shows it while the state is changes_requested).
    changes_note: str = ""
    changes_due_at: datetime.datetime | None = None

    @property
    def changes_requested(self) -> bool:
        return self.state == SubmissionState.CHANGES_REQUESTED


def failed_results_prefetch() -> Prefetch:
    """Each submission's failed criterion results, as `failed_results` (one query for all)."""
    return Prefetch(
        "criterion_results",
        queryset=CriterionResult.objects.filter(result=CriterionOutcome.FAIL),
        to_attr="failed_results",
    )


def developer_submissions(plugin_id: int) -> list[DeveloperSubmission]:
    """Every submission of a plugin for its developer's page, newest first; four queries."""
    submissions = (
        Submission.objects.filter(plugin_id=plugin_id)
        .select_related("version")
        .only(
            "state",
            "submitted_at",
            "due_at",
            "decided_at",
            "developer_note",
            "changes_note",
            "changes_due_at",
            "plugin_id",
            "version__number",
        )
        .prefetch_related(failed_results_prefetch())
        .order_by("-submitted_at", "-id")
    )
    rows = []
    per_day = None
    for submission in submissions:
        position = expected = None
        if submission.is_with_reviewers:  # at most one per plugin
            per_day = per_day or decisions_per_day()
            position = queue_position(submission)
            expected = expected_decision_date(submission, position=position, per_day=per_day)
        rows.append(
            DeveloperSubmission(
                id=submission.pk,
                version_number=submission.version.number,
                state=submission.state,
                state_label=submission.get_state_display(),
                is_open=submission.is_open,
                submitted_at=submission.submitted_at,
                due_at=submission.due_at,
                queue_position=position,
                expected_at=expected,
                decided_at=submission.decided_at,
                developer_note=submission.developer_note,
                failed_criteria=failed_criteria(submission),
                changes_note=submission.changes_note,
                changes_due_at=submission.changes_due_at,
            )
        )
    return rows


def failed_criteria(submission: Submission) -> tuple[FailedCriterion, ...]:
    """The failed criteria of a submission loaded with failed_results_prefetch(), C1 first."""
    return tuple(
        FailedCriterion(r.criterion, Criterion(r.criterion).label, r.note)
        for r in sorted(
            submission.failed_results, key=lambda r: Criterion.values.index(r.criterion)
        )
    )


def owner_thread_id(plugin, *, owner_id: int | None = None) -> int | None:
    """The plugin's Help > Messages thread of its owner (where they answer reviewers), if any;
    with owner_id, that developer's thread of it (a co-developer has their own)."""
    return (
        Thread.objects.filter(owner_id=owner_id or plugin.owner_id, plugin_id=plugin.pk)
        .values_list("pk", flat=True)
        .first()
    )


REPLIES_SHOWN = 20


def developer_replies(plugin_id: int, *, limit: int = REPLIES_SHOWN) -> list[Message]:
    """The newest messages people wrote in the plugin's Help > Messages thread, oldest first.

    Replies and ban appeals; system messages (made from notifications) are left out. One query.
    """
    newest = (
        Message.objects.filter(thread__plugin_id=plugin_id, author__isnull=False)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    return list(reversed(newest))


def plugin_has_submission(plugin_id: int, submission_id: int) -> bool:
    """Whether this submission belongs to this plugin (guards nested URLs)."""
    return Submission.objects.filter(pk=submission_id, plugin_id=plugin_id).exists()
