"""Reads for the reviewer's submission page (the workbench): everything needed to decide.

Every list is bounded, because a spec may hold tens of thousands of operations and a version
as many findings: the page shows the first of each with how many more there are, and its
query count does not depend on the plugin's history, its thread or the spec's size.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Prefetch

from pluginstore.checks.spec import WRITE_METHODS, iter_operations
from reviews import moderation, selectors
from reviews.bot.services import BOT_CRITERIA
from reviews.models import (
    Criterion,
    CriterionOutcome,
    CriterionResult,
    Submission,
    SubmissionConversation,
    SubmissionEvent,
)

FINDINGS_SHOWN_PER_CRITERION = 20
# A preset fail note quotes at most this many of the checker's errors.
PRESET_MESSAGES = 3
OPERATIONS_SHOWN = 200
DOCUMENT_LINES_SHOWN = 2000
DOCUMENT_CHARS_SHOWN = 200_000
DIFF_LINES_SHOWN = 1500
HISTORY_SHOWN = 20
STATUS_CHANGES_SHOWN = 20
# Long strings in a table cell are cut to this many characters.
CELL_CHARS = 300

# The criterion result's note column: a preset note must fit it.
CRITERION_NOTE_MAX_LENGTH = CriterionResult._meta.get_field("note").max_length
SEVERITY_ERROR, SEVERITY_WARNING = "error", "warning"


def _cut(value: object, limit: int = CELL_CHARS) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Findings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    field: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == SEVERITY_ERROR


@dataclass(frozen=True)
class FindingGroup:
    """The findings of one criterion (or of none: criterion ""), errors first, bounded."""

    criterion: str
    label: str
    auto: bool
    findings: tuple[Finding, ...]
    error_count: int
    warning_count: int
    hidden: int


_CRITERIA = frozenset(Criterion.values)


def _finding(raw: Mapping) -> Finding:
    return Finding(
        severity=_cut(raw.get("severity"), 20),
        code=_cut(raw.get("code"), 120),
        field=_cut(raw.get("field")),
        message=_cut(raw.get("message"), 1000),
    )


def findings_by_criterion(
    findings: Iterable[object], *, shown: int = FINDINGS_SHOWN_PER_CRITERION
) -> list[FindingGroup]:
    """The version's findings grouped by criterion (C1 to C11, then those without one), each
    group's errors before its warnings, at most `shown` per group. Groups without findings
    are left out. One pass over the findings, however many there are."""
    kept: dict[tuple[str, bool], list[Mapping]] = {}
    counts: dict[str, list[int]] = {}
    for raw in findings or ():
        if not isinstance(raw, Mapping):
            continue
        criterion = raw.get("criterion")
        criterion = criterion if criterion in _CRITERIA else ""
        is_error = raw.get("severity") == SEVERITY_ERROR
        count = counts.setdefault(criterion, [0, 0])
        count[0 if is_error else 1] += 1
        bucket = kept.setdefault((criterion, is_error), [])
        if len(bucket) < shown:
            bucket.append(raw)
    groups = []
    for criterion in [*Criterion.values, ""]:
        if criterion not in counts:
            continue
        error_count, warning_count = counts[criterion]
        raws = (kept.get((criterion, True), []) + kept.get((criterion, False), []))[:shown]
        groups.append(
            FindingGroup(
                criterion=criterion,
                label=Criterion(criterion).label if criterion else "No criterion",
                auto=bool(criterion) and Criterion(criterion).auto,
                findings=tuple(_finding(raw) for raw in raws),
                error_count=error_count,
                warning_count=warning_count,
                hidden=error_count + warning_count - len(raws),
            )
        )
    return groups


@dataclass(frozen=True)
class CriterionPreset:
    """Where a criterion's result starts on the decision form, and why.

    Machine-checked criteria start from the checker: FAIL with its error messages as the note
    when it found an error, PASS when it found none. Human criteria start unset (result None):
    nothing starts as "pass" that nobody looked at.
    """

    criterion: str
    label: str
    auto: bool
    result: str | None
    note: str
    error_count: int
    warning_count: int
    first_message: str  # the first error's (else warning's) message, for the form's hint


def criterion_presets(findings: Iterable[object]) -> dict[str, CriterionPreset]:
    """Each criterion's starting result, C1 to C11, from the version's findings."""
    return presets_from_groups(findings_by_criterion(findings, shown=PRESET_MESSAGES))


def presets_from_groups(groups: Iterable[FindingGroup]) -> dict[str, CriterionPreset]:
    """criterion_presets() from findings already grouped (errors first in each group)."""
    by_criterion = {group.criterion: group for group in groups}
    presets = {}
    for criterion in Criterion:
        group = by_criterion.get(criterion.value)
        errors = [f for f in group.findings if f.is_error][:PRESET_MESSAGES] if group else []
        result = None
        note = ""
        if criterion.auto:
            result = CriterionOutcome.FAIL if errors else CriterionOutcome.PASS
            if errors:
                lines = [f"{f.code}: {f.message}" for f in errors]
                if group.error_count > len(errors):
                    lines.append(f"(and {group.error_count - len(errors)} more errors)")
                note = _cut("\n".join(lines), CRITERION_NOTE_MAX_LENGTH)
        presets[criterion.value] = CriterionPreset(
            criterion=criterion.value,
            label=criterion.label,
            auto=criterion.auto,
            result=result,
            note=note,
            error_count=group.error_count if group else 0,
            warning_count=group.warning_count if group else 0,
            first_message=group.findings[0].message if group and group.findings else "",
        )
    return presets


# The spec's operations -------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    writes: bool


@dataclass(frozen=True)
class Operations:
    rows: tuple[Operation, ...]  # the first `shown`, in the spec's order
    total: int
    write_total: int
    hidden: int
    spec_parsed: bool


def spec_operations(spec: object, *, shown: int = OPERATIONS_SHOWN) -> Operations:
    """The operations of a parsed spec as table rows (the first `shown`), with totals."""
    if not isinstance(spec, dict):
        return Operations((), 0, 0, 0, spec_parsed=False)
    rows = []
    total = writes_total = 0
    for path, method, operation in iter_operations(spec):
        total += 1
        writes = method in WRITE_METHODS
        writes_total += writes
        if len(rows) < shown:
            rows.append(
                Operation(
                    method=method.upper(),
                    path=_cut(path),
                    operation_id=_cut(operation.get("operationId")),
                    summary=_cut(operation.get("summary")),
                    writes=writes,
                )
            )
    return Operations(tuple(rows), total, writes_total, total - len(rows), spec_parsed=True)


# Documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    label: str
    text: str  # the start, pretty-printed
    size: int  # characters as fetched
    truncated: bool
    parsed: bool


def document(label: str, parsed: object, text: str) -> Document:
    """A document pretty-printed for reading, cut after DOCUMENT_LINES_SHOWN lines (or
    DOCUMENT_CHARS_SHOWN characters) without printing the rest."""
    head, truncated = selectors.pretty_head(
        parsed, text, lines=DOCUMENT_LINES_SHOWN, chars=DOCUMENT_CHARS_SHOWN
    )
    return Document(label, head, len(text or ""), truncated, parsed=parsed is not None)


# What the developer said --------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    criterion: str
    label: str
    explanation: str  # what the bot asked them to confirm
    confirmed: bool


@dataclass(frozen=True)
class BotConfirmations:
    """The criteria the developer confirmed in the bot, and for which version they did."""

    items: list[Confirmation]
    version_number: int | None

    def __iter__(self):
        return iter(self.items)


def bot_confirmations(submission_id: int) -> BotConfirmations | None:
    """The criteria the developer confirmed in the submission bot when filing this submission,
    in the bot's order; None when it was not filed through the bot. One query.

    The bot keeps them on its conversation, which points at the submission it filed
    (reviews.bot.services.conversation_file)."""
    row = (
        SubmissionConversation.objects.filter(submission_id=submission_id)
        .order_by("-created_at", "-id")
        .values_list("confirmed_criteria", "version__number")
        .first()
    )
    if row is None:
        return None
    confirmed_criteria, version_number = row
    confirmed = set(confirmed_criteria) if isinstance(confirmed_criteria, list) else set()
    return BotConfirmations(
        [
            Confirmation(str(c), Criterion(c).label, explanation, str(c) in confirmed)
            for c, explanation in BOT_CRITERIA
        ],
        version_number,
    )


# History ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounded:
    rows: list
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def plugin_history(plugin_id: int, *, shown: int = HISTORY_SHOWN) -> Bounded:
    """The plugin's newest submissions with their audit rows and failed criteria, and how
    many there are; four queries however long the history."""
    submissions = Submission.objects.filter(plugin_id=plugin_id)
    newest = list(
        submissions.select_related("version")
        .defer(*selectors.HEAVY_VERSION_FIELDS)
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor")),
            selectors.failed_results_prefetch(),
        )
        .order_by("-submitted_at", "-id")[:shown]
    )
    return Bounded(newest, submissions.count())


def status_changes(plugin_id: int, *, shown: int = STATUS_CHANGES_SHOWN) -> Bounded:
    """The plugin's newest status changes and how many there are; two queries."""
    history = moderation.plugin_status_history(plugin_id)
    newest = list(history.order_by("-created_at", "-id")[:shown])
    return Bounded(newest, history.count())


# The page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workbench:
    """Everything the submission page shows besides the submission's own fields."""

    findings: list[FindingGroup]
    error_count: int
    warning_count: int
    presets: dict[str, CriterionPreset]
    diffs: list[selectors.DocumentDiff] | None  # None: nothing was approved before
    operations: Operations
    manifest: Document
    spec: Document
    confirmations: BotConfirmations | None
    replies: list
    history: Bounded
    status_changes: Bounded
    results: list[CriterionResult]  # this submission's recorded decision, C1 first

    @property
    def documents(self) -> tuple[Document, Document]:
        return self.manifest, self.spec


def workbench(submission: Submission) -> Workbench:
    """Read everything for the submission page; the submission comes with its plugin and
    version loaded. At most eleven queries, whatever the sizes."""
    version = submission.version
    findings = version.findings or []
    groups = findings_by_criterion(findings)
    results = sorted(
        submission.criterion_results.all(), key=lambda r: Criterion.values.index(r.criterion)
    )
    return Workbench(
        findings=groups,
        # The version's own counts: the stored findings may be bounded (a few per code).
        error_count=version.error_count,
        warning_count=version.warning_count,
        presets=presets_from_groups(groups),
        diffs=selectors.version_diffs(submission, limit=DIFF_LINES_SHOWN),
        operations=spec_operations(version.spec),
        manifest=document("manifest", version.manifest, version.manifest_text),
        spec=document("spec", version.spec, version.spec_text),
        confirmations=bot_confirmations(submission.pk),
        replies=selectors.developer_replies(submission.plugin_id),
        history=plugin_history(submission.plugin_id),
        status_changes=status_changes(submission.plugin_id),
        results=results,
    )
